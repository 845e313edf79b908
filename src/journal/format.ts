// The journal file format: NDJSON, one JSON object per line, written by `recordJournal` and read by
// `replayJournal`. Plain data and pure encode/decode functions; no I/O here.
//
//   {"journal":"ipecs-rx","version":1,"startedAt":1764284400000,"metrics":{…},"filters":{…},"maxFrameBytes":1048576}
//   {"at":1764284400123,"frame":"{\"event\":\"acd\",\"data\":{…}}"}           a text frame, verbatim
//   {"at":1764284400200,"frame":"AAEC","base64":true}                      a text frame that is not valid UTF-8
//   {"at":1764284400300,"frame":"AAEC","base64":true,"binary":true}        a binary frame
//   {"at":1764284401000,"connection":{"kind":"open","at":…,"url":"wss://…"}}  a connection state (informative)
//   {"at":1764284402000,"dropped":12}                                      frames lost to a full write buffer
//   {"at":1764284460000,"end":true}                                        the recording stopped here
//
// The header is the first line. `startedAt` is the instant the live summary started (its `periodStart`): the
// replay starts its summary at the same virtual instant, so ticks, resets and every figure fall where they fell.
// The header carries the non-secret settings that change figures (metrics, filters, frame limit) and never a
// host credential.

import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { DEFAULT_CONFIG, type FiltersConfig, type MetricsConfig } from '../config/config.js';
import type { ConnectionState, RawFrame } from '../socket/types.js';

/** The journal format version this code writes and reads. */
export const JOURNAL_VERSION = 1;

/** The first line of a journal. */
export interface JournalHeader {
  readonly journal: 'ipecs-rx';
  readonly version: number;
  /** Instant the recorded summary started (scheduler ms). The replay's summary starts here. */
  readonly startedAt: number;
  readonly metrics: MetricsConfig;
  readonly filters: FiltersConfig;
  readonly maxFrameBytes: number;
  /** Free text naming what was recorded (host, `demo`…); never a credential. */
  readonly source?: string;
}

/** One line of the journal after the header. */
export type JournalEntry =
  | { readonly kind: 'frame'; readonly frame: RawFrame }
  | { readonly kind: 'connection'; readonly at: number; readonly state: ConnectionState }
  | { readonly kind: 'dropped'; readonly at: number; readonly count: number }
  | { readonly kind: 'end'; readonly at: number };

const MetricsCodec = t.intersection([
  t.type({
    resetTime: t.string,
    timeZone: t.string,
    tickMs: t.number,
    serviceLevelSeconds: t.number,
    shortAbandonSeconds: t.number,
    maxCallAgeMs: t.number,
  }),
  // Journals recorded before the key existed replay with its default.
  t.partial({ lateReportSeconds: t.number, summaryPerEvent: t.boolean }),
]);

const FiltersCodec = t.type({
  stations: t.array(t.string),
  groups: t.array(t.string),
  eventsAllowed: t.array(t.number),
  eventsBlocked: t.array(t.number),
});

const HeaderCodec = t.intersection([
  t.type({
    journal: t.literal('ipecs-rx'),
    version: t.number,
    startedAt: t.number,
    metrics: MetricsCodec,
    filters: FiltersCodec,
    maxFrameBytes: t.number,
  }),
  t.partial({ source: t.string }),
]);

/** The frame line's specification (decodeEntry reads it by hand first: `frameLineOf`). */
export const FrameLineCodec = t.intersection([t.type({ at: t.number, frame: t.string }), t.partial({ base64: t.boolean, binary: t.boolean })]);
const ConnectionLineCodec = t.type({ at: t.number, connection: t.type({ kind: t.string, at: t.number }) });
const DroppedLineCodec = t.type({ at: t.number, dropped: t.number });
const EndLineCodec = t.type({ at: t.number, end: t.literal(true) });

/** Encodes the header line (without the newline). */
export function encodeHeader(header: JournalHeader): string {
  return JSON.stringify(header);
}

/**
 * Encodes one frame as a line (without the newline). Text is kept verbatim when it round-trips through UTF-8,
 * else base64, so the replay sees exactly the bytes that were received.
 */
