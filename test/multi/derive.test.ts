// The derived multi-site streams in virtual time: the latest summary of every site and their combination after
// each site summary; the overall state open only once every site is open, gap markers ignored.
import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { runMarbles } from '../../marbles/helpers/run-marbles.js';
import { deriveStreams } from '../../src/multi/assemble.js';
import { combineSummaries } from '../../src/multi/combine.js';
import { summarize } from '../../src/metrics/summarize.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import type { SiteConnectionState, SiteSummary } from '../../src/multi/types.js';
import { TEST_METRICS, ev } from '../../marbles/helpers/acd-event-builders.js';

/** A site summary with `calls` inbound calls. */
function withCalls(siteId: string, calls: number): SiteSummary {
  let st = initialMetricsState(TEST_METRICS, 0);
  for (let i = 1; i <= calls; i++) st = reduceMetrics(st, ev(3, { at: i, ref: i, src: `co:${String(i)}` }));
  return { ...summarize(st, st.at), siteId };
}

describe('deriveStreams', () => {
  it('combines the latest summary of every site after each site summary', () => {
    runMarbles(({ hot, expectObservable }) => {
      const a1 = withCalls('a', 1);
      const b2 = withCalls('b', 2);
      const a3 = withCalls('a', 3);
      const summaries = hot<SiteSummary>('-x-y-z', { x: a1, y: b2, z: a3 });
      const d = deriveStreams(['a', 'b'], summaries, hot<SiteConnectionState>('-'));
      // inbound calls of the combination: 1 (a alone), 1 + 2, then a's newer 3 + 2 (not 1 + 2 + 3)
      expectObservable(d.summary$.pipe(map((s) => s.totalInboundCalls))).toBe('-1-3-5', { 1: 1, 3: 3, 5: 5 });
      expectObservable(d.summaries$.pipe(map((s) => Object.keys(s.sites).join()))).toBe('-p-q-q', { p: 'a', q: 'a,b' });
      expectObservable(d.summary$.pipe(map((s) => s.totalInboundCalls === combineSummaries([a3, b2]).totalInboundCalls))).toBe('-f-f-t', { f: false, t: true });
    });
  });

  it('is open only when every site is open; a gap marker is not a state', () => {
    runMarbles(({ hot, expectObservable }) => {
      const open = (siteId: string, at: number): SiteConnectionState => ({ kind: 'open', at, url: 'wss://pbx', siteId });
      const states = hot<SiteConnectionState>('-a-g-b-d', {
        a: open('a', 1),
        g: { kind: 'gap', at: 3, from: 2, to: 3, siteId: 'a' },
        b: open('b', 5),
        d: { kind: 'backoff', at: 7, attempt: 1, delayMs: 500, reason: 'network', detail: 'reset', siteId: 'a' },
      });
      const d = deriveStreams(['a', 'b'], hot<SiteSummary>('-'), states);
      expectObservable(d.overall$.pipe(map((s) => s.kind))).toBe('-----o-k', { o: 'open', k: 'backoff' });
    });
  });
});
