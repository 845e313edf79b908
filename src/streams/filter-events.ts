// filterEvents: metrics.md §6. Events outside the configured filters are dropped before the metrics, and each
// drop is reported with its reason (counted on the client's stats, never silent). An empty list = no filter.

import { filter, type OperatorFunction } from 'rxjs';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { FiltersConfig } from '../config/config.js';
import { eventGroup, normalizeGroup } from '../protocol/group.js';

/** Why an event was filtered out. Stable strings: they label the `filteredByReason` counters. */
export type FilterReason = 'event-blocked' | 'event-not-allowed' | 'station' | 'group';

/** Decides one event: the reason it is dropped, or `undefined` to keep it. */
export type EventFilter = (event: AcdEvent) => FilterReason | undefined;

interface Range {
  readonly low: number;
  readonly high: number;
}

/** Station numbers compare as numbers when both are digits (`"1004"` in `"1000-1099"`), else as strings. */
function compileStations(entries: readonly string[]): ((n: string) => boolean) | undefined {
  if (entries.length === 0) return undefined;
  const exact = new Set<string>();
  const ranges: Range[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    const m = /^(\d+)\s*-\s*(\d+)$/.exec(e);
    if (m !== null) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      ranges.push({ low: Math.min(a, b), high: Math.max(a, b) });
    } else if (/^\d+$/.test(e)) {
      ranges.push({ low: Number(e), high: Number(e) });
      exact.add(e);
    } else if (e !== '') {
      exact.add(e);
    }
  }
  const listed = (n: string): boolean => {
    if (exact.has(n)) return true;
    if (!/^\d+$/.test(n)) return false;
    const v = Number(n);
    for (const r of ranges) if (v >= r.low && v <= r.high) return true;
    return false;
  };
  // A site has a bounded set of stations, and every event names one or two: each number is decided once (a
  // map lookup instead of a regular expression and a scan of the ranges). Bounded against a hostile stream.
  const decided = new Map<string, boolean>();
  return (n: string): boolean => {
    const known = decided.get(n);
    if (known !== undefined) return known;
    const v = listed(n);
    if (decided.size < MAX_DECIDED_STATIONS) decided.set(n, v);
    return v;
  };
}

/** Station numbers whose filter decision is kept (beyond it, later numbers are decided each time). */
const MAX_DECIDED_STATIONS = 10_000;

/**
 * Compiles the filters of metrics.md §6 into one predicate, checked in order: `eventsBlocked`, `eventsAllowed`,
 * `stations` (an event naming a station is kept when its source or destination station is listed; an event
 * naming no station is kept), `groups` (applies to events carrying a group only).
 */
export function compileFilters(filters: FiltersConfig): EventFilter {
  const blocked = new Set(filters.eventsBlocked);
  const allowed = new Set(filters.eventsAllowed);
  const station = compileStations(filters.stations);
  const groups = new Set(filters.groups.map((g) => normalizeGroup(g.trim())));
  const useBlocked = blocked.size > 0;
  const useAllowed = allowed.size > 0;
  const useGroups = groups.size > 0;
  if (!useBlocked && !useAllowed && station === undefined && !useGroups) return () => undefined;
  return (e: AcdEvent): FilterReason | undefined => {
    if (useBlocked && blocked.has(e.code)) return 'event-blocked';
    if (useAllowed && !allowed.has(e.code)) return 'event-not-allowed';
    if (station !== undefined) {
      const s = e.source?.type === 'station' ? e.source.number : undefined;
      const d = e.dest?.type === 'station' ? e.dest.number : undefined;
      if ((s !== undefined || d !== undefined) && !((s !== undefined && station(s)) || (d !== undefined && station(d)))) return 'station';
    }
    if (useGroups) {
      const g = eventGroup(e);
      if (g !== undefined && !groups.has(g)) return 'group';
    }
    return undefined;
  };
}

/**
 * Drops events outside `filters` (metrics.md §6), calling `onFiltered(event, reason)` for each one dropped.
 * Never errors on an event.
 */
export function filterEvents(
  filters: FiltersConfig,
  onFiltered: (event: AcdEvent, reason: FilterReason) => void,
): OperatorFunction<AcdEvent, AcdEvent> {
  const decide = compileFilters(filters);
  return filter((e) => {
    const reason = decide(e);
    if (reason === undefined) return true;
    onFiltered(e, reason);
    return false;
  });
}
