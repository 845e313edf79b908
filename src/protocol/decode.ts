// The hot path: one WebSocket frame → one AcdEvent or one DecodeError (never an exception).
//
// The envelope check and the field normaliser are hand-written: measured on a shared 2-core box, the whole of
// this function (UTF-8 check + JSON.parse + normalising) runs at ~500k frames/s, while JSON.parse plus the io-ts
// envelope check alone (no normalising) ran at ~250-380k/s. The io-ts codec of the envelope (`wire.ts`'s
// `AcdEnvelope`) delegates to `decodeAcdMessage`, so both accept the same frames.
//
// Lenient exactly where the real server is sloppy (ipecs-webapi.md §6.2, §10.2-10, A-18; prior art §6.3):
// eventCode/callRefID as numbers or numeric strings, blank and space-filled fields, strings sent as numbers,
// `sourceType` in any case. Everything else is a DecodeError with a stable reason.
//
// Prototype safety: JSON.parse makes `__proto__` and `constructor` own properties; this module only reads
// known keys with `Object.hasOwn` and builds fresh objects, so parsed objects are never merged anywhere. No PBX
// sends such keys, so an envelope (or ACD data) carrying one is refused as `prototype-key`.

import { MAX_ENVELOPE_DEPTH, OTHER_EVENT_KINDS, type AcdEvent, type DecodeError, type DecodeErrorReason, type Party, type PartyType } from './acd-event.js';
import { acdCodeInfo } from './catalogue.js';
import type { PartyKind } from './catalogue.js';
import { escapeForLog } from '../logging/escape.js';
import { isJsonObject, jsonTypeOf, wireString } from './lenient.js';

/** Characters of the frame kept in {@link DecodeError.excerpt}. */
export const EXCERPT_CHARS = 120;

// Stateless: `fatal` makes invalid UTF-8 throw instead of producing U+FFFD; never used in streaming mode.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Marks a field that is present but of a type the decoder cannot accept. */
const BAD: unique symbol = Symbol('bad');
type Bad = typeof BAD;

function excerptOf(text: string): string {
  return escapeForLog(text, EXCERPT_CHARS);
}

function rawExcerpt(data: Buffer | string, isBinary: boolean): string {
  if (typeof data === 'string') return excerptOf(data);
  const head = data.subarray(0, EXCERPT_CHARS * 4);
  if (isBinary) return `<binary> ${head.subarray(0, 32).toString('hex')}${data.length > 32 ? '…' : ''}`;
  // Non-fatal decoding for display only: invalid bytes show as U+FFFD.
  return excerptOf(head.toString('utf8'));
}

function fail(reason: DecodeErrorReason, at: number, message: string, excerpt: string, bytes: number): DecodeError {
  return { kind: 'decode-error', reason, at, message, excerpt, bytes };
}

/** A wire string field's value: {@link wireString}, with missing/null → ''; anything else → BAD. */
function stringOf(v: unknown): string | Bad {
  if (typeof v === 'string') return v.trim(); // the common case, without a call
  if (v === null || v === undefined) return '';
  return wireString(v) ?? BAD;
}

/** A wire integer field's value: non-negative integer, or a numeric string (`"03"`); blank/missing/null → undefined. */
function intOf(v: unknown): number | undefined | Bad {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : BAD;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    if (s.length > 15 || !/^\d+$/.test(s)) return BAD;
    return Number(s);
  }
  if (v === null || v === undefined) return undefined;
  return BAD;
}

/** The wire's `sourceType`/`destType`, compared without regard to case. */
function wireType(t: string): PartyType {
  switch (t) {
    case 'Station':
    case 'STATION':
    case 'station':
      return 'station';
    case 'CO':
    case 'co':
    case 'Co':
      return 'co';
    case '':
      return 'other';
    default: {
      const l = t.toLowerCase();
      return l === 'station' ? 'station' : l === 'co' ? 'co' : 'other';
    }
  }
}

/**
 * Decides a party's type (metrics.md §1): the catalogue row's kind when it is `station` or `co`; the wire's type
 * field when the row says `either`, or the code is not in the catalogue, or the row says `none` but the PBX sent a
 * number anyway (kept rather than dropped, typed by the wire).
 */
function partyOf(number: string, kind: PartyKind | undefined, typeField: string): Party | undefined {
  if (number === '') return undefined;
  const type: PartyType = kind === 'station' ? 'station' : kind === 'co' ? 'co' : wireType(typeField);
  return { type, number };
}

const STRING_FIELDS = ['time', 'eventString', 'sourceType', 'sourceNumber', 'destType', 'destNumber', 'data1', 'data2'] as const;

