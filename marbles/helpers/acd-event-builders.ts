// Builders of AcdEvent values for tests of the streams and the metrics: the decoder is not involved, so each
// test states exactly the event it means.
import type { AcdEvent, Party } from '../../src/protocol/acd-event.js';
import { acdCodeName } from '../../src/protocol/catalogue.js';
import type { MetricsConfig } from '../../src/config/config.js';

/** A party written as a string: `"co:5"` is trunk 5, `"x:9"` an untyped number, anything else a station. */
export function party(p: string): Party {
  if (p.startsWith('co:')) return { type: 'co', number: p.slice(3) };
  if (p.startsWith('x:')) return { type: 'other', number: p.slice(2) };
  return { type: 'station', number: p };
}

/** The fields of {@link ev}: `at` in ms (default 0), `ref` the callRefId (omit for a blank one). */
export interface EvFields {
  readonly at?: number;
  readonly ref?: number;
  readonly src?: string;
  readonly dst?: string;
  readonly d1?: string;
  readonly d2?: string;
}

/** One ACD event: `ev(17, { at: 5_000, src: '1001' })`. */
export function ev(code: number, f: EvFields = {}): AcdEvent {
  const e: { -readonly [K in keyof AcdEvent]: AcdEvent[K] } = {
    at: f.at ?? 0,
    pbxTime: '2026/11/27 12:00:00',
    code,
    name: acdCodeName(code),
    eventString: '',
    data1: f.d1 ?? '',
    data2: f.d2 ?? '',
  };
  if (f.ref !== undefined) e.callRefId = f.ref;
  if (f.src !== undefined) e.source = party(f.src);
  if (f.dst !== undefined) e.dest = party(f.dst);
  return e;
}

/** Seconds → ms, for readable instants (`s(12)` = 12 000). */
export function s(seconds: number): number {
  return seconds * 1000;
}

/** The metrics configuration of the tests (UTC, reset at 00:00, SL 20 s, short abandon 5 s, late reports 30 s). */
export const TEST_METRICS: MetricsConfig = {
  resetTime: '00:00',
  timeZone: 'UTC',
  tickMs: 1_000,
  serviceLevelSeconds: 20,
  shortAbandonSeconds: 5,
  maxCallAgeMs: 12 * 3_600_000,
  lateReportSeconds: 30,
};
