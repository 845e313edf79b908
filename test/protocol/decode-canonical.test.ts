// The canonical-frame fast path of the ACD decoder (decode.ts, `canonicalAcdEvent`: one regular expression instead
// of JSON.parse for frames in the spec's layout) against the general path (JSON.parse + decodeAcdMessage), on
// generated frame TEXTS: every text the fast path decides, the general path decodes to the same event; the texts
// it declines still decode (through the general path) exactly as before. The texts vary what a regular expression
// could get wrong about JSON: escapes, raw control characters, non-ASCII and lone surrogates, number forms JSON
// refuses (leading zeros, signs, fractions, exponents, 16 digits), whitespace JSON allows and the kinds it does
// not, key order, missing, extra and repeated keys, and random single-character damage.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalAcdEvent, decodeAcdFrame, decodeAcdMessage } from '../../src/protocol/decode.js';
import { isDecodeError, type AcdEvent, type DecodeError } from '../../src/protocol/acd-event.js';
import { buildFrameTexts } from '../../bench/frames.js';
import { formatAcdFrame } from '../../src/emulator/format.js';

const KEYS = ['time', 'callRefID', 'eventCode', 'eventString', 'sourceType', 'sourceNumber', 'destType', 'destNumber', 'data1', 'data2'] as const;

/** What the general path makes of a text: JSON.parse, then decodeAcdMessage; `not-json` when JSON.parse throws. */
function generalPath(text: string, at: number): AcdEvent | DecodeError | 'not-json' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'not-json';
  }
  return decodeAcdMessage(parsed, at, text, Buffer.byteLength(text));
}

/** A value's JSON text: mostly strings and integers as a PBX sends them, often what JSON or the decoder refuses. */
const valueText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('" "', '""', '"1004"', '"Station"', '"CO"', '"2026/11/27 12:00:00"', '"STATION IDLE"', '"03"', '" 44 "', '"0006"', '"1234567890123456"', '"x"', '"-1"') },
  { weight: 4, arbitrary: fc.constantFrom('0', '7', '18', '65000', '123456789012345', '1234567890123456', '0123', '00', '-1', '-0', '1.5', '1e3', '1E3', '2.0', '9007199254740993') },
  { weight: 3, arbitrary: fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)) }, // escapes where needed
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => `"${s}"`) }, // raw: quotes, backslashes, control characters, lone surrogates
  { weight: 1, arbitrary: fc.constantFrom('"\\u0041"', '"a\\"b"', '"a\\\\"', '"\t"', '"\u0000"', '"é"', '"\ud800"', '"😀"', 'null', 'true', '[]', '{}', '"\\/"') },
);
/** A string field's value as the PBX sends it, most of the time; anything of {@link valueText} otherwise. */
const stringField = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(fc.constantFrom('" "', '""', '"1004"', '"Station"', '"CO"', '"2026/11/27 12:00:00"', '"STATION IDLE"', '"0006"'), fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s))) },
  { weight: 1, arbitrary: valueText },
);
/** An integer field's value (eventCode, callRefID) as the PBX sends it, most of the time. */
const intField = fc.oneof(
  { weight: 12, arbitrary: fc.oneof(fc.nat({ max: 99_999 }).map(String), fc.constantFrom('" "', '"03"', '" 44 "', '"18"', '""')) },
  { weight: 1, arbitrary: valueText },
);
const fieldValues = fc.tuple(stringField, intField, intField, stringField, stringField, stringField, stringField, stringField, stringField, stringField);

