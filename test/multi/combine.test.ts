// The combined summary of many sites: sums, and ratios recomputed from their parts (not averaged), checked
// against the reducer's own raw counters over random call stories.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { MetricsState } from '../../src/metrics/types.js';
import { combineSummaries, overallConnection, summaryParts } from '../../src/multi/combine.js';
import type { SiteConnectionState, SiteSummary } from '../../src/multi/types.js';
import { TEST_METRICS, ev } from '../../marbles/helpers/acd-event-builders.js';

/** A call story: rings at `at` s; answered after `answerAfter` s or abandoned after `abandonAfter` s. */
interface Story {
  readonly answerAfter: number | undefined;
  readonly abandonAfter: number;
}

const story = fc.record({ answerAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }), abandonAfter: fc.integer({ min: 0, max: 60 }) });

/** Runs stories through the reducer (one trunk per call, 100 s apart); returns the state at the end. */
function runSite(stories: readonly Story[]): MetricsState {
  let st = initialMetricsState(TEST_METRICS, 0);
  stories.forEach((c, i) => {
    const t0 = (i + 1) * 100_000;
    const ref = i + 1;
    const co = `co:${String(i + 1)}`;
    st = reduceMetrics(st, ev(3, { at: t0, ref, src: co, d1: '1' }));
    if (c.answerAfter !== undefined) {
      st = reduceMetrics(st, ev(42, { at: t0 + c.answerAfter * 1000 + 7, ref, src: co, dst: '1001' }));
      st = reduceMetrics(st, ev(44, { at: t0 + 90_000, ref, src: co, d1: '0' }));
    } else {
      st = reduceMetrics(st, ev(2, { at: t0 + c.abandonAfter * 1000 + 3, src: co }));
    }
  });
  return st;
}

function siteSummary(siteId: string, st: MetricsState): SiteSummary {
  return { ...summarize(st, st.at), siteId };
}

describe('combineSummaries', () => {
  it('recomputes service level, ASA and abandon rate from the parts of every site', () => {
    fc.assert(
      fc.property(fc.array(fc.array(story, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), (sites) => {
        const states = sites.map(runSite);
        const combined = combineSummaries(states.map((st, i) => siteSummary(`s${String(i)}`, st)));
        const sum = (f: (s: MetricsState) => number): number => states.reduce((a, s) => a + f(s), 0);
        const answered = sum((s) => s.totalAnsweredCalls);
        const divisor = answered + sum((s) => s.totalAbandonedCalls) - sum((s) => s.shortAbandons);
        expect(combined.totalInboundCalls).toBe(sum((s) => s.totalInboundCalls));
        expect(combined.totalAnsweredCalls).toBe(answered);
        // Exact: the same quotient of the same integers as one PBX would compute.
        expect(combined.serviceLevel).toBe(divisor <= 0 ? null : sum((s) => s.answeredWithinServiceLevel) / divisor);
        expect(combined.abandonRate).toBe(combined.totalInboundCalls === 0 ? 0 : sum((s) => s.totalAbandonedCalls) / combined.totalInboundCalls);
        // ASA is rounded to 1 ms per site, so the recombined mean is within 1 ms of the exact one.
        const exactAsa = answered === 0 ? 0 : sum((s) => s.speedOfAnswerMs) / answered / 1000;
        expect(Math.abs(combined.averageSpeedOfAnswer - exactAsa)).toBeLessThanOrEqual(0.001 + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('does not average the sites’ ratios: a busy site weighs more than a quiet one', () => {
    // Site a: 9 of 10 answered within 20 s; site b: 0 of 1. Averaging would say 45 %; the group's figure is 9/11.
    const a = runSite([...Array.from({ length: 9 }, () => ({ answerAfter: 5, abandonAfter: 0 })), { answerAfter: 40, abandonAfter: 0 }]);
    const b = runSite([{ answerAfter: 30, abandonAfter: 0 }]);
    const sa = siteSummary('a', a);
    const sb = siteSummary('b', b);
    expect(sa.serviceLevel).toBe(0.9);
    expect(sb.serviceLevel).toBe(0);
    const c = combineSummaries([sa, sb]);
    expect(c.serviceLevel).toBe(9 / 11);
    expect(c.averageSpeedOfAnswer).toBe(Math.round(((9 * 5.007 + 40.007 + 30.007) / 11) * 1000) / 1000);
    expect(summaryParts(sa)).toMatchObject({ answeredWithin: 9, serviceLevelDivisor: 10 });
  });

  it('sums counts and times, keeps the longest wait, and keys groups and stations by site', () => {
    const a = siteSummary('a', runSite([{ answerAfter: 5, abandonAfter: 0 }]));
    const b = siteSummary('b', runSite([{ answerAfter: undefined, abandonAfter: 30 }]));
    const c = combineSummaries([a, b]);
    expect(c.totalInboundCalls).toBe(2);
    expect(c.totalAbandonedCalls).toBe(1);
    expect(c.totalBusyTime).toBe(Math.round((a.totalBusyTime + b.totalBusyTime) * 1000) / 1000);
    expect(c.groups.map((g) => g.group)).toEqual(['a:1', 'b:1']);
    expect(c.stations.map((s) => s.station)).toEqual(['a:1001']);
    expect(c.periodStart).toBe(0);
    expect(c.at).toBe(Math.max(a.at, b.at));
  });

  it('is all zeros with no site', () => {
    const c = combineSummaries([]);
    expect(c.totalInboundCalls).toBe(0);
    expect(c.serviceLevel).toBeNull();
    expect(c.averageHandleTime).toBe(0);
  });
});

describe('overallConnection', () => {
  const open = (siteId: string, at: number): SiteConnectionState => ({ kind: 'open', at, url: 'wss://x', siteId });
  it('is open only when every site is open, else names the first site that is not', () => {
    const ids = ['a', 'b'];
    expect(overallConnection(ids, new Map([['a', open('a', 1)]]))).toBeUndefined();
    expect(overallConnection(ids, new Map([['a', open('a', 1)], ['b', open('b', 5)]]))).toEqual({ kind: 'open', at: 5, url: 'sites a, b' });
    const down: SiteConnectionState = { kind: 'backoff', at: 9, attempt: 2, delayMs: 1000, reason: 'network', detail: 'ECONNREFUSED', siteId: 'b' };
    expect(overallConnection(ids, new Map([['a', open('a', 1)], ['b', down]]))).toMatchObject({ kind: 'backoff', detail: 'site b: ECONNREFUSED' });
  });
});
