// The summary memo (summarize.ts: station rows reused between consecutive summaries of one state) is an
// optimisation only: over arbitrary inputs, resets included, a memoised summary must deep-equal a fresh one, and
// a row may be shared with the previous summary only when it is equal to the row a fresh summary builds.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { COMPARED_FIELDS, RECORD_FIELDS, createSummaryMemo, sameFigures, summarize } from '../../src/metrics/summarize.js';
import type { AcdSummary, MetricsInput } from '../../src/metrics/types.js';
import { ev, s, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

const CODES = [1, 2, 3, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 41, 42, 43, 44, 49, 50, 62, 66, 68, 81, 82, 83, 84];
const party = fc.oneof(fc.constantFrom('1001', '1002', '1003', '1004'), fc.constantFrom('co:1', 'co:2'), fc.constant(undefined));
const step = fc.record({
  code: fc.constantFrom(...CODES),
  ref: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  src: party,
  dst: party,
  d1: fc.constantFrom('', '1', '0002'),
  d2: fc.constantFrom('', '1', '5'),
  // 0 often: consecutive events at one clock reading are where rows are reused
  dt: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
  other: fc.constantFrom('event', 'event', 'event', 'tick', 'reset'),
});

describe('summarize with a memo', () => {
  it('equals a fresh summary after every input, and reuses only equal rows', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        const st = initialMetricsState({ ...TEST_METRICS, maxCallAgeMs: s(60) }, 0);
        const memo = createSummaryMemo();
        let prev: AcdSummary = summarize(st, 0, memo);
        let at = 0;
        for (const x of steps) {
          at += x.dt;
          const i: MetricsInput =
            x.other === 'tick' ? { kind: 'tick', at } : x.other === 'reset' ? { kind: 'reset', at } :
              ev(x.code, { at, ...(x.ref === undefined ? {} : { ref: x.ref }), ...(x.src === undefined ? {} : { src: x.src }), ...(x.dst === undefined ? {} : { dst: x.dst }), d1: x.d1, d2: x.d2 });
          reduceMetrics(st, i);
          const memoised = summarize(st, at, memo);
          const fresh = summarize(st, at);
          // The rows of a summary no one read yet are built from its own bases at its own instant, however late.
          expect(sameFigures(memoised, prev)).toBe(sameFigures({ ...memoised }, { ...prev }));
          expect(memoised).toEqual(fresh);
          expect(sameFigures(memoised, fresh)).toBe(true);
          const prevRows = new Map(prev.stations.map((r) => [r.station, r]));
          for (const [k, row] of memoised.stations.entries()) {
            if (prevRows.get(row.station) === row) expect(row).toEqual(fresh.stations[k]);
          }
          prev = memoised;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rows read late are those of the summary\'s instant; equality from the bases agrees with equality of the rows', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 100 }), (steps) => {
        const st = initialMetricsState({ ...TEST_METRICS, maxCallAgeMs: s(60) }, 0);
        const memo = createSummaryMemo();
        const kept: { summary: AcdSummary; json: string }[] = [];
        let at = 0;
        for (const x of steps) {
          at += x.dt;
          const i: MetricsInput =
            x.other === 'tick' ? { kind: 'tick', at } : x.other === 'reset' ? { kind: 'reset', at } :
              ev(x.code, { at, ...(x.ref === undefined ? {} : { ref: x.ref }), ...(x.src === undefined ? {} : { src: x.src }), ...(x.dst === undefined ? {} : { dst: x.dst }), d1: x.d1, d2: x.d2 });
          reduceMetrics(st, i);
          const summary = summarize(st, at, memo);
          const last = kept[kept.length - 1];
          // Both unread: compared from their bases; then as plain copies (row by row).
          if (last !== undefined) expect(sameFigures(summary, last.summary)).toBe(last.json.replace(/"at":\d+,/, '') === JSON.stringify(summarize(st, at)).replace(/"at":\d+,/, ''));
          kept.push({ summary, json: JSON.stringify(summarize(st, at)) });
        }
        for (const k of kept) expect(JSON.stringify(k.summary)).toBe(k.json);
      }),
      { numRuns: 500 },
    );
  });

  it('a summary is frozen plain data: its rows built on first read, the same on every read; spread, JSON and structuredClone see them', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    for (const x of [ev(84, { at: 1, src: '1001' }), ev(11, { at: 2, src: '1001', d1: '1', d2: '7' }), ev(84, { at: 3, src: '1002' }), ev(17, { at: 4, src: '1002' })]) reduceMetrics(st, x);
    const memo = createSummaryMemo();
    const a = summarize(st, 10, memo);
    const keys = Object.keys(a);
    expect(keys.slice(-3)).toEqual(['groups', 'stations', 'coverage']);
    expect(Object.isFrozen(a) && Object.isFrozen(a.groups) && Object.isFrozen(a.stations)).toBe(true);
    expect(a.stations.every((r) => Object.isFrozen(r)) && a.groups.every((g) => Object.isFrozen(g))).toBe(true);
    expect(a.stations).toBe(a.stations);
    expect(a.stations.map((r) => [r.station, r.state, r.idleTime, r.busyTime, r.loggedInTime])).toEqual([['1001', 'idle', 0.009, 0, 0.008], ['1002', 'busy', 0.001, 0.006, 0]]);
    const plain = { ...a };
    expect(Object.getOwnPropertyDescriptor(plain, 'stations')?.value).toBe(a.stations);
    expect(structuredClone(a)).toStrictEqual(plain);
    expect(JSON.parse(JSON.stringify(a))).toStrictEqual(JSON.parse(JSON.stringify(plain)));
    expect(() => { (a as { totalInboundCalls: number }).totalInboundCalls = 1; }).toThrow(TypeError);
    // A later summary of the same state shares the station that did not change at the same instant, and not the other.
    reduceMetrics(st, ev(18, { at: 10, src: '1002' }));
    const b = summarize(st, 10, memo);
    expect(b.stations[0]).toBe(a.stations[0]);
    expect(b.stations[1]).not.toBe(a.stations[1]);
    expect(a.stations[1]?.state).toBe('busy');
    expect(b.stations[1]?.state).toBe('idle');
  });

  it('sameFigures compares every field but at: changing any single one makes two summaries differ', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    for (const x of [ev(84, { at: 1, src: '1001' }), ev(11, { at: 2, src: '1001', d1: '1', d2: '7' }), ev(3, { at: 3, ref: 1, src: 'co:1', d1: '1', d2: '5' })]) reduceMetrics(st, x);
    const base = summarize(st, 10);
    const changed = (v: unknown): unknown => (typeof v === 'number' ? v + 1 : typeof v === 'string' ? `${v}x` : typeof v === 'boolean' ? !v : Array.isArray(v) ? [...(v as unknown[]), 'x'] : v === null ? 0.5 : 'x');
    expect(sameFigures(base, { ...base, at: 99 })).toBe(true);
    expect(Object.keys(base).filter((k) => k !== 'at').sort()).toEqual([...COMPARED_FIELDS.summary].sort());
    for (const k of COMPARED_FIELDS.summary) {
      const v = (base as unknown as Record<string, unknown>)[k];
      const other = k === 'groups' || k === 'stations' ? [] : changed(v);
      expect(sameFigures(base, { ...base, [k]: other }), k).toBe(false);
    }
    const record = st.stations.get('1001');
    expect(record && Object.keys(record).sort()).toEqual(Object.keys(RECORD_FIELDS).sort());
    const g = base.groups[0];
    const row = base.stations[0];
    if (g === undefined || row === undefined) throw new Error('expected a group and a station');
    expect(Object.keys(g).sort()).toEqual([...COMPARED_FIELDS.group].sort());
    expect(Object.keys(row).sort()).toEqual([...COMPARED_FIELDS.station].sort());
    for (const k of COMPARED_FIELDS.group) {
      expect(sameFigures(base, { ...base, groups: [{ ...g, [k]: changed((g as unknown as Record<string, unknown>)[k]) }, ...base.groups.slice(1)] }), `groups.${k}`).toBe(false);
    }
    for (const k of COMPARED_FIELDS.station) {
      expect(sameFigures(base, { ...base, stations: [{ ...row, [k]: changed((row as unknown as Record<string, unknown>)[k]) }, ...base.stations.slice(1)] }), `stations.${k}`).toBe(false);
    }
  });
});
