// Properties of the reducer over arbitrary event sequences: it never throws, its live counters always equal a
// recount of its records, times never go negative, and ended calls are forgotten (memory stays bounded).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { sameFigures, summarize } from '../../src/metrics/summarize.js';
import type { MetricsInput, MetricsState } from '../../src/metrics/types.js';
import { ev, s, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

const CODES = [1, 2, 3, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 41, 42, 43, 44, 49, 50, 58, 62, 66, 67, 68, 70, 73, 81, 82, 83, 84, 99];
const party = fc.oneof(fc.constantFrom('1001', '1002', '1003', '1004'), fc.constantFrom('co:1', 'co:2', 'co:3'), fc.constant(undefined));

const input: fc.Arbitrary<{ code: number; ref: number | undefined; src: string | undefined; dst: string | undefined; d1: string; d2: string; dt: number; tick: boolean }> = fc.record({
  code: fc.constantFrom(...CODES),
  ref: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  src: party,
  dst: party,
  d1: fc.constantFrom('', '0', '1', '0002', '3'),
  d2: fc.constantFrom('', '1', '2', '5'),
  dt: fc.integer({ min: 0, max: 5_000 }),
  tick: fc.boolean(),
});

function recount(st: MetricsState): Record<string, number> {
  let inService = 0;
  let busy = 0;
  let agents = 0;
  for (const x of st.stations.values()) {
    if (x.inService) inService++;
    if (x.inService && x.busy) busy++;
    if (x.groups.size > 0) agents++;
  }
  let active = 0;
  let queued = 0;
  for (const c of st.calls.values()) {
    if (c.direction !== 'internal') active++;
    if (c.queueGroup !== undefined) queued++;
  }
  return { inService, busy, agents, active, queued };
}

describe('reducer invariants', () => {
  it('live counters equal a recount after every input; figure changes move the version; times are never negative; no throw', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 120 }), (steps) => {
        const cfg = { ...TEST_METRICS, maxCallAgeMs: s(60) };
        const st = initialMetricsState(cfg, 0);
        let at = 0;
        for (const x of steps) {
          at += x.dt;
          const i: MetricsInput = x.tick && x.code === 68 ? { kind: 'tick', at } : ev(x.code, { at, ...(x.ref === undefined ? {} : { ref: x.ref }), ...(x.src === undefined ? {} : { src: x.src }), ...(x.dst === undefined ? {} : { dst: x.dst }), d1: x.d1, d2: x.d2 });
          const before = summarize(st, at);
          const version = st.version;
          reduceMetrics(st, i);
          // summary$ emits after an event only when the version moved: every figure change must move it
          if (!('kind' in i) && !sameFigures(before, summarize(st, at))) expect(st.version).not.toBe(version);
          expect({ inService: st.stationsConnected, busy: st.busyStations, agents: st.agentsLoggedIn, active: st.activeCalls, queued: st.callsInQueue }).toEqual(recount(st));
          for (const c of st.lastChanges) expect(c.figure).toBeGreaterThanOrEqual(0);
        }
        const sum = summarize(st, at);
        for (const [k, v] of Object.entries(sum)) if (typeof v === 'number') expect(v, k).toBeGreaterThanOrEqual(0);
        expect(sum.totalAvailTime + sum.totalUnavailTime).toBeCloseTo(sum.totalLoggedInTime, 2);
        // one period (no reset): each answered or abandoned call was created, once, in it
        expect(sum.totalAnsweredCalls + sum.totalAbandonedCalls).toBeLessThanOrEqual(sum.totalInboundCalls);
        if (sum.serviceLevel !== null) expect(sum.serviceLevel).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('memory stays bounded: 20,000 calls on reused keys leave no call behind', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    let at = 0;
    for (let n = 0; n < 20_000; n++) {
      const ref = 1 + (n % 50);
      const co = `co:${String(1 + (n % 8))}`;
      const station = String(1000 + (n % 20));
      at += 100;
      reduceMetrics(st, ev(3, { at, ref, src: co, d1: '1' }));
      reduceMetrics(st, ev(66, { at, ref, src: station, dst: co, d1: '1' }));
      if (n % 3 === 0) {
        reduceMetrics(st, ev(43, { at, src: co, dst: station }));
      } else {
        reduceMetrics(st, ev(42, { at, ref, src: co, dst: station }));
        reduceMetrics(st, ev(44, { at, ref, src: co, d1: '0' }));
      }
      reduceMetrics(st, ev(2, { at, src: co }));
    }
    expect(st.calls.size).toBe(0);
    expect(st.callByTrunk.size).toBe(0);
    expect(st.callByStation.size).toBeLessThanOrEqual(20);
    expect(st.stations.size).toBe(20);
    // The late-report memory (§2) holds the keys of the last window only: 50 refs and 8 trunks here.
    expect(st.lateKeys.size).toBeLessThanOrEqual(58);
    expect(summarize(st, at)).toMatchObject({ totalInboundCalls: 20_000, totalAnsweredCalls: 13_333, totalAbandonedCalls: 6_667, activeCalls: 0 });
  });

  it('the late-report memory is a window, not a growing set: 100,000 calls on fresh keys keep only the last 30 s', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    let at = 0;
    let most = 0;
    for (let n = 1; n <= 100_000; n++) {
      at += 250; // four calls end every second: a 30 s window (pruned once a second) holds at most 31 s of them and their trunks
      reduceMetrics(st, ev(41, { at, ref: n, src: '1001', dst: `co:${String(n % 500)}` }));
      reduceMetrics(st, ev(44, { at, ref: n, src: '1001', dst: `co:${String(n % 500)}`, d1: '0' }));
      most = Math.max(most, st.lateKeys.size);
    }
    expect(most).toBeLessThanOrEqual(2 * 4 * 31);
    // The window moves with time alone too: a tick 31 s later empties it.
    reduceMetrics(st, { kind: 'tick', at: at + 31_000 });
    expect(st.lateKeys.size).toBe(0);
    expect(summarize(st, at).totalOutboundCalls).toBe(100_000);
  });
});

describe('per-station breakdown', () => {
  it('shows each station state and its own times', () => {
    const events = [
      ev(11, { at: 0, src: '1001', d1: '2', d2: '0042' }),
      ev(23, { at: 0, src: '1001', d1: '3' }),
      ev(17, { at: s(2), src: '1001' }),
      ev(13, { at: s(3), src: '1001', d2: '2' }),
      ev(18, { at: s(5), src: '1001' }),
      ev(15, { at: s(5), src: '1001' }),
      ev(19, { at: s(6), src: '1001' }),
    ];
    const st = initialMetricsState(TEST_METRICS, 0);
    for (const e of events) reduceMetrics(st, e);
    expect(summarize(st, s(8)).stations).toEqual([
      {
        station: '1001',
        state: 'idle',
        inService: true,
        busy: false,
        ringing: false,
        dnd: true,
        forward: false,
        wrap: true,
        agentId: '0042',
        agentGroups: ['2'],
        available: false,
        supervisorOf: ['3'],
        idleTime: 5,
        busyTime: 3,
        wrapTime: 3,
        loggedInTime: 8,
        availTime: 3,
        unavailTime: 5,
      },
    ]);
  });
});
