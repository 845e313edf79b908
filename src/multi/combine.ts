// The combined summary of many sites (metrics.md §3 applied across PBXs): counts and time totals are summed;
// ratios and means are recomputed from the summed raw parts every summary carries, never averaged:
//
//   serviceLevel         = Σ answeredWithinServiceLevel / Σ (answered + abandoned − shortAbandons)
//   abandonRate          = Σ abandoned / Σ inbound
//   averageSpeedOfAnswer = Σ speedOfAnswerSeconds / Σ answered      (likewise averageHandleTime, handleSeconds)
//   longestWaitTime      = max
//
// The parts are whole counts and whole milliseconds (src/metrics/combine.ts), so the combination is exactly the
// summary one PBX with all the sites' calls would have computed.

import type { AcdSummary, GroupSummary, StationSummary } from '../metrics/types.js';
import { NO_PARTS, addParts, emptySummary, partsOf, ratiosOf, type RatioParts } from '../metrics/combine.js';
import { combineCoverage } from '../metrics/coverage.js';
import type { ConnectionState } from '../socket/types.js';
import type { SiteConnectionState, SiteSummary } from './types.js';

/** The numerators and divisors behind a summary's ratios (its raw parts, in whole counts and ms). */
export type SummaryParts = RatioParts;

/** The raw parts of one summary's ratios. */
export function summaryParts(s: AcdSummary): SummaryParts {
  return partsOf(s);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** `siteId:key`: a group or station number is only unique within its PBX. */
export function siteKey(siteId: string, key: string): string {
  return `${siteId}:${key}`;
}

const SUMMED = [
  'stationsConnected',
  'agentsLoggedIn',
  'totalInboundCalls',
  'totalAnsweredCalls',
  'totalAbandonedCalls',
  'totalOutboundCalls',
  'activeCalls',
  'callsInQueue',
  'busyStations',
  'agentsAvailable',
  'agentsUnavailable',
  'agentsOnWrap',
  'shortAbandons',
  'expiredCalls',
] as const satisfies readonly (keyof AcdSummary)[];

const SUMMED_TIMES = [
  'totalLoggedInTime',
  'totalAvailTime',
  'totalUnavailTime',
  'totalIdleTime',
  'totalBusyTime',
  'totalHoldTime',
  'totalWrapTime',
] as const satisfies readonly (keyof AcdSummary)[];

type Summed = (typeof SUMMED)[number] | (typeof SUMMED_TIMES)[number];

/**
 * Combines the latest summaries of many sites into one (see the file comment). Groups and stations are kept,
 * keyed `siteId:number`. `periodStart` is the earliest, `at` the latest of the parts. With no site, every figure
 * is 0 (`serviceLevel` and `abandonRate` null).
 */
export function combineSummaries(sites: readonly SiteSummary[]): AcdSummary {
  if (sites.length === 0) return emptySummary();
  const sums = Object.fromEntries([...SUMMED, ...SUMMED_TIMES].map((k) => [k, 0])) as Record<Summed, number>;
  let parts = NO_PARTS;
  let longestWaitTime = 0;
  let periodStart = Infinity;
  let at = -Infinity;
  const groups: GroupSummary[] = [];
  const stations: StationSummary[] = [];
  for (const s of sites) {
    for (const k of SUMMED) sums[k] += s[k];
    for (const k of SUMMED_TIMES) sums[k] += s[k];
    parts = addParts(parts, partsOf(s));
    longestWaitTime = Math.max(longestWaitTime, s.longestWaitTime);
    periodStart = Math.min(periodStart, s.periodStart);
    at = Math.max(at, s.at);
    for (const g of s.groups) groups.push({ ...g, ...ratiosOf(partsOf(g)), group: siteKey(s.siteId, g.group) });
    for (const st of s.stations) stations.push({ ...st, station: siteKey(s.siteId, st.station), agentGroups: st.agentGroups.map((g) => siteKey(s.siteId, g)), supervisorOf: st.supervisorOf.map((g) => siteKey(s.siteId, g)) });
  }
  for (const k of SUMMED_TIMES) sums[k] = round3(sums[k]);
  const coverage = combineCoverage(sites.map((s) => ({ coverage: s.coverage, key: (n: string) => siteKey(s.siteId, n) })));
  return { ...sums, longestWaitTime, ...ratiosOf(parts), periodStart, at, groups, stations, coverage };
}

/**
 * One connection state for many sites, for a health check: `open` when every site's latest state is open
 * (at the latest open instant), else the state of the first site that is not open, its detail naming the site.
 * `undefined` until every site has a state. Gap markers are not states: pass the latest non-gap state per site.
 */
export function overallConnection(siteIds: readonly string[], latest: ReadonlyMap<string, SiteConnectionState>): ConnectionState | undefined {
  let openAt = -Infinity;
  for (const id of siteIds) {
    const s = latest.get(id);
    if (s === undefined) return undefined;
    if (s.kind === 'open') {
      openAt = Math.max(openAt, s.at);
      continue;
    }
    switch (s.kind) {
      case 'connecting':
        return { kind: 'connecting', at: s.at, attempt: s.attempt };
      case 'backoff':
        return { kind: 'backoff', at: s.at, attempt: s.attempt, delayMs: s.delayMs, reason: s.reason, detail: `site ${id}: ${s.detail}` };
      case 'closed':
        return { kind: 'closed', at: s.at, reason: s.reason, detail: `site ${id}: ${s.detail}` };
      case 'gap':
        break; // not a state (see the doc comment)
    }
  }
  return { kind: 'open', at: openAt === -Infinity ? 0 : openAt, url: `sites ${siteIds.join(', ')}` };
}

/** Tags a value of a site with its id. */
export function withSite<T extends object>(siteId: string, value: T): T & { readonly siteId: string } {
  return { ...value, siteId };
}