export function encodeFrame(frame: RawFrame): string {
  if (!frame.isBinary) {
    const text = frame.data.toString('utf8');
    if (Buffer.byteLength(text, 'utf8') === frame.data.length && Buffer.from(text, 'utf8').equals(frame.data)) {
      return JSON.stringify({ at: frame.at, frame: text });
    }
    return JSON.stringify({ at: frame.at, frame: frame.data.toString('base64'), base64: true });
  }
  return JSON.stringify({ at: frame.at, frame: frame.data.toString('base64'), base64: true, binary: true });
}

/** Encodes a connection state line. */
export function encodeConnection(state: ConnectionState): string {
  return JSON.stringify({ at: state.at, connection: state });
}

/** Encodes a "frames dropped" line. */
export function encodeDropped(at: number, count: number): string {
  return JSON.stringify({ at, dropped: count });
}

/** Encodes the end line. */
export function encodeEnd(at: number): string {
  return JSON.stringify({ at, end: true });
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** Decodes the header line, or returns a reason it is not one. */
export function decodeHeader(line: string): JournalHeader | { readonly error: string } {
  const u = parseJson(line);
  if (u === undefined) return { error: 'the first line is not JSON' };
  const r = HeaderCodec.decode(u);
  if (!isRight(r)) return { error: 'the first line is not an ipecs-rx journal header' };
  if (r.right.version > JOURNAL_VERSION) return { error: `journal version ${r.right.version} is newer than this reader (${JOURNAL_VERSION})` };
  const h = r.right;
  const metrics: MetricsConfig = { ...h.metrics, lateReportSeconds: h.metrics.lateReportSeconds ?? DEFAULT_CONFIG.metrics.lateReportSeconds };
  return h.source === undefined
    ? { journal: h.journal, version: h.version, startedAt: h.startedAt, metrics, filters: h.filters, maxFrameBytes: h.maxFrameBytes }
    : { journal: h.journal, version: h.version, startedAt: h.startedAt, metrics, filters: h.filters, maxFrameBytes: h.maxFrameBytes, source: h.source };
}

/**
 * The frame line as {@link FrameLineCodec} reads it, checked by hand: the replay's hot path (a journal is nearly all
 * frame lines). `undefined` for any other shape, which then goes through the codecs.
 */
function frameLineOf(u: unknown): RawFrame | undefined {
  if (typeof u !== 'object' || u === null) return undefined;
  const o = u as { at?: unknown; frame?: unknown; base64?: unknown; binary?: unknown };
  const at = o.at;
  const frame = o.frame;
  const base64 = o.base64;
  const binary = o.binary;
  if (typeof at !== 'number' || typeof frame !== 'string') return undefined;
  if ((base64 !== undefined && typeof base64 !== 'boolean') || (binary !== undefined && typeof binary !== 'boolean')) return undefined;
  return { at, data: Buffer.from(frame, base64 === true ? 'base64' : 'utf8'), isBinary: binary === true };
}

/** Decodes a line after the header; `undefined` for a line that is none of the known shapes (counted by the reader). */
export function decodeEntry(line: string): JournalEntry | undefined {
  const u = parseJson(line);
  if (u === undefined) return undefined;
  const fast = frameLineOf(u);
  if (fast !== undefined) return { kind: 'frame', frame: fast };
  const f = FrameLineCodec.decode(u);
  if (isRight(f)) {
    const v = f.right;
    const data = v.base64 === true ? Buffer.from(v.frame, 'base64') : Buffer.from(v.frame, 'utf8');
    return { kind: 'frame', frame: { at: v.at, data, isBinary: v.binary === true } };
  }
  const c = ConnectionLineCodec.decode(u);
  // The state was written by our own recorder; its inner shape is informative only (never drives figures).
  if (isRight(c)) return { kind: 'connection', at: c.right.at, state: c.right.connection as unknown as ConnectionState };
  const d = DroppedLineCodec.decode(u);
  if (isRight(d)) return { kind: 'dropped', at: d.right.at, count: d.right.dropped };
  const e = EndLineCodec.decode(u);
  if (isRight(e)) return { kind: 'end', at: e.right.at };
  return undefined;
}
