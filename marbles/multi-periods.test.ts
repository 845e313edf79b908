// periods$ of many sites (docs/metrics.md §4, "per site and combined for many sites"): each site's closing summary
// on sitePeriod$ at its reset, and one round per reset on periods$ with every site's closing summary and their
// combination (ratios from summed raw parts, §3). Two sites of different volumes, reset at 00:01 UTC (60 s).
import { describe, it } from 'vitest';
import { map, merge, type Observable } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { QUIET_METRICS, summaryOf } from './helpers/metrics-marbles.js';
import { assembleMultiSite, periodRounds } from '../src/multi/assemble.js';
import type { AcdEvent } from '../src/protocol/acd-event.js';
import type { SiteConnectionState, SiteEvent, SiteSummary } from '../src/multi/types.js';
import type { AcdSummary } from '../src/metrics/types.js';
import { NO_COVERAGE } from '../src/metrics/coverage.js';

const RESET_AT_ONE_MINUTE = { ...QUIET_METRICS, resetTime: '00:01', timeZone: 'UTC' };
const tag = (siteId: string) => map((s: AcdSummary): SiteSummary => ({ ...s, siteId }));
const fig = (s: AcdSummary): string =>
  `in ${String(s.totalInboundCalls)} ans ${String(s.totalAnsweredCalls)} asa ${String(s.averageSpeedOfAnswer)} sl ${String(s.serviceLevel)}`;

describe('periods$ of many sites', () => {
  it('each site closes its period on sitePeriod$; periods$ gives both and their combination at the reset', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      // Site a: three calls answered after 2, 4 and 30 s; site b: one call answered after 10 s.
      const a = {
        r: ev(3, { ref: 1, src: 'co:1' }), R: ev(42, { ref: 1, src: 'co:1', dst: '1001' }),
        s: ev(3, { ref: 2, src: 'co:2' }), S: ev(42, { ref: 2, src: 'co:2', dst: '1002' }),
        t: ev(3, { ref: 3, src: 'co:3' }), T: ev(42, { ref: 3, src: 'co:3', dst: '1003' }),
      };
      const b = { r: ev(3, { ref: 1, src: 'co:1' }), R: ev(42, { ref: 1, src: 'co:1', dst: '2001' }) };
      const aEvents = cold<AcdEvent>(' 1s r 999ms s 999ms R 2999ms S 999ms t 29999ms T 29999ms |', a);
      const bEvents = cold<AcdEvent>(' 5s r 9999ms R 59999ms |', b);
      const sa = summaryOf(aEvents, scheduler, RESET_AT_ONE_MINUTE);
      const sb = summaryOf(bEvents, scheduler, RESET_AT_ONE_MINUTE);
      const sitePeriod$: Observable<SiteSummary> = merge(sa.periods$.pipe(tag('a')), sb.periods$.pipe(tag('b')));
      const many = assembleMultiSite(['a', 'b'], {
        events$: cold<SiteEvent>('|'),
        connection$: cold<SiteConnectionState>('|'),
        siteSummary$: merge(sa.summary$.pipe(tag('a')), sb.summary$.pipe(tag('b'))),
        sitePeriod$,
        stats: () => ({ sites: {} }),
        stop: () => Promise.resolve(),
      });
      // At 60 s: a's closing (3 in, 3 answered, ASA (2 + 4 + 30) / 3 = 12 s, SL 2/3), then b's (ASA 10 s, SL 1).
      expectObservable(many.sitePeriod$.pipe(map((p) => `${p.siteId}: ${fig(p)}`))).toBe('60s (ab) 14996ms |', {
        a: 'a: in 3 ans 3 asa 12 sl 0.6666666666666666',
        b: 'b: in 1 ans 1 asa 10 sl 1',
      });
      // Once both closed: one round, the combination from summed parts (ASA 46 / 4 = 11.5 s, SL 3/4), not an average of ratios.
      expectObservable(many.periods$.pipe(map((p) => `${Object.keys(p.sites).join('+')}: ${fig(p.combined)}`))).toBe('60s c 14999ms |', {
        c: 'a+b: in 4 ans 4 asa 11.5 sl 0.75',
      });
    });
  });

  it('periodRounds: a site that closes twice before another waits for it; rounds pair the oldest closings', () => {
    runMarbles(({ hot, expectObservable }) => {
      const p = (siteId: string, inbound: number): SiteSummary => ({ ...closing(inbound), siteId });
      const periods = hot<SiteSummary>('-a-b-c-d', { a: p('a', 1), b: p('a', 2), c: p('b', 10), d: p('b', 20) });
      expectObservable(periodRounds(['a', 'b'], periods).pipe(map((r) => r.combined.totalInboundCalls))).toBe('-----x-y', { x: 11, y: 22 });
    });
  });
});

/** A closing summary with `inbound` calls and nothing else. */
function closing(inbound: number): AcdSummary {
  return { ...EMPTY, totalInboundCalls: inbound };
}
const EMPTY: AcdSummary = {
  stationsConnected: 0, agentsLoggedIn: 0, totalInboundCalls: 0, totalAnsweredCalls: 0, totalAbandonedCalls: 0,
  totalOutboundCalls: 0, totalLoggedInTime: 0, totalAvailTime: 0, totalUnavailTime: 0, totalIdleTime: 0,
  totalBusyTime: 0, totalHoldTime: 0, totalWrapTime: 0, activeCalls: 0, callsInQueue: 0, longestWaitTime: 0,
  busyStations: 0, agentsAvailable: 0, agentsUnavailable: 0, agentsOnWrap: 0, answeredWithinServiceLevel: 0,
  speedOfAnswerSeconds: 0, handleSeconds: 0, averageSpeedOfAnswer: 0, averageHandleTime: 0, abandonRate: null,
  shortAbandons: 0, serviceLevel: null, expiredCalls: 0, periodStart: 0, at: 0, groups: [], stations: [], coverage: NO_COVERAGE,
};