/**
 * Decodes one WebSocket frame of the ACD stream (`{"event":"acd","data":{…ten fields…}}`, ipecs-webapi.md §6.2).
 *
 * Returns an {@link AcdEvent}, or a {@link DecodeError} with one of the reasons of {@link DecodeErrorReason}:
 * `too-large` (checked on the byte length before anything else), `not-text` (binary frame), `invalid-utf8`,
 * `not-json`, then the envelope's and the event's reasons of {@link decodeAcdMessage}. Each frame gets exactly one
 * reason. Unknown codes decode with name `UNKNOWN`. Never throws.
 *
 * @param data the frame as `ws` delivers it (Buffer, UTF-8 not yet checked) or as text.
 * @param isBinary `ws`'s flag: a binary frame is never an event.
 * @param at the receive time from the scheduler (`scheduler.now()`).
 * @param maxFrameBytes the size limit (config `socket.maxFrameBytes`).
 */
export function decodeAcdFrame(data: Buffer | string, isBinary: boolean, at: number, maxFrameBytes: number): AcdEvent | DecodeError {
  let bytes = 0;
  try {
    bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.byteLength;
    if (bytes > maxFrameBytes) {
      return fail('too-large', at, `frame of ${bytes} bytes exceeds the limit of ${maxFrameBytes}`, rawExcerpt(data, isBinary), bytes);
    }
    if (isBinary) return fail('not-text', at, 'binary frame', rawExcerpt(data, isBinary), bytes);
    let text: string;
    if (typeof data === 'string') {
      // TextDecoder drops a BOM from Buffers; do the same for text so both forms decode alike.
      text = data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
    } else {
      // The one UTF-8 check of a text frame: the socket receives text frames unchecked (ws skipUTF8Validation), so
      // a bad byte costs this frame only, not the socket.
      try {
        text = utf8.decode(data);
      } catch {
        return fail('invalid-utf8', at, 'text frame is not valid UTF-8', rawExcerpt(data, isBinary), bytes);
      }
    }
    const fast = canonicalAcdEvent(text, at);
    if (fast !== undefined) return fast;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail('not-json', at, 'frame is not JSON', excerptOf(text), bytes);
    }
    return decodeAcdMessage(parsed, at, text, bytes);
  } catch (e) {
    // Defensive: nothing above is expected to throw (a hostile getter cannot exist on parsed JSON).
    const what = e instanceof Error ? e.name : jsonTypeOf(e);
    return fail('bad-shape', at, `decoder failure (${what})`, typeof data === 'string' ? excerptOf(data) : '', bytes);
  }
}

/** Keys that name Object.prototype's machinery: never sent by a PBX, so a frame carrying one is hostile. */
function prototypeKeyOf(o: Record<string, unknown>): string | undefined {
  if (Object.hasOwn(o, '__proto__')) return '__proto__';
  if (Object.hasOwn(o, 'constructor')) return 'constructor';
  if (Object.hasOwn(o, 'prototype')) return 'prototype';
  return undefined;
}

/** Whether `u` nests deeper than `limit` levels of objects and lists (a scalar is depth 0). Bounded recursion. */
function deeperThan(u: unknown, limit: number): boolean {
  if (typeof u !== 'object' || u === null) return false;
  if (limit <= 0) return true;
  const children: readonly unknown[] = Array.isArray(u) ? u : Object.values(u);
  for (const c of children) if (deeperThan(c, limit - 1)) return true;
  return false;
}

/** The envelope kind of an `event` value compared without regard to case and spacing (`" ACD "` is `acd`). */
function kindOf(ev: string): string {
  return ev === 'acd' ? ev : ev.trim().toLowerCase();
}

/**
 * Decodes an already parsed ACD message (the object of a frame). `text` is used only for the excerpt of an error
 * (pass `''` if unknown); `bytes` is reported in errors. Never throws for JSON-shaped input.
 *
 * The envelope's reasons, in order: `not-object`, `prototype-key` (in the envelope or the ACD `data`), `too-deep`
 * (an envelope that does not decode and nests deeper than {@link MAX_ENVELOPE_DEPTH}), `no-event`,
 * `event-not-string`, `unknown-event`, `bad-shape` (`data` not an object); a well-formed `call`, `smdr` or
 * `presence` envelope is `other-event`. Then the event's: `no-event-code`, `bad-event-code`, `bad-shape`.
 */
