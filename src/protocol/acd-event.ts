// The typed ACD event every box past `protocol` works with (metrics.md §1), and the DecodeError value that
// stands in for a frame that is not one.

/** What a party number is, decided by the catalogue row of the code (metrics.md §1), not by the wire's type field alone. */
export type PartyType = 'station' | 'co' | 'other';

/** A source or destination of an ACD event. Numbers are trimmed; station numbers keep their leading zeros. */
export interface Party {
  readonly type: PartyType;
  readonly number: string;
}

/**
 * One decoded ACD event (`{"event":"acd","data":{…}}`), normalised.
 *
 * Blank and space-filled wire fields become absent (`callRefId`, `source`, `dest`) or `''` (`data1`, `data2`).
 */
export interface AcdEvent {
  /** When the client received the frame, from the RxJS scheduler (`scheduler.now()`, ms). Every duration uses it. */
  readonly at: number;
  /** The PBX's own `time` field (`YYYY/MM/DD hh:mm:ss`, PBX local time), for display and journals only. */
  readonly pbxTime: string;
  /** The event code (`eventCode`, coerced to a number). */
  readonly code: number;
  /** The catalogue's short name of the code, or `UNKNOWN` for a code the spec does not define. */
  readonly name: string;
  /** The wire's `eventString`, trimmed. */
  readonly eventString: string;
  /** The call reference, absent when the wire field is missing or blank. */
  readonly callRefId?: number;
  readonly source?: Party;
  readonly dest?: Party;
  /** Trimmed; `''` when blank. Use {@link numericField} for numbers such as `"0008"`. */
  readonly data1: string;
  /** Trimmed; `''` when blank. */
  readonly data2: string;
}

/**
 * Why a frame did not decode into an event. Stable strings: they label counters and logs.
 *
 * In the order they are checked: `too-large` (byte length over the limit, before parsing), `not-text` (a binary
 * frame), `invalid-utf8` (a text frame whose bytes are not UTF-8), `not-json`, `not-object` (JSON, but not an
 * object: an array, a string, a number, null), `prototype-key` (an own `__proto__`, `constructor` or `prototype`
 * key in the envelope or in an ACD event's `data`), `too-deep` (an envelope that does not decode and nests deeper
 * than {@link MAX_ENVELOPE_DEPTH} levels), `no-event` (an object without an `event` key), `event-not-string`
 * (`event` is a number, null, a list, an object…), `unknown-event` (`event` is a string naming no kind of the Web
 * API), `bad-shape` (`data` is not an object, or a field of an ACD event has a type no PBX sends),
 * `no-event-code` (`data.eventCode` missing or blank), `bad-event-code` (`data.eventCode` is not a non-negative
 * integer or a numeric string).
 *
 * `other-event` is not a fault: a well-formed envelope of another kind (`call`, `smdr`, `presence`), which other
 * boxes decode; the ACD pipeline counts it as filtered (`not-acd`), never as malformed.
 */
export type DecodeErrorReason = MalformedReason | 'other-event';

/** Every {@link DecodeErrorReason} that marks a frame as malformed (all of them but `other-event`). */
export type MalformedReason =
  | 'too-large'
  | 'not-text'
  | 'invalid-utf8'
  | 'not-json'
  | 'not-object'
  | 'prototype-key'
  | 'too-deep'
  | 'no-event'
  | 'event-not-string'
  | 'unknown-event'
  | 'bad-shape'
  | 'no-event-code'
  | 'bad-event-code';

/** The malformed reasons, in the order the decoder checks them (labels of `stats().malformedByReason`). */
export const MALFORMED_REASONS: readonly MalformedReason[] = [
  'too-large',
  'not-text',
  'invalid-utf8',
  'not-json',
  'not-object',
  'prototype-key',
  'too-deep',
  'no-event',
  'event-not-string',
  'unknown-event',
  'bad-shape',
  'no-event-code',
  'bad-event-code',
];

/** Nesting deeper than this (an object or list in an object …) makes an envelope that does not decode `too-deep`. */
export const MAX_ENVELOPE_DEPTH = 16;

/** The envelope kinds of the Web API besides `acd` (ipecs-webapi.md §2.3, §7.4, A-12): filtered, never malformed. */
export const OTHER_EVENT_KINDS: readonly string[] = ['call', 'smdr', 'presence'];

/** A frame that did not decode. A value, never thrown: it flows to `errors$` and is counted. */
export interface DecodeError {
  readonly kind: 'decode-error';
  readonly reason: DecodeErrorReason;
  /** When the frame was received (scheduler ms). */
  readonly at: number;
  /** What was wrong, in a few words (safe to log). */
  readonly message: string;
  /** The start of the frame, control characters escaped, truncated (safe to log). */
  readonly excerpt: string;
  /** The frame's length in bytes. */
  readonly bytes: number;
}

/** Narrows a decode result to a {@link DecodeError}. */
export function isDecodeError(x: AcdEvent | DecodeError): x is DecodeError {
  return 'kind' in x;
}

/** Parses a numeric wire string (`"0008"` → 8); blank or non-numeric → `undefined`. */
export function numericField(s: string): number | undefined {
  if (s === '' || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}
