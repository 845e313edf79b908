// The specification of the ACD event (ipecs-webapi.md §6.2, metrics.md §1) as io-ts codecs: what a frame's parsed
// object must look like and what event it means. The hot path (`decode.ts`) is a hand-written reading of the same
// rules, fast enough for the wire; test/protocol/decode-spec.test.ts checks on generated frames that the two agree
// (the same frames accepted, the same event out). Change a rule here and there, together.

import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { type AcdEvent, type Party, type PartyType } from './acd-event.js';
import { acdCodeInfo, type PartyKind } from './catalogue.js';
import { isJsonObject } from './lenient.js';

/** A wire integer: a non-negative safe integer, or a numeric string of at most 15 digits (blank: absent). */
const WireInt = new t.Type<number | undefined, unknown, unknown>(
  'WireInt',
  (u): u is number | undefined => u === undefined || (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0),
  (u, c) => {
    if (u === undefined || u === null) return t.success(undefined);
    if (typeof u === 'number') return Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c);
    if (typeof u !== 'string') return t.failure(u, c);
    const s = u.trim();
    if (s === '') return t.success(undefined);
    return s.length <= 15 && /^\d+$/.test(s) ? t.success(Number(s)) : t.failure(u, c);
  },
  (a) => a,
);

/** A wire text field: a string (trimmed) or a finite number as its decimal text; missing or null: `''`. */
const WireText = new t.Type<string, unknown, unknown>(
  'WireText',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (u === undefined || u === null) return t.success('');
    if (typeof u === 'string') return t.success(u.trim());
    return typeof u === 'number' && Number.isFinite(u) ? t.success(String(u)) : t.failure(u, c);
  },
  (a) => a,
);

/** The ACD envelope's `data`: the ten fields of §6.2, each optional on the wire, `eventCode` required (not blank). */
export const AcdDataSpec = t.type({
  eventCode: WireInt,
  callRefID: WireInt,
  time: WireText,
  eventString: WireText,
  sourceType: WireText,
  sourceNumber: WireText,
  destType: WireText,
  destNumber: WireText,
  data1: WireText,
  data2: WireText,
});

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * The envelope `{"event": "acd" (any case and spacing), "data": {…}}`, without prototype keys. (Depth names the
 * reason of an envelope that does not decode, `too-deep`; it refuses none that does.)
 */
export const AcdEnvelopeSpec = new t.Type<Record<string, unknown>, unknown, unknown>(
  'AcdEnvelopeSpec',
  (u): u is Record<string, unknown> => isJsonObject(u),
  (u, c) => {
    if (!isJsonObject(u) || PROTOTYPE_KEYS.some((k) => Object.hasOwn(u, k))) return t.failure(u, c, 'not an envelope');
    const ev = u['event'];
    const data = u['data'];
    if (typeof ev !== 'string' || ev.trim().toLowerCase() !== 'acd') return t.failure(u, c, 'not an acd envelope');
    if (!isJsonObject(data) || PROTOTYPE_KEYS.some((k) => Object.hasOwn(data, k))) return t.failure(u, c, 'data is not a plain object');
    return t.success(data);
  },
  (a) => a,
);

function typeOf(kind: PartyKind | undefined, wireType: string): PartyType {
  if (kind === 'station' || kind === 'co') return kind;
  const l = wireType.toLowerCase();
  return l === 'station' ? 'station' : l === 'co' ? 'co' : 'other';
}

function party(number: string, kind: PartyKind | undefined, wireType: string): Party | undefined {
  return number === '' ? undefined : { type: typeOf(kind, wireType), number };
}

/**
 * The event a parsed frame means by the specification, or `undefined` when the frame is no ACD event. The party
 * types follow the catalogue row of the code (metrics.md §1), the wire's type field where the row allows both.
 */
export function specAcdEvent(parsed: unknown, at: number): AcdEvent | undefined {
  const env = AcdEnvelopeSpec.decode(parsed);
  if (!isRight(env)) return undefined;
  const r = AcdDataSpec.decode(env.right);
  if (!isRight(r) || r.right.eventCode === undefined) return undefined;
  const d = r.right;
  const code = d.eventCode;
  if (code === undefined) return undefined;
  const info = acdCodeInfo(code);
  const out: { -readonly [K in keyof AcdEvent]: AcdEvent[K] } = {
    at,
    pbxTime: d.time,
    code,
    name: info?.name ?? 'UNKNOWN',
    eventString: d.eventString,
    data1: d.data1,
    data2: d.data2,
  };
  if (d.callRefID !== undefined) out.callRefId = d.callRefID;
  const source = party(d.sourceNumber, info?.source, d.sourceType);
  const dest = party(d.destNumber, info?.dest, d.destType);
  if (source !== undefined) out.source = source;
  if (dest !== undefined) out.dest = dest;
  return out;
}
