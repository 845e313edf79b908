// The hot ACD decoder (decode.ts) against its specification (acd-spec.ts, io-ts): on generated frames, both accept
// the same frames and, where they accept, give the same event (fast-check). Frames are PBX-like envelopes whose
// every field varies over what the wire sends (blank, spaced, numeric strings, numbers) and what it must not
// (booleans, lists, objects, negative or fractional numbers, prototype keys, deep nesting), and the bench's
// realistic frames.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAcdMessage } from '../../src/protocol/decode.js';
import { specAcdEvent } from '../../src/protocol/acd-spec.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import { buildFrameTexts } from '../../bench/frames.js';

const FIELDS = ['time', 'callRefID', 'eventCode', 'eventString', 'sourceType', 'sourceNumber', 'destType', 'destNumber', 'data1', 'data2'] as const;

const wireValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('', ' ', '   ', '0', '03', ' 44 ', '0006', '1004', '1004 ', 'Station', 'STATION', 'station', 'CO', 'co', 'Co', 'cO', 'other', '2026/11/27 12:00:00', '9007199254740993', '123456789012345', '1234567890123456', 'x', '-1', '1.5') },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 70_000 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], [1], {}, { a: 1 }) },
);
const code = fc.oneof(fc.integer({ min: 0, max: 90 }), fc.constantFrom('03', '18', ' 44 ', '', ' ', 'x', -1, 2.5, null, true));

/** An envelope object (parsed JSON), with optional extras: another kind, a prototype key, deep nesting. */
const envelope = fc
  .record({
    event: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('acd', 'ACD', ' acd ', 'Acd') }, { weight: 1, arbitrary: fc.constantFrom('call', 'smdr', 'presence', '', 'x') }, { weight: 1, arbitrary: wireValue }),
    code,
    fields: fc.dictionary(fc.constantFrom(...FIELDS), wireValue, { maxKeys: 10 }),
    hostile: fc.constantFrom('none', 'none', 'none', 'none', 'proto-env', 'proto-data', 'deep', 'data-list', 'no-data'),
  })
  .map(({ event, code, fields, hostile }): unknown => {
    const text = `{"eventCode":${JSON.stringify(code)}${Object.entries(fields).map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`).join('')}${hostile === 'proto-data' ? ',"__proto__":{"x":1}' : ''}${hostile === 'deep' ? `,"extra":${'['.repeat(20)}${']'.repeat(20)}` : ''}}`;
    const data = hostile === 'data-list' ? '[1]' : text;
    return JSON.parse(`{"event":${JSON.stringify(event)}${hostile === 'proto-env' ? ',"__proto__":1' : ''}${hostile === 'no-data' ? '' : `,"data":${data}`}}`) as unknown;
  });

function agree(parsed: unknown, at: number): void {
  const hot = decodeAcdMessage(parsed, at);
  const spec = specAcdEvent(parsed, at);
  if (spec === undefined) expect(isDecodeError(hot), JSON.stringify(parsed)).toBe(true);
  else expect(hot, JSON.stringify(parsed)).toStrictEqual(spec);
}

describe('the hot ACD decoder agrees with its io-ts specification', () => {
  it('on generated envelopes: the same frames accepted, the same event (≥20,000 frames)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(envelope, fc.integer({ min: 0, max: 2 ** 40 }), (parsed, at) => {
        agree(parsed, at);
        if (specAcdEvent(parsed, at) !== undefined) accepted++;
      }),
      { numRuns: 20_000, seed: 20261204 },
    );
    // Both sides of the rule are exercised.
    expect(accepted).toBeGreaterThan(2_000);
    expect(accepted).toBeLessThan(18_000);
  });

  it("on every frame of the bench's realistic day", () => {
    for (const [i, text] of buildFrameTexts(5_000).entries()) agree(JSON.parse(text) as unknown, i);
  });
});
