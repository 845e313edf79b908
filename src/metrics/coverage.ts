// Coverage (metrics.md §4, docs/cold-start.md): since when the figures are complete and which entities are only
// partly known. The ACD stream has no replay and the Web API no agent-state query, so a client started mid-day
// knows a station from its first event (or from the CTI seed) and an agent from its login; an agent that acts
// without a login seen logged in before the client started, and is listed here, never counted as logged in.
//
// Pure, on the reducer's state: the reducer calls `noteCoverage` before it applies each event, and hands the seed
// and gap inputs to `applySeed` / `applyGap`.

import type { AcdEvent } from '../protocol/acd-event.js';
import { normalizeGroup } from '../protocol/group.js';
import type { CoverageRecord, CoverageSummary, GapInput, MetricsState, SeedInput, StationRecord } from './types.js';

/** A fresh coverage record: complete since `at`, nothing partly known, no gap. */
export function initialCoverage(at: number): CoverageRecord {
  return { since: at, unseenStations: new Set(), unknownAgents: new Set(), gaps: 0, gapMs: 0, restarts: 0, cached: undefined };
}

function changed(s: MetricsState): void {
  s.coverage.cached = undefined;
  s.version++;
}

/** Updates the coverage for `ev`, before the reducer applies it (it reads the agent's groups as they were). */
export function noteCoverage(s: MetricsState, ev: AcdEvent): void {
  const cov = s.coverage;
  if (cov.unseenStations.size > 0) {
    for (const p of [ev.source, ev.dest]) {
      if (p?.type === 'station' && cov.unseenStations.delete(p.number)) changed(s);
    }
  }
  const code = ev.code;
  if (code < 11 || (code > 14 && code !== 25 && code !== 26 && code !== 82)) return;
  const n = ev.source?.type === 'station' ? ev.source.number : undefined;
  if (n === undefined) return;
  const st = s.stations.get(n);
  switch (code) {
    case 11:
    case 25:
    case 82: // a login is seen, or 82 logs the agent out of every group: its state is known from here on
      if (cov.unknownAgents.delete(n)) changed(s);
      return;
    case 12:
    case 26: {
      const g = normalizeGroup(ev.data1);
      if (g !== '' && st?.groups.has(g) !== true && !cov.unknownAgents.has(n)) {
        cov.unknownAgents.add(n);
        changed(s);
      }
      return;
    }
    default: // 13, 14: availability of an agent
      if ((st === undefined || st.groups.size === 0) && !cov.unknownAgents.has(n)) {
        cov.unknownAgents.add(n);
        changed(s);
      }
  }
}

/**
 * Applies the CTI seed: each station no event has named yet takes the reported state (in service, busy, DND,
 * forward) and is listed as unseen; a station already known from events keeps its state (the events are newer).
 * No agent is logged in and no per-event change fires.
 */
export function applySeed(s: MetricsState, seed: SeedInput, newStation: (number: string, at: number) => StationRecord): void {
  const at = seed.at;
  for (const x of seed.stations) {
    if (x.number === '' || s.stations.has(x.number) || s.coverage.unseenStations.has(x.number)) continue;
    s.coverage.unseenStations.add(x.number);
    changed(s);
    // An unregistered terminal gets no record: its first event registers it as any unknown station (§2).
    if (!x.inService) continue;
    const st = newStation(x.number, at);
    s.stations.set(x.number, st);
    st.dnd = x.dnd;
    st.forward = x.forward;
    st.inService = true;
    s.stationsConnected++;
    if (x.busy) {
      st.busy = true;
      s.busyStations++;
    }
  }
}

/**
 * Counts a gap (an interval without a socket). A restart's gap (`cause: 'restart'`: from the previous process's
 * checkpoint or last journaled frame to the new socket) is counted as a restart too; the reducer then takes its time
 * out of every open interval (`resumeAfterGap`, metrics.md §4). A socket gap inside a running process keeps its
 * intervals (states mostly hold; the marker says they are unverified).
 */
export function applyGap(s: MetricsState, gap: GapInput): void {
  const cov = s.coverage;
  cov.gaps++;
  cov.gapMs += Math.max(0, gap.to - gap.from);
  if (gap.cause === 'restart') cov.restarts++;
  changed(s);
}

const ascending = (set: ReadonlySet<string>): readonly string[] =>
  Object.freeze([...set].sort((a, b) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0)));

/** The coverage as the summary shows it; the same object while nothing changed. */
export function coverageSummary(s: MetricsState): CoverageSummary {
  const cov = s.coverage;
  const since = Math.max(cov.since, s.periodStart); // a reset moves it without touching the record
  if (cov.cached?.since === since) return cov.cached;
  const summary: CoverageSummary = {
    since,
    wholePeriod: cov.since < s.periodStart,
    unseenStations: ascending(cov.unseenStations),
    unknownAgents: ascending(cov.unknownAgents),
    gaps: cov.gaps,
    gapSeconds: Math.round(cov.gapMs) / 1000,
    restarts: cov.restarts,
  };
  cov.cached = summary;
  return summary;
}

/** Equality of two coverages (the summary stream never emits two equal summaries in a row). */
export function sameCoverage(a: CoverageSummary, b: CoverageSummary): boolean {
  return a === b || (
    a.since === b.since && a.wholePeriod === b.wholePeriod && a.gaps === b.gaps && a.gapSeconds === b.gapSeconds &&
    a.restarts === b.restarts && sameList(a.unseenStations, b.unseenStations) && sameList(a.unknownAgents, b.unknownAgents)
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The gaps of a new period start from none (the figures of the period before kept their own). */
export function resetCoverage(s: MetricsState): void {
  const cov = s.coverage;
  cov.gaps = 0;
  cov.gapMs = 0;
  cov.restarts = 0;
  cov.cached = undefined;
}

/** The coverage of nothing (an empty combined summary). */
export const NO_COVERAGE: CoverageSummary = Object.freeze({
  since: 0, wholePeriod: false, unseenStations: Object.freeze([]), unknownAgents: Object.freeze([]), gaps: 0, gapSeconds: 0, restarts: 0,
});

/**
 * The coverage of many sites at once: complete since the latest site's `since`, a whole period only when every
 * site's is, the partly known stations of every site keyed by `keyOf(site, number)`, the gaps summed.
 */
export function combineCoverage(parts: readonly { readonly coverage: CoverageSummary; readonly key: (n: string) => string }[]): CoverageSummary {
  if (parts.length === 0) return NO_COVERAGE;
  const unseen: string[] = [];
  const unknown: string[] = [];
  let gapMs = 0;
  for (const p of parts) {
    for (const n of p.coverage.unseenStations) unseen.push(p.key(n));
    for (const n of p.coverage.unknownAgents) unknown.push(p.key(n));
    gapMs += Math.round(p.coverage.gapSeconds * 1000);
  }
  return {
    since: Math.max(...parts.map((p) => p.coverage.since)),
    wholePeriod: parts.every((p) => p.coverage.wholePeriod),
    unseenStations: unseen,
    unknownAgents: unknown,
    gaps: parts.reduce((a, p) => a + p.coverage.gaps, 0),
    gapSeconds: gapMs / 1000,
    restarts: parts.reduce((a, p) => a + p.coverage.restarts, 0),
  };
}