export function decodeAcdMessage(parsed: unknown, at: number, text = '', bytes = 0): AcdEvent | DecodeError {
  if (!isJsonObject(parsed)) {
    return fail('not-object', at, `expected a JSON object, found ${jsonTypeOf(parsed)}`, excerptOf(text), bytes);
  }
  const envKey = prototypeKeyOf(parsed);
  if (envKey !== undefined) return fail('prototype-key', at, `the envelope has an own "${envKey}" key`, excerptOf(text), bytes);
  const ev = Object.hasOwn(parsed, 'event') ? parsed['event'] : undefined;
  const d = Object.hasOwn(parsed, 'data') ? parsed['data'] : undefined;
  const kind = typeof ev === 'string' ? kindOf(ev) : undefined;
  if (kind === 'acd' && isJsonObject(d)) {
    const dataKey = prototypeKeyOf(d);
    if (dataKey !== undefined) return fail('prototype-key', at, `data has an own "${dataKey}" key`, excerptOf(text), bytes);
    const out = decodeAcdData(d, at, text, bytes);
    return 'kind' in out && deeperThan(parsed, MAX_ENVELOPE_DEPTH) ? tooDeep(at, text, bytes) : out;
  }
  if (kind !== undefined && kind !== 'acd' && OTHER_EVENT_KINDS.includes(kind) && isJsonObject(d)) {
    return fail('other-event', at, `event is "${kind}", not "acd"`, excerptOf(text), bytes);
  }
  // Not an envelope we know: name the most telling fault.
  if (deeperThan(parsed, MAX_ENVELOPE_DEPTH)) return tooDeep(at, text, bytes);
  if (ev === undefined) return fail('no-event', at, 'no "event" key', excerptOf(text), bytes);
  if (kind === undefined) return fail('event-not-string', at, `event: expected a string, found ${jsonTypeOf(ev)}`, excerptOf(text), bytes);
  if (kind !== 'acd' && !OTHER_EVENT_KINDS.includes(kind)) {
    return fail('unknown-event', at, `event "${escapeForLog(kind, 32)}" is no kind of the Web API`, excerptOf(text), bytes);
  }
  return fail('bad-shape', at, `data: expected an object, found ${jsonTypeOf(d)}`, excerptOf(text), bytes);
}

function tooDeep(at: number, text: string, bytes: number): DecodeError {
  return fail('too-deep', at, `nested deeper than ${MAX_ENVELOPE_DEPTH} levels`, excerptOf(text), bytes);
}

/** The wire fields of an ACD event's `data`, as JSON.parse made them (each read once). */
interface AcdData {
  readonly eventCode?: unknown;
  readonly callRefID?: unknown;
  readonly time?: unknown;
  readonly eventString?: unknown;
  readonly sourceType?: unknown;
  readonly sourceNumber?: unknown;
  readonly destType?: unknown;
  readonly destNumber?: unknown;
  readonly data1?: unknown;
  readonly data2?: unknown;
}

/**
 * The event of an ACD envelope's `data` (an object without prototype keys). Each field is read once, by name: none
 * of the ten names is a property of Object.prototype, so a missing field reads as undefined, never as an
 * inherited value. The rules are those of acd-spec.ts (test/protocol/decode-spec.test.ts checks they agree).
 */
function decodeAcdData(raw: Record<string, unknown>, at: number, text: string, bytes: number): AcdEvent | DecodeError {
  const d = raw as AcdData;
  const rawCode = d.eventCode;
  const code = intOf(rawCode);
  if (code === undefined) return fail('no-event-code', at, 'data.eventCode is missing or blank', excerptOf(text), bytes);
  if (code === BAD) {
    return fail('bad-event-code', at, `data.eventCode: expected an integer or numeric string, found ${jsonTypeOf(rawCode)}`, excerptOf(text), bytes);
  }
  const rawRef = d.callRefID;
  const callRefId = intOf(rawRef);
  if (callRefId === BAD) {
    return fail('bad-shape', at, `data.callRefID: expected an integer or numeric string, found ${jsonTypeOf(rawRef)}`, excerptOf(text), bytes);
  }
  const pbxTime = stringOf(d.time);
  const eventString = stringOf(d.eventString);
  const sourceType = stringOf(d.sourceType);
  const sourceNumber = stringOf(d.sourceNumber);
  const destType = stringOf(d.destType);
  const destNumber = stringOf(d.destNumber);
  const data1 = stringOf(d.data1);
  const data2 = stringOf(d.data2);
  if (
    pbxTime === BAD || eventString === BAD || sourceType === BAD || sourceNumber === BAD ||
    destType === BAD || destNumber === BAD || data1 === BAD || data2 === BAD
  ) {
    const key = STRING_FIELDS.find((k) => stringOf(raw[k]) === BAD) ?? 'data';
    return fail('bad-shape', at, `data.${key}: expected a string or number, found ${jsonTypeOf(raw[key])}`, excerptOf(text), bytes);
  }
  return acdEventOf(at, code, callRefId, pbxTime, eventString, sourceType, sourceNumber, destType, destNumber, data1, data2);
}

