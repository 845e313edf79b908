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

/** Why a frame did not decode into an event. Stable strings: they label counters and logs. */
export type DecodeErrorReason =
  | 'too-large'
  | 'not-text'
  | 'not-json'
  | 'not-object'
  | 'other-event'
  | 'no-event-code'
  | 'bad-shape';

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
