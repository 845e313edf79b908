// Combining summaries (metrics.md §3): every ratio travels as its raw parts, so a combination of summaries — many
// sites (src/multi), many periods of one site (`combinePeriods`) — computes ASA, AHT, service level and abandon
// rate from summed parts, never by averaging averages. The parts are whole counts and whole milliseconds (the
// summary writes them as seconds with 3 decimals, which round-trip exactly), so a combination gives exactly the
// figures one summary of all the calls would.

import type { AcdSummary, GroupSummary, StationSummary } from './types.js';
import { abandonRateOf, meanSeconds, serviceLevelDivisor, serviceLevelOf } from './summarize.js';
import { NO_COVERAGE, combineCoverage } from './coverage.js';

/** The raw parts behind the ratios of a summary or of one group row: counts and whole milliseconds. */
export interface RatioParts {
  readonly inbound: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly shortAbandons: number;
  readonly answeredWithin: number;
  readonly speedOfAnswerMs: number;
  readonly handleMs: number;
}

/** The ratio fields of a summary (or a group row), computed from parts. */
export interface Ratios {
  readonly answeredWithinServiceLevel: number;
  readonly speedOfAnswerSeconds: number;
  readonly handleSeconds: number;
  readonly averageSpeedOfAnswer: number;
  readonly averageHandleTime: number;
  readonly abandonRate: number | null;
  readonly serviceLevel: number | null;
}

/** No parts at all. */
export const NO_PARTS: RatioParts = { inbound: 0, answered: 0, abandoned: 0, shortAbandons: 0, answeredWithin: 0, speedOfAnswerMs: 0, handleMs: 0 };

const ms = (seconds: number): number => Math.round(seconds * 1000);

/**
 * The parts of a summary or group row. A summary from before the raw parts existed (an older bridge's KV value)
 * has only the ratios: its parts are derived from them (`answeredWithin` exactly; the sums within 0.5 ms per
 * answered call), so combining old and new summaries still works.
 */
export function partsOf(s: AcdSummary | GroupSummary): RatioParts {
  const counts = { inbound: s.totalInboundCalls, answered: s.totalAnsweredCalls, abandoned: s.totalAbandonedCalls };
  const shortAbandons = typeof s.shortAbandons === 'number' ? s.shortAbandons : 0;
  if (typeof s.speedOfAnswerSeconds === 'number' && typeof s.handleSeconds === 'number' && typeof s.answeredWithinServiceLevel === 'number') {
    return { ...counts, shortAbandons, answeredWithin: s.answeredWithinServiceLevel, speedOfAnswerMs: ms(s.speedOfAnswerSeconds), handleMs: ms(s.handleSeconds) };
  }
  const divisor = serviceLevelDivisor(counts.answered, counts.abandoned, shortAbandons);
  const sl = typeof s.serviceLevel === 'number' ? s.serviceLevel : null;
  const asa = typeof s.averageSpeedOfAnswer === 'number' ? s.averageSpeedOfAnswer : 0;
  const aht = typeof s.averageHandleTime === 'number' ? s.averageHandleTime : 0;
  return {
    ...counts,
    shortAbandons,
    answeredWithin: sl === null || divisor <= 0 ? 0 : Math.round(sl * divisor),
    speedOfAnswerMs: ms(asa * counts.answered),
    handleMs: ms(aht * counts.answered),
  };
}

/** The sum of two sets of parts. */
export function addParts(a: RatioParts, b: RatioParts): RatioParts {
  return {
    inbound: a.inbound + b.inbound,
    answered: a.answered + b.answered,
    abandoned: a.abandoned + b.abandoned,
    shortAbandons: a.shortAbandons + b.shortAbandons,
    answeredWithin: a.answeredWithin + b.answeredWithin,
    speedOfAnswerMs: a.speedOfAnswerMs + b.speedOfAnswerMs,
    handleMs: a.handleMs + b.handleMs,
  };
}