/** Whitespace between tokens: JSON's four, and two kinds JSON does not allow. */
const gap = fc.oneof({ weight: 150, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028') });

const frameText = fc
  .record({
    values: fieldValues,
    gaps: fc.array(gap, { minLength: 48, maxLength: 48 }),
    layout: fc.constantFrom('canonical', 'canonical', 'canonical', 'canonical', 'shuffled', 'missing', 'extra', 'repeated', 'data-first', 'other-kind'),
    order: fc.shuffledSubarray([...KEYS.keys()], { minLength: 10, maxLength: 10 }),
    damage: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'insert', 'replace'), ch: fc.constantFrom('"', '\\', ',', ':', '{', '}', ' ', '1', 'a', '\u0001') }) }),
  })
  .map(({ values, gaps, layout, order, damage }) => {
    let g = 0;
    const w = (): string => gaps[g++ % gaps.length] ?? '';
    let idx: number[] = [...KEYS.keys()];
    if (layout === 'shuffled') idx = order;
    if (layout === 'missing') idx = idx.filter((i) => i !== order[0]);
    if (layout === 'repeated') idx = [...idx, order[0] ?? 0];
    const pairs = idx.map((i) => `${w()}"${KEYS[i] ?? ''}"${w()}:${w()}${values[i] ?? '""'}${w()}`);
    if (layout === 'extra') pairs.push(`${w()}"extra"${w()}:${w()}"1"${w()}`);
    const data = `{${pairs.join(',')}}`;
    const kind = layout === 'other-kind' ? '"call"' : '"acd"';
    let text = layout === 'data-first'
      ? `${w()}{${w()}"data"${w()}:${w()}${data}${w()},${w()}"event"${w()}:${w()}${kind}${w()}}${w()}`
      : `${w()}{${w()}"event"${w()}:${w()}${kind}${w()},${w()}"data"${w()}:${w()}${data}${w()}}${w()}`;
    if (damage !== null) {
      const p = damage.at % (text.length + 1);
      text = damage.op === 'delete' ? text.slice(0, p) + text.slice(p + 1) : damage.op === 'insert' ? text.slice(0, p) + damage.ch + text.slice(p) : text.slice(0, p) + damage.ch + text.slice(p + 1);
    }
    return text;
  });

describe('the canonical-frame fast path of the ACD decoder', () => {
  it('decides only texts the general path decodes to the same event, and declines the rest (≥30,000 texts)', () => {
    let decided = 0;
    let events = 0;
    fc.assert(
      fc.property(frameText, fc.integer({ min: 0, max: 2 ** 40 }), (text, at) => {
        const fast = canonicalAcdEvent(text, at);
        const general = generalPath(text, at);
        if (general !== 'not-json' && !isDecodeError(general)) events++;
        if (fast === undefined) return;
        decided++;
        expect(general, text).toStrictEqual(fast);
      }),
      { numRuns: 30_000, seed: 20261204 },
    );
    // The fast path decides most well-formed frames, and the generator makes plenty of both kinds.
    expect(decided).toBeGreaterThan(2_500);
    expect(events - decided).toBeGreaterThan(1_000);
  });

  it('decodeAcdFrame gives what the general path gives, for frames the fast path decides or declines', () => {
    fc.assert(
      fc.property(frameText, fc.nat(), (text, at) => {
        const general = generalPath(text, at);
        const out = decodeAcdFrame(Buffer.from(text, 'utf8'), false, at, 1 << 20);
        // A lone surrogate is no UTF-8: the Buffer form cannot carry it.
        if (/[\ud800-\udfff]/u.test(text) || text.includes('\ufffd')) return;
        if (general === 'not-json') expect(isDecodeError(out) && out.reason).toBe('not-json');
        else if (isDecodeError(general)) expect(isDecodeError(out) && out.reason).toBe(general.reason);
        else expect(out).toStrictEqual(general);
      }),
      { numRuns: 10_000, seed: 4 },
    );
  });

  it("decides every frame of the bench's realistic day and every frame the emulator formats", () => {
    for (const [i, text] of buildFrameTexts(5_000).entries()) {
      const fast = canonicalAcdEvent(text, i);
      expect(fast, text).toBeDefined();
      expect(generalPath(text, i)).toStrictEqual(fast);
    }
    for (const padBlanks of [true, false]) {
      const text = formatAcdFrame({ code: 42, callRefId: 77, source: '1004', dest: '5', data1: '1' }, { padBlanks });
      expect(canonicalAcdEvent(text, 1), text).toBeDefined();
    }
  });
});
