// Coverage (metrics.md §4, docs/cold-start.md): since when the figures are complete, the seed of a cold start, the
// agents that act without a login seen (never counted as logged in), and the gaps. Pure: reducer and summarize.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { MetricsInput, MetricsState } from '../../src/metrics/types.js';
import { ev } from '../../marbles/helpers/acd-event-builders.js';

const T0 = 1_764_230_400_000;
function run(inputs: readonly MetricsInput[]): MetricsState {
  const s = initialMetricsState(DEFAULT_CONFIG.metrics, T0);
  for (const i of inputs) reduceMetrics(s, i);
  return s;
}
const seedOf = (at: number, ...rows: [string, boolean, boolean][]): MetricsInput => ({
  kind: 'seed', at, stations: rows.map(([number, inService, busy]) => ({ number, inService, busy, dnd: false, forward: false })),
});

describe('coverage', () => {
  it('a cold start is complete since its start, not for the whole period, with nothing partly known', () => {
    const c = summarize(run([]), T0).coverage;
    expect(c).toEqual({ since: T0, wholePeriod: false, unseenStations: [], unknownAgents: [], gaps: 0, gapSeconds: 0, restarts: 0 });
  });

  it('an agent that changes availability or logs out without a login seen is partly known, never logged in', () => {
    const s = run([
      ev(13, { at: T0 + 1000, src: '1003', d1: '2' }),
      ev(12, { at: T0 + 2000, src: '1005', d1: '620' }),
      ev(11, { at: T0 + 3000, src: '1007', d1: '620', d2: '0007' }),
      ev(14, { at: T0 + 4000, src: '1007' }), // a login was seen: known
    ]);
    const sum = summarize(s, T0 + 4000);
    expect(sum.coverage.unknownAgents).toEqual(['1003', '1005']);
    expect(sum.agentsLoggedIn).toBe(1);
    // a login seen later makes it known; 82 too (it logs out of every group)
    reduceMetrics(s, ev(11, { at: T0 + 5000, src: '1003', d1: '620', d2: '0003' }));
    reduceMetrics(s, ev(82, { at: T0 + 6000, src: '1005' }));
    expect(summarize(s, T0 + 6000).coverage.unknownAgents).toEqual([]);
  });

  it('the seed sets stations no event named yet (in service, busy), lists them as unseen, and logs no agent in', () => {
    const s = run([
      ev(17, { at: T0 + 500, src: '1001' }), // known from an event before the seed: the seed does not touch it
      seedOf(T0 + 1000, ['1000', true, true], ['1001', true, false], ['1002', true, false], ['1003', false, false]),
    ]);
    const sum = summarize(s, T0 + 1000);
    expect(sum.stationsConnected).toBe(3);
    expect(sum.busyStations).toBe(2);
    expect(sum.agentsLoggedIn).toBe(0);
    expect(sum.coverage.unseenStations).toEqual(['1000', '1002', '1003']);
    expect(sum.stations.find((x) => x.station === '1001')?.busy).toBe(true);
    // an event naming a seeded station makes it seen; its figures go on from the seeded state
    reduceMetrics(s, ev(18, { at: T0 + 2000, src: '1000' }));
    const after = summarize(s, T0 + 2000);
    expect(after.coverage.unseenStations).toEqual(['1002', '1003']);
    expect(after.busyStations).toBe(1);
    expect(after.stationsConnected).toBe(3); // 18 registers no new station: 1000 was in service from the seed
    // an unregistered terminal (status `block`) is registered by its first event, like any unknown station
    reduceMetrics(s, ev(84, { at: T0 + 3000, src: '1003' }));
    expect(summarize(s, T0 + 3000).stationsConnected).toBe(4);
  });

  it('gaps are counted with their length, restarts apart; a daily reset makes the period whole and starts without gaps', () => {
    const s = run([
      { kind: 'gap', at: T0 + 10_000, from: T0 + 5000, to: T0 + 10_000 },
      { kind: 'gap', at: T0 + 20_000, from: T0 + 12_500, to: T0 + 20_000, cause: 'restart' },
    ]);
    expect(summarize(s, T0 + 20_000).coverage).toMatchObject({ since: T0, wholePeriod: false, gaps: 2, gapSeconds: 12.5, restarts: 1 });
    const reset = T0 + 86_400_000;
    reduceMetrics(s, { kind: 'reset', at: reset });
    expect(summarize(s, reset).coverage).toMatchObject({ since: reset, wholePeriod: true, gaps: 0, gapSeconds: 0, restarts: 0 });
  });

  it("a restart's gap is not counted in open intervals (nothing ran); a socket gap's is", () => {
    const s = run([ev(84, { at: T0, src: '1001' }), ev(17, { at: T0 + 10_000, src: '1001' })]);
    reduceMetrics(s, { kind: 'gap', at: T0 + 70_000, from: T0 + 10_000, to: T0 + 70_000, cause: 'restart' });
    expect(summarize(s, T0 + 75_000)).toMatchObject({ totalIdleTime: 10, totalBusyTime: 5, busyStations: 1 });
    reduceMetrics(s, { kind: 'gap', at: T0 + 80_000, from: T0 + 76_000, to: T0 + 80_000 });
    expect(summarize(s, T0 + 80_000)).toMatchObject({ totalBusyTime: 10 });
  });

  it('an unchanged coverage is the same object from one summary to the next', () => {
    const s = run([ev(13, { at: T0 + 1000, src: '1003' })]);
    const a = summarize(s, T0 + 1000).coverage;
    reduceMetrics(s, { kind: 'tick', at: T0 + 2000 });
    expect(summarize(s, T0 + 2000).coverage).toBe(a);
  });
});