/** The ratio fields of some parts, by the formulas of metrics.md §3 (the same functions `summarize` uses). */
export function ratiosOf(p: RatioParts): Ratios {
  return {
    answeredWithinServiceLevel: p.answeredWithin,
    speedOfAnswerSeconds: p.speedOfAnswerMs / 1000,
    handleSeconds: p.handleMs / 1000,
    averageSpeedOfAnswer: meanSeconds(p.speedOfAnswerMs, p.answered),
    averageHandleTime: meanSeconds(p.handleMs, p.answered),
    abandonRate: abandonRateOf(p.abandoned, p.inbound),
    serviceLevel: serviceLevelOf(p.answeredWithin, serviceLevelDivisor(p.answered, p.abandoned, p.shortAbandons)),
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The counters of a period (summed across periods). */
const PERIOD_COUNTS = ['totalInboundCalls', 'totalAnsweredCalls', 'totalAbandonedCalls', 'totalOutboundCalls', 'shortAbandons', 'expiredCalls'] as const satisfies readonly (keyof AcdSummary)[];
/** The time totals of a period (summed across periods). */
const PERIOD_TIMES = ['totalLoggedInTime', 'totalAvailTime', 'totalUnavailTime', 'totalIdleTime', 'totalBusyTime', 'totalHoldTime', 'totalWrapTime'] as const satisfies readonly (keyof AcdSummary)[];

function mergeGroups(rows: readonly GroupSummary[]): GroupSummary {
  const last = rows[rows.length - 1] as GroupSummary;
  const parts = rows.reduce((acc, g) => addParts(acc, partsOf(g)), NO_PARTS);
  return {
    ...last, // the group's members and queue as they stand in the latest period
    totalInboundCalls: parts.inbound,
    totalAnsweredCalls: parts.answered,
    totalAbandonedCalls: parts.abandoned,
    shortAbandons: parts.shortAbandons,
    ...ratiosOf(parts),
  };
}

function mergeStations(rows: readonly StationSummary[]): StationSummary {
  const last = rows[rows.length - 1] as StationSummary;
  const sum = (pick: (r: StationSummary) => number): number => round3(rows.reduce((a, r) => a + pick(r), 0));
  return {
    ...last, // the station's state as it stands in the latest period
    idleTime: sum((r) => r.idleTime),
    busyTime: sum((r) => r.busyTime),
    wrapTime: sum((r) => r.wrapTime),
    loggedInTime: sum((r) => r.loggedInTime),
    availTime: sum((r) => r.availTime),
    unavailTime: sum((r) => r.unavailTime),
  };
}

/**
 * One summary of consecutive periods of one site (e.g. a week of `periods$` closings): the period counters and
 * time totals are summed, the ratios recomputed from the summed parts, groups and stations merged by number; the
 * figures that are states (stations connected, agents logged in, calls active and queued, the longest wait)
 * are the latest period's. `periodStart` is the earliest, `at` the latest. With no period, every figure is 0.
 */
export function combinePeriods(periods: readonly AcdSummary[]): AcdSummary {
  const ordered = [...periods].sort((a, b) => a.at - b.at);
  const latest = ordered[ordered.length - 1];
  if (latest === undefined) return emptySummary();
  const counts = Object.fromEntries(PERIOD_COUNTS.map((k) => [k, ordered.reduce((a, s) => a + s[k], 0)])) as Record<(typeof PERIOD_COUNTS)[number], number>;
  const times = Object.fromEntries(PERIOD_TIMES.map((k) => [k, round3(ordered.reduce((a, s) => a + s[k], 0))])) as Record<(typeof PERIOD_TIMES)[number], number>;
  const parts = ordered.reduce((acc, s) => addParts(acc, partsOf(s)), NO_PARTS);
  const groups = new Map<string, GroupSummary[]>();
  const stations = new Map<string, StationSummary[]>();
  for (const s of ordered) {
    for (const g of s.groups) groups.set(g.group, [...(groups.get(g.group) ?? []), g]);
    for (const st of s.stations) stations.set(st.station, [...(stations.get(st.station) ?? []), st]);
  }
  return {
    ...latest,
    ...counts,
    ...times,
    ...ratiosOf(parts),
    periodStart: Math.min(...ordered.map((s) => s.periodStart)),
    at: latest.at,
    groups: [...groups.values()].map(mergeGroups),
    stations: [...stations.values()].map(mergeStations),
    // Complete since the first period's start of knowledge; partly known as the latest period says; gaps of all.
    coverage: { ...latest.coverage, since: (ordered[0] as AcdSummary).coverage.since, wholePeriod: (ordered[0] as AcdSummary).coverage.wholePeriod, ...gapsOf(ordered) },
  };
}

/** The summary of nothing: every figure 0, ratios as with no call (null service level and abandon rate). */
export function emptySummary(): AcdSummary {
  return {
    stationsConnected: 0, agentsLoggedIn: 0, totalInboundCalls: 0, totalAnsweredCalls: 0, totalAbandonedCalls: 0,
    totalOutboundCalls: 0, totalLoggedInTime: 0, totalAvailTime: 0, totalUnavailTime: 0, totalIdleTime: 0,
    totalBusyTime: 0, totalHoldTime: 0, totalWrapTime: 0, activeCalls: 0, callsInQueue: 0, longestWaitTime: 0,
    busyStations: 0, agentsAvailable: 0, agentsUnavailable: 0, agentsOnWrap: 0, shortAbandons: 0, expiredCalls: 0,
    ...ratiosOf(NO_PARTS), periodStart: 0, at: 0, groups: [], stations: [], coverage: NO_COVERAGE,
  };
}

function gapsOf(summaries: readonly AcdSummary[]): { gaps: number; gapSeconds: number; restarts: number } {
  const c = combineCoverage(summaries.map((s) => ({ coverage: s.coverage, key: (n: string) => n })));
  return { gaps: c.gaps, gapSeconds: c.gapSeconds, restarts: c.restarts };
}
