// The combined summary of many sites (docs/metrics.md §3): sums, and ratios recomputed from the raw parts every
// summary carries (not averaged), checked against the reducer's own raw counters over random call stories, and
// against one reducer fed the concatenated calls of two sites of different volumes: equal, exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { MetricsState } from '../../src/metrics/types.js';
import { combineSummaries, overallConnection, summaryParts } from '../../src/multi/combine.js';
import { meanSeconds } from '../../src/metrics/summarize.js';
import type { AcdEvent } from '../../src/protocol/acd-event.js';
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

function siteSummary(siteId: string, st: MetricsState, at = st.at): SiteSummary {
  return { ...summarize(st, at), siteId };
}

/** A richer call: its group, ring time, then answered (talk, hold, wrap-up) or abandoned. */
const call = fc.record({
  group: fc.constantFrom('1', '2'),
  ringMs: fc.integer({ min: 0, max: 60_000 }),
  answered: fc.boolean(),
  talkMs: fc.integer({ min: 1_000, max: 400_000 }),
  holdMs: fc.integer({ min: 0, max: 60_000 }),
  wrapMs: fc.integer({ min: 0, max: 90_000 }),
  gapMs: fc.integer({ min: 0, max: 200_000 }),
});
type Call = typeof call extends fc.Arbitrary<infer C> ? C : never;

/** The events of one site's calls (site a: stations 1xxx, trunks 1xx, refs 10xxx, groups 10x; site b: 2…). */
function siteEvents(site: 'a' | 'b', calls: readonly Call[], jitter: number): AcdEvent[] {
  const p = site === 'a' ? '1' : '2';
  const out: AcdEvent[] = [];
  let t = jitter;
  calls.forEach((c, i) => {
    const ref = Number(`${p}${String(10_000 + i)}`);
    const co = `co:${p}${String(i % 50).padStart(2, '0')}`;
    const st = `${p}${String(i % 7).padStart(3, '0')}`;
    const group = `${p}0${c.group}`;
    out.push(ev(3, { at: t, ref, src: co, d1: group }));
    if (c.answered) {
      const ans = t + c.ringMs;
      out.push(ev(42, { at: ans, ref, src: co, dst: st }));
      out.push(ev(49, { at: ans + 500, ref, src: st, dst: co }));
      out.push(ev(42, { at: ans + 500 + c.holdMs, ref, src: st, dst: co }));
      const end = ans + 500 + c.holdMs + c.talkMs;
      out.push(ev(44, { at: end, ref, src: co, dst: st, d1: '0' }));
      out.push(ev(15, { at: end + 1, src: st }));
      out.push(ev(16, { at: end + 1 + c.wrapMs, src: st }));
    } else {
      out.push(ev(2, { at: t + c.ringMs, src: co }));
    }
    t += c.gapMs + 1;
  });
  // In time order (stable: events of one instant keep their order), as the PBX would send them.
  return out.sort((x, y) => x.at - y.at);
}

function play(events: readonly AcdEvent[]): MetricsState {
  let st = initialMetricsState(TEST_METRICS, 0);
  for (const e of events) st = reduceMetrics(st, e);
  return st;
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
        expect(combined.abandonRate).toBe(combined.totalInboundCalls === 0 ? null : sum((s) => s.totalAbandonedCalls) / combined.totalInboundCalls);
        // ASA from the summed raw parts: the same quotient one PBX would compute.
        expect(combined.averageSpeedOfAnswer).toBe(meanSeconds(sum((s) => s.speedOfAnswerMs), answered));
        expect(combined.answeredWithinServiceLevel).toBe(sum((s) => s.answeredWithinServiceLevel));
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
    expect(summaryParts(sa)).toMatchObject({ answeredWithin: 9, answered: 10, abandoned: 0, speedOfAnswerMs: 9 * 5007 + 40007 });
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
    expect(c.abandonRate).toBeNull();
    expect(c.averageHandleTime).toBe(0);
  });

  it('two sites of different volumes: the combined ASA, AHT, service level and abandon rate are those of their concatenated calls, exactly', () => {
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 30 }), fc.array(call, { maxLength: 6 }), fc.integer({ min: 1, max: 999 }), (big, small, jitter) => {
        const a = siteEvents('a', big, jitter);
        const b = siteEvents('b', small, jitter * 7);
        const end = Math.max(0, ...[...a, ...b].map((e) => e.at)) + 45_123; // intervals still open at the end count too
        const combined = combineSummaries([siteSummary('a', play(a), end), siteSummary('b', play(b), end)]);
        // One PBX with every call of both sites (stations, trunks, refs and groups kept apart by the site's prefix),
        // each site's events in the same order as it saw them.
        const one = summarize(play([...a, ...b].sort((x, y) => x.at - y.at)), end);
        const ratios = (x: typeof one): unknown => ({
          averageSpeedOfAnswer: x.averageSpeedOfAnswer, averageHandleTime: x.averageHandleTime, serviceLevel: x.serviceLevel,
          abandonRate: x.abandonRate, speedOfAnswerSeconds: x.speedOfAnswerSeconds, handleSeconds: x.handleSeconds,
          answeredWithinServiceLevel: x.answeredWithinServiceLevel, totalInboundCalls: x.totalInboundCalls,
          totalAnsweredCalls: x.totalAnsweredCalls, totalAbandonedCalls: x.totalAbandonedCalls, shortAbandons: x.shortAbandons,
          totalHoldTime: x.totalHoldTime, totalWrapTime: x.totalWrapTime, totalBusyTime: x.totalBusyTime,
        });
        expect(ratios(combined)).toEqual(ratios(one));
        // Per group too: site a's group 101 is keyed a:101 in the combination.
        const g = (x: typeof one, key: string): unknown => {
          const row = x.groups.find((r) => r.group === key);
          return row === undefined ? undefined : { asa: row.averageSpeedOfAnswer, aht: row.averageHandleTime, sl: row.serviceLevel, rate: row.abandonRate };
        };
        for (const n of ['1', '2']) {
          expect(g(combined, `a:10${n}`)).toEqual(g(one, `10${n}`));
          expect(g(combined, `b:20${n}`)).toEqual(g(one, `20${n}`));
        }
      }),
      { numRuns: 150 },
    );
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
