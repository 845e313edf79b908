// Property test of the hot decoder: hostile frames never throw, never pollute prototypes, and each yields exactly
// one AcdEvent or one DecodeError (reliability-anchors.md §3.3, §4.3, §4.4).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import type { AcdEvent, DecodeError } from '../../src/protocol/acd-event.js';

const MAX = 64 * 1024;
const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();

const REASONS = new Set([
  'too-large', 'not-text', 'invalid-utf8', 'not-json', 'not-object', 'prototype-key', 'too-deep', 'no-event', 'event-not-string',
  'unknown-event', 'bad-shape', 'no-event-code', 'bad-event-code', 'other-event',
]);

function checkResult(r: AcdEvent | DecodeError, at: number): void {
  expect(typeof r).toBe('object');
  if (isDecodeError(r)) {
    expect(REASONS.has(r.reason)).toBe(true);
    expect(r.at).toBe(at);
    expect(typeof r.message).toBe('string');
    expect(r.excerpt.length).toBeLessThanOrEqual(300);
    // Safe to log: no raw control characters or line separators.
    // eslint-disable-next-line no-control-regex -- the point is to find raw control characters
    expect(/[\u0000-\u001f\u2028\u2029]/.test(r.excerpt)).toBe(false);
  } else {
    expect(Number.isInteger(r.code)).toBe(true);
    expect(r.at).toBe(at);
    expect(typeof r.name).toBe('string');
    expect(typeof r.data1).toBe('string');
    expect(typeof r.data2).toBe('string');
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    for (const p of [r.source, r.dest]) {
      if (p !== undefined) {
        expect(['station', 'co', 'other']).toContain(p.type);
        expect(p.number).toBe(p.number.trim());
        expect(p.number).not.toBe('');
      }
    }
  }
}

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf');
const wireScalar = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', ' ', '     ', '0006', '03', '1004', 'Station', 'STATION', 'co', 'CO', '\u001b[2J', '\r\n', '\u2028'),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
);
const dataField = fc.constantFrom('time', 'callRefID', 'eventCode', 'eventString', 'sourceType', 'sourceNumber', 'destType', 'destNumber', 'data1', 'data2', '__proto__', 'constructor');

/** Valid-looking envelopes with random field types, serialised without losing `__proto__` keys. */
const envelopeText = fc
  .record({
    event: fc.oneof(fc.constant('acd'), fc.constant('ACD'), fc.constant('call'), wireScalar),
    fields: fc.array(fc.tuple(dataField, wireScalar), { maxLength: 12 }),
    code: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom('03', '18', ' 44 ', 'x')),
    poison: fc.boolean(),
  })
  .map(({ event, fields, code, poison }) => {
    const parts = [`"eventCode":${JSON.stringify(code)}`, ...fields.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)];
    return `{"event":${JSON.stringify(event)},${poison ? '"__proto__":{"polluted":"yes"},' : ''}"data":{${parts.join(',')}}}`;
  });

const frames: fc.Arbitrary<[Buffer | string, boolean]> = fc.oneof(
  { weight: 4, arbitrary: envelopeText.map((s) => [s, false] as [string, boolean]) },
  { weight: 2, arbitrary: envelopeText.map((s) => [Buffer.from(s), false] as [Buffer, boolean]) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((s) => [s, false] as [string, boolean]) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((s) => [s, false] as [string, boolean]) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => [Buffer.from(b), false] as [Buffer, boolean]) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => [Buffer.from(b), true] as [Buffer, boolean]) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => ['['.repeat(n), false] as [string, boolean]) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => ['['.repeat(n) + ']'.repeat(n), false] as [string, boolean]) },
  { weight: 1, arbitrary: fc.integer({ min: MAX - 50, max: MAX + 50 }).map((n) => [JSON.stringify({ event: 'acd', data: { eventCode: 18, data1: 'x'.repeat(n) } }), false] as [string, boolean]) },
  { weight: 1, arbitrary: fc.constantFrom<[string, boolean]>(
    ['{"__proto__":{"polluted":1},"event":"acd","data":{"eventCode":1}}', false],
    ['{"event":"acd","data":{"constructor":{"prototype":{"polluted":1}},"eventCode":1}}', false],
    ['{"event":"acd","data":{"eventCode":1e400}}', false],
    ['\ufeff{"event":"acd","data":{"eventCode":1}}', false],
    ['{"event":"acd","data":{"eventCode":"9007199254740993"}}', false],
  ) },
);

describe('decodeAcdFrame under hostile input (fast-check)', () => {
  it('never throws; one event or one error per frame; prototypes untouched (≥10,000 frames)', () => {
    let count = 0;
    fc.assert(
      fc.property(frames, fc.integer({ min: 0, max: 2 ** 40 }), ([data, isBinary], at) => {
        count++;
        const r = decodeAcdFrame(data, isBinary, at, MAX);
        checkResult(r, at);
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toStrictEqual(protoNames);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: 12_000, seed: 20261127 },
    );
    expect(count).toBeGreaterThanOrEqual(10_000);
  });

  it('a 1 MB string and 10^5 nested brackets are handled quickly', () => {
    const t0 = performance.now();
    expect(decodeAcdFrame('"' + 'a'.repeat(1_000_000) + '"', false, 0, 2_000_000)).toMatchObject({ reason: 'not-object' });
    expect(decodeAcdFrame('['.repeat(100_000) + ']'.repeat(100_000), false, 0, 2_000_000)).toMatchObject({ reason: 'not-object' });
    expect(decodeAcdFrame('{"event":"acd","data":{"eventCode":1,"data1":"' + 'a'.repeat(1_000_000) + '"}}', false, 0, 2_000_000)).toMatchObject({ code: 1 });
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});