/** The event of normalised fields (strings trimmed, integers read): the one builder of both paths. */
function acdEventOf(
  at: number, code: number, callRefId: number | undefined, pbxTime: string, eventString: string, sourceType: string,
  sourceNumber: string, destType: string, destNumber: string, data1: string, data2: string,
): AcdEvent {
  const info = acdCodeInfo(code);
  const source = partyOf(sourceNumber, info?.source, sourceType);
  const dest = partyOf(destNumber, info?.dest, destType);
  const out: { -readonly [K in keyof AcdEvent]: AcdEvent[K] } = {
    at,
    pbxTime,
    code,
    name: info?.name ?? 'UNKNOWN',
    eventString,
    data1,
    data2,
  };
  if (callRefId !== undefined) out.callRefId = callRefId;
  if (source !== undefined) out.source = source;
  if (dest !== undefined) out.dest = dest;
  return out;
}

// ---- the canonical frame ------------------------------------------------------------------------------------
//
// What the PBX sends (ipecs-webapi.md §6.2, the spec's example) and the emulator too: the envelope's two keys and
// data's ten, in the spec's order, string values without escapes, integers as plain digits. One regular
// expression both validates such a frame as JSON and captures its values: measured on the bench's frames it runs
// in about a third of JSON.parse's time (irregexp scans the text once, and builds no object). Anything else — other
// key orders, escapes, missing or extra keys, other number forms, another kind of envelope — does not match and
// takes the general path (JSON.parse, decodeAcdMessage), so the fast path only ever decides frames both paths
// read alike (test/protocol/decode-canonical.test.ts holds the two to the same result on generated frames).

/** JSON whitespace (RFC 8259 §2): exactly these four (as alternatives: irregexp runs them faster than a class). */
const JSON_WS = '(?: |\\n|\\r|\\t)*';
/** A JSON string without escapes (no `"`, `\\` or control character inside), captured. */
const STR = '"([^"\\\\\\u0000-\\u001f]*)"';
/** A string or a JSON integer without sign, fraction or exponent (`0` or no leading zero; ≤ 15 digits: safe). */
const INT = `(?:${STR}|(0|[1-9][0-9]{0,14}))`;

/**
 * The canonical frame with `ws` between its tokens: captures 1 time, 2/3 callRefID (string/digits), 4/5 eventCode
 * (string/digits), 6-12 the rest.
 */
function canonicalFrame(ws: string): RegExp {
  const key = (k: string, value: string, last = false): string => `"${k}"${ws}:${ws}${value}${ws}${last ? '' : `,${ws}`}`;
  return new RegExp(
    `^${ws}\\{${ws}"event"${ws}:${ws}"acd"${ws},${ws}"data"${ws}:${ws}\\{${ws}` +
      key('time', STR) + key('callRefID', INT) + key('eventCode', INT) + key('eventString', STR) + key('sourceType', STR) +
      key('sourceNumber', STR) + key('destType', STR) + key('destNumber', STR) + key('data1', STR) + key('data2', STR, true) +
      `\\}${ws}\\}${ws}$`,
  );
}

/** Without whitespace, as JSON.stringify writes it (the emulator does): a quarter faster to match. */
const COMPACT_FRAME = canonicalFrame('');
/** With JSON whitespace anywhere between tokens (tried when the compact form does not match). */
const CANONICAL_FRAME = canonicalFrame(JSON_WS);

/** The groups of a {@link CANONICAL_FRAME} match: the two integers are one of a string or digits, the rest strings. */
type CanonicalGroups = readonly [
  whole: string, time: string, refString: string | undefined, refDigits: string | undefined, codeString: string | undefined,
  codeDigits: string | undefined, eventString: string, sourceType: string, sourceNumber: string, destType: string,
  destNumber: string, data1: string, data2: string,
];

/**
 * The event of a frame in the canonical form, or `undefined` when the text is not in that form or its fields do
 * not decode (the general path then names the fault). Equal to what `decodeAcdMessage(JSON.parse(text), at)` gives
 * for every text it decides.
 */
export function canonicalAcdEvent(text: string, at: number): AcdEvent | undefined {
  const match = COMPACT_FRAME.exec(text) ?? CANONICAL_FRAME.exec(text);
  if (match === null) return undefined;
  const g = match as unknown as CanonicalGroups;
  const code = g[5] !== undefined ? Number(g[5]) : intOf(g[4]);
  if (code === undefined || code === BAD) return undefined;
  const callRefId = g[3] !== undefined ? Number(g[3]) : intOf(g[2]);
  if (callRefId === BAD) return undefined;
  return acdEventOf(at, code, callRefId, trimmed(g[1]), trimmed(g[6]), trimmed(g[7]), trimmed(g[8]), trimmed(g[9]), trimmed(g[10]), trimmed(g[11]), trimmed(g[12]));
}

/** `s.trim()`, without the call when both ends are printable ASCII other than space (most values). */
function trimmed(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(n - 1);
  return a > 32 && a < 127 && z > 32 && z < 127 ? s : s.trim();
}
