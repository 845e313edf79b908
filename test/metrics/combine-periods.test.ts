// Any combination of periods (docs/metrics.md §3): the raw parts make combinePeriods exact. Over random event
// sequences with daily resets at random instants, the closing summaries of every period plus the current one,
// combined, have the figures of one uninterrupted period over the same events: counts, time totals, ratios,
// per-group and per-station rows. (A reset splits intervals and counters; it loses nothing.)
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { sameFigures, summarize } from '../../src/metrics/summarize.js';
import { combinePeriods } from '../../src/metrics/combine.js';
import type { AcdSummary, MetricsInput } from '../../src/metrics/types.js';
import { ev, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

// Calls are weighted in (3, 42, 44 and a queue and hold now and then), so most runs answer and abandon calls
// across resets; agents log in and wrap up so their times and the handle time span periods too.
const CODES = [3, 3, 3, 42, 42, 42, 44, 44, 2, 43, 11, 11, 12, 13, 14, 15, 15, 16, 17, 18, 41, 49, 50, 62, 66, 70, 82, 84];
const party = fc.oneof(fc.constantFrom('1001', '1002', '1003'), fc.constantFrom('co:1', 'co:2'), fc.constant(undefined));
const step = fc.record({
  code: fc.constantFrom(...CODES),
  ref: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 6 }),
  src: party,
  dst: party,
  d1: fc.constantFrom('', '0', '1', '0002'),
  dt: fc.integer({ min: 0, max: 20_000 }),
  reset: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // about one step in ten is followed by a reset
});

describe('combinePeriods', () => {
  it('the periods of a run, combined, equal one period without the resets', () => {
    let meaningful = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 150, size: 'max' }), (steps) => {
        const split = initialMetricsState(TEST_METRICS, 0);
        const whole = initialMetricsState(TEST_METRICS, 0);
        const closings: AcdSummary[] = [];
        let at = 0;
        for (const x of steps) {
          at += x.dt;
          const e: MetricsInput = ev(x.code, { at, ...(x.ref === undefined ? {} : { ref: x.ref }), ...(x.src === undefined ? {} : { src: x.src }), ...(x.dst === undefined ? {} : { dst: x.dst }), d1: x.d1 });
          reduceMetrics(split, e);
          reduceMetrics(whole, e);
          if (x.reset) {
            at += 1;
            closings.push(summarize(split, at)); // the closing summary is taken before the reset (as summary$ does)
            reduceMetrics(split, { kind: 'reset', at });
          }
        }
        const end = at + 12_345;
        const combined = combinePeriods([...closings, summarize(split, end)]);
        const one = summarize(whole, end);
        if (closings.length > 0 && one.totalAnsweredCalls > 0) meaningful++;
        if (!sameFigures(combined, one)) expect(combined).toEqual(one); // shows the difference
        expect(combined.at).toBe(end);
      }),
      { numRuns: 300 },
    );
    // The property is not vacuous: most runs had answered calls and at least one reset.
    expect(meaningful).toBeGreaterThan(150);
  });

  it('is the summary of nothing for no period', () => {
    expect(combinePeriods([])).toMatchObject({ totalInboundCalls: 0, abandonRate: null, serviceLevel: null, averageHandleTime: 0 });
  });
});
