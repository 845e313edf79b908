// The summary (metrics.md §3): a fresh, immutable snapshot of the state at an instant, with the open intervals
// counted up to that instant.

import { coverageSummary, sameCoverage } from './coverage.js';
import type { AcdSummary, GroupSummary, MetricsState, StationRecord, StationSummary } from './types.js';

/** ms → seconds with 3 decimals. */
function secs(ms: number): number {
  return Math.round(ms) / 1000;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function openMs(at: number, mark: number): number {
  return at > mark ? at - mark : 0;
}

interface StationTimes {
  idle: number;
  busy: number;
  wrap: number;
  loggedIn: number;
  avail: number;
  unavail: number;
}

/** The station's times at `at`, written into `out` (a memo entry's, reused). */
function stationTimes(st: StationRecord, at: number, out: StationTimes): StationTimes {
  let idle = st.idleMs;
  let busy = st.busyMs;
  if (st.inService) {
    if (st.busy) busy += openMs(at, st.serviceMark);
    else idle += openMs(at, st.serviceMark);
  }
  const wrap = st.wrapMs + (st.wrapSince === undefined ? 0 : openMs(at, st.wrapSince));
  let loggedIn = st.loggedInMs;
  let avail = st.availMs;
  let unavail = st.unavailMs;
  if (st.groups.size > 0) {
    const d = openMs(at, st.agentMark);
    loggedIn += d;
    if (st.available) avail += d;
    else unavail += d;
  }
  out.idle = idle;
  out.busy = busy;
  out.wrap = wrap;
  out.loggedIn = loggedIn;
  out.avail = avail;
  out.unavail = unavail;
  return out;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** The record's fields a station row is built from (copied into the memo, compared to decide reuse). */
type RowFields = Pick<
  StationRecord,
  | 'inService' | 'busy' | 'ringingCall' | 'dnd' | 'forward' | 'wrapSince' | 'serviceMark' | 'idleMs' | 'busyMs' | 'wrapMs'
  | 'agentId' | 'available' | 'agentMark' | 'loggedInMs' | 'availMs' | 'unavailMs'
>;

/**
 * A station's row as last built, with the record's fields it was built from. Internal to one memo and updated in
 * place when the row is rebuilt (no allocation but the row itself); the row it holds is never mutated.
 */
interface CachedRow extends RowFields {
  record: StationRecord;
  row: StationSummary;
  readonly times: StationTimes;
  at: number;
}

/**
 * The per-station rows of the previous summary of one state, reused while their station is unchanged.
 *
 * An optimisation of summary$, which builds a summary after every event (metrics.md §3): in a burst many events
 * share one clock reading (`at`), and between two of them only the one or two stations the event names change,
 * so rebuilding (and deep-comparing) every station's row per event was most of the client's cost. A row is
 * reused when the record's fields are those it was built from and either `at` is the same or the station has no
 * open interval (its times do not move). Rows are never mutated once built (their arrays are frozen), so
 * sharing them between summaries is safe. Create one per state with {@link createSummaryMemo}; never share one between states.
 */
export interface SummaryMemo {
  /** By position in the state's station map (insertion order); each entry names its record, checked on use. */
  readonly rows: (CachedRow | undefined)[];
}

/** A fresh, empty {@link SummaryMemo}. */
export function createSummaryMemo(): SummaryMemo {
  return { rows: [] };
}

/** True when the array holds the set's members in the set's order. */
function sameMembers(a: readonly string[], set: ReadonlySet<string>): boolean {
  if (a.length !== set.size) return false;
  if (a.length === 0) return true;
  let i = 0;
  for (const x of set) if (a[i++] !== x) return false;
  return true;
}

// Every field of a station record, and whether a row is built from it: adding a field to StationRecord is a
// compile error here until it is classified (and, if the row shows it, compared in cachedRow and copied in rowOf).
/** Every field of {@link StationRecord} and its role in a summary row (for the summary memo and its test). */
export const RECORD_FIELDS = {
  number: 'key', heldOut: 'not shown', inService: 'row', busy: 'row', ringingCall: 'row', dnd: 'row', forward: 'row',
  wrapSince: 'row', serviceMark: 'row', idleMs: 'row', busyMs: 'row', wrapMs: 'row', groups: 'row', agentId: 'row',
  available: 'row', agentMark: 'row', loggedInMs: 'row', availMs: 'row', unavailMs: 'row', supervisorOf: 'row',
  handledGroup: 'not shown', wrapGroup: 'not shown',
} as const satisfies Record<keyof StationRecord, 'key' | 'row' | 'not shown'>;

/** The cached row of this station when still valid at `at`. */
function cachedRow(memo: SummaryMemo | undefined, i: number, st: StationRecord, at: number): CachedRow | undefined {
  const c = memo?.rows[i];
  if (c?.record !== st) return undefined;
  const timeFree = !st.inService && st.wrapSince === undefined && st.groups.size === 0;
  if (c.at !== at && !timeFree) return undefined;
  if (
    c.inService !== st.inService || c.busy !== st.busy || c.ringingCall !== st.ringingCall || c.dnd !== st.dnd ||
    c.forward !== st.forward || c.wrapSince !== st.wrapSince || c.serviceMark !== st.serviceMark ||
    c.idleMs !== st.idleMs || c.busyMs !== st.busyMs || c.wrapMs !== st.wrapMs || c.agentId !== st.agentId ||
    c.available !== st.available || c.agentMark !== st.agentMark || c.loggedInMs !== st.loggedInMs ||
    c.availMs !== st.availMs || c.unavailMs !== st.unavailMs
  ) {
    return undefined;
  }
  if (!sameMembers(c.row.agentGroups, st.groups) || !sameMembers(c.row.supervisorOf, st.supervisorOf)) return undefined;
  return c;
}

/** A frozen copy of the set: `prev` when it holds the same members in the same order. */
function membersOf(set: ReadonlySet<string>, prev: readonly string[] | undefined): readonly string[] {
  if (set.size === 0) return EMPTY;
  return prev !== undefined && sameMembers(prev, set) ? prev : Object.freeze([...set]);
}

function stationRow(st: StationRecord, t: StationTimes, prev: StationSummary | undefined): StationSummary {
  const agent = st.groups.size > 0;
  return {
    station: st.number,
    state: !st.inService ? 'out-of-service' : st.busy ? 'busy' : 'idle',
    inService: st.inService,
    busy: st.inService && st.busy,
    ringing: st.ringingCall !== undefined,
    dnd: st.dnd,
    forward: st.forward,
    wrap: st.wrapSince !== undefined,
    agentId: st.agentId,
    agentGroups: membersOf(st.groups, prev?.agentGroups),
    available: agent && st.available,
    supervisorOf: membersOf(st.supervisorOf, prev?.supervisorOf),
    idleTime: secs(t.idle),
    busyTime: secs(t.busy),
    wrapTime: secs(t.wrap),
    loggedInTime: secs(t.loggedIn),
    availTime: secs(t.avail),
    unavailTime: secs(t.unavail),
  };
}

/** Builds the row of a station (or reuses the memo's) and returns it with its times. */
function rowOf(memo: SummaryMemo | undefined, i: number, st: StationRecord, at: number): CachedRow {
  const hit = cachedRow(memo, i, st, at);
  if (hit !== undefined) return hit;
  const prev = memo?.rows[i];
  // The entry of the same record is updated in place; its row's arrays are reused when their sets did not change.
  const c: CachedRow = prev?.record === st ? prev : {
    record: st, row: undefined as unknown as StationSummary, times: { idle: 0, busy: 0, wrap: 0, loggedIn: 0, avail: 0, unavail: 0 }, at,
    inService: false, busy: false, ringingCall: undefined, dnd: false, forward: false, wrapSince: undefined, serviceMark: 0,
    idleMs: 0, busyMs: 0, wrapMs: 0, agentId: '', available: false, agentMark: 0, loggedInMs: 0, availMs: 0, unavailMs: 0,
  };
  const prevRow = prev?.record === st ? prev.row : undefined;
  stationTimes(st, at, c.times);
  c.row = stationRow(st, c.times, prevRow);
  c.at = at;
  c.inService = st.inService;
  c.busy = st.busy;
  c.ringingCall = st.ringingCall;
  c.dnd = st.dnd;
  c.forward = st.forward;
  c.wrapSince = st.wrapSince;
  c.serviceMark = st.serviceMark;
  c.idleMs = st.idleMs;
  c.busyMs = st.busyMs;
  c.wrapMs = st.wrapMs;
  c.agentId = st.agentId;
  c.available = st.available;
  c.agentMark = st.agentMark;
  c.loggedInMs = st.loggedInMs;
  c.availMs = st.availMs;
  c.unavailMs = st.unavailMs;
  if (memo !== undefined) memo.rows[i] = c;
  return c;
}

// The ratio formulas of metrics.md §3, shared with every combination of summaries (many sites, many periods:
// parts.ts), which recomputes them from summed raw parts. Each takes whole counts or whole milliseconds, so a
// combination computes exactly what one summary of all the calls would.

/** A mean in seconds (3 decimals) of `totalMs` over `n` calls; 0 while `n` is 0 (ASA, AHT). */
export function meanSeconds(totalMs: number, n: number): number {
  return n === 0 ? 0 : round(totalMs / n / 1000, 3);
}

/** The divisor of `serviceLevel`: answered + abandoned − short abandons. */
export function serviceLevelDivisor(answered: number, abandoned: number, shortAbandons: number): number {
  return answered + abandoned - shortAbandons;
}

/** `serviceLevel`: answered within the threshold / its divisor; null while the divisor is not positive. */
export function serviceLevelOf(answeredWithin: number, divisor: number): number | null {
  return divisor <= 0 ? null : answeredWithin / divisor;
}

/** `abandonRate`: abandoned / inbound; null while inbound is 0 (it can exceed 1 just after a reset). */
export function abandonRateOf(abandoned: number, inbound: number): number | null {
  return inbound === 0 ? null : abandoned / inbound;
}

/**
 * The summary of the state at `at` (metrics.md §3): every figure, open intervals counted up to `at`. With a
 * `memo` (one per state), the station rows of the previous call are reused while unchanged.
 */
export function summarize(state: MetricsState, at: number, memo?: SummaryMemo): AcdSummary {
  const s = state;
  let idle = 0;
  let busy = 0;
  let wrap = 0;
  let loggedIn = 0;
  let avail = 0;
  let unavail = 0;
  let agentsAvailable = 0;
  let agentsOnWrap = 0;
  const stations: StationSummary[] = [];
  // Open talk and wrap-up of each group's calls (its handle time so far); created only when there is some.
  let openByGroup: Map<string, number> | undefined;
  const addOpen = (g: string, ms: number): void => {
    if (ms <= 0) return;
    openByGroup ??= new Map();
    openByGroup.set(g, (openByGroup.get(g) ?? 0) + ms);
  };
  let i = 0;
  for (const st of s.stations.values()) {
    if (st.wrapSince !== undefined && st.wrapGroup !== undefined) addOpen(st.wrapGroup, openMs(at, st.wrapSince));
    const { row, times: t } = rowOf(memo, i++, st, at);
    idle += t.idle;
    busy += t.busy;
    wrap += t.wrap;
    loggedIn += t.loggedIn;
    avail += t.avail;
    unavail += t.unavail;
    const agent = st.groups.size > 0;
    if (agent && st.available) agentsAvailable++;
    if (agent && st.wrapSince !== undefined) agentsOnWrap++;
    stations.push(row);
  }
  if (memo !== undefined && memo.rows.length > i) memo.rows.length = i;

  let hold = s.holdMs;
  let talk = s.handleTalkMs;
  let oldestQueued = Infinity;
  const queueByGroup = new Map<string, { count: number; oldest: number }>();
  for (const c of s.calls.values()) {
    if (c.holdSince !== undefined) hold += openMs(at, c.holdSince);
    if (c.direction === 'inbound' && c.answeredAt !== undefined) {
      const open = openMs(at, c.talkMark);
      talk += open;
      if (c.answeredGroup !== undefined) addOpen(c.answeredGroup, open);
    }
    if (c.queueGroup !== undefined) {
      if (c.queuedAt < oldestQueued) oldestQueued = c.queuedAt;
      const q = queueByGroup.get(c.queueGroup);
      if (q === undefined) queueByGroup.set(c.queueGroup, { count: 1, oldest: c.queuedAt });
      else {
        q.count++;
        if (c.queuedAt < q.oldest) q.oldest = c.queuedAt;
      }
    }
  }

  const groups: GroupSummary[] = [];
  for (const g of s.groups.values()) {
    let gAvail = 0;
    let gWrap = 0;
    for (const n of g.agents) {
      const st = s.stations.get(n);
      if (st === undefined) continue;
      if (st.available) gAvail++;
      if (st.wrapSince !== undefined) gWrap++;
    }
    const q = queueByGroup.get(g.group);
    const handleMs = Math.round(g.handleTalkMs + g.wrapMs + (openByGroup?.get(g.group) ?? 0));
    const soaMs = Math.round(g.speedOfAnswerMs);
    const row: GroupSummary = {
      group: g.group,
      agentsLoggedIn: g.agents.size,
      agentsAvailable: gAvail,
      agentsUnavailable: g.agents.size - gAvail,
      agentsOnWrap: gWrap,
      supervisors: g.supervisors.size,
      callsInQueue: q?.count ?? 0,
      longestWaitTime: q === undefined ? 0 : secs(openMs(at, q.oldest)),
      totalInboundCalls: g.inbound,
      totalAnsweredCalls: g.answered,
      totalAbandonedCalls: g.abandoned,
      shortAbandons: g.shortAbandons,
      answeredWithinServiceLevel: g.answeredWithinServiceLevel,
      speedOfAnswerSeconds: secs(soaMs),
      handleSeconds: secs(handleMs),
      averageSpeedOfAnswer: meanSeconds(soaMs, g.answered),
      averageHandleTime: meanSeconds(handleMs, g.answered),
      abandonRate: abandonRateOf(g.abandoned, g.inbound),
      serviceLevel: serviceLevelOf(g.answeredWithinServiceLevel, serviceLevelDivisor(g.answered, g.abandoned, g.shortAbandons)),
    };
    groups.push(row);
  }

  const answered = s.totalAnsweredCalls;
  // The raw parts in whole ms, so the means here and in any combination (parts.ts) are the same quotient.
  const soaMs = Math.round(s.speedOfAnswerMs);
  const handleMs = Math.round(talk + wrap);
  return {
    stationsConnected: s.stationsConnected,
    agentsLoggedIn: s.agentsLoggedIn,
    totalInboundCalls: s.totalInboundCalls,
    totalAnsweredCalls: answered,
    totalAbandonedCalls: s.totalAbandonedCalls,
    totalOutboundCalls: s.totalOutboundCalls,
    totalLoggedInTime: secs(loggedIn),
    totalAvailTime: secs(avail),
    totalUnavailTime: secs(unavail),
    totalIdleTime: secs(idle),
    totalBusyTime: secs(busy),
    totalHoldTime: secs(hold),
    totalWrapTime: secs(wrap),
    activeCalls: s.activeCalls,
    callsInQueue: s.callsInQueue,
    longestWaitTime: oldestQueued === Infinity ? 0 : secs(openMs(at, oldestQueued)),
    busyStations: s.busyStations,
    agentsAvailable,
    agentsUnavailable: s.agentsLoggedIn - agentsAvailable,
    agentsOnWrap,
    answeredWithinServiceLevel: s.answeredWithinServiceLevel,
    speedOfAnswerSeconds: secs(soaMs),
    handleSeconds: secs(handleMs),
    averageSpeedOfAnswer: meanSeconds(soaMs, answered),
    averageHandleTime: meanSeconds(handleMs, answered),
    abandonRate: abandonRateOf(s.totalAbandonedCalls, s.totalInboundCalls),
    shortAbandons: s.shortAbandons,
    serviceLevel: serviceLevelOf(s.answeredWithinServiceLevel, serviceLevelDivisor(answered, s.totalAbandonedCalls, s.shortAbandons)),
    expiredCalls: s.expiredCalls,
    periodStart: s.periodStart,
    at,
    groups,
    stations,
    coverage: coverageSummary(s),
  };
}

// Equality of summaries, field by field: summary$ compares every new summary with the last one, once per event
// that moves the version, so this is on the hot path. Named property reads on same-shaped objects cost a few
// nanoseconds, while a generic walk (Object.keys and keyed reads) cost ~5 µs per summary. The `satisfies` lists
// make adding a field to a summary type a compile error here until it is listed (and compared below);
// test/metrics/summary-memo.test.ts checks that changing any single field makes two summaries differ.
const SUMMARY_FIELDS = {
  stationsConnected: 1, agentsLoggedIn: 1, totalInboundCalls: 1, totalAnsweredCalls: 1, totalAbandonedCalls: 1,
  totalOutboundCalls: 1, totalLoggedInTime: 1, totalAvailTime: 1, totalUnavailTime: 1, totalIdleTime: 1,
  totalBusyTime: 1, totalHoldTime: 1, totalWrapTime: 1, activeCalls: 1, callsInQueue: 1, longestWaitTime: 1,
  busyStations: 1, agentsAvailable: 1, agentsUnavailable: 1, agentsOnWrap: 1, answeredWithinServiceLevel: 1,
  speedOfAnswerSeconds: 1, handleSeconds: 1, averageSpeedOfAnswer: 1, averageHandleTime: 1, abandonRate: 1,
  shortAbandons: 1, serviceLevel: 1, expiredCalls: 1, periodStart: 1, groups: 1, stations: 1, coverage: 1,
} as const satisfies Record<Exclude<keyof AcdSummary, 'at'>, 1>;
const GROUP_FIELDS = {
  group: 1, agentsLoggedIn: 1, agentsAvailable: 1, agentsUnavailable: 1, agentsOnWrap: 1, supervisors: 1,
  callsInQueue: 1, longestWaitTime: 1, totalInboundCalls: 1, totalAnsweredCalls: 1, totalAbandonedCalls: 1,
  shortAbandons: 1, answeredWithinServiceLevel: 1, speedOfAnswerSeconds: 1, handleSeconds: 1, averageSpeedOfAnswer: 1,
  averageHandleTime: 1, abandonRate: 1, serviceLevel: 1,
} as const satisfies Record<keyof GroupSummary, 1>;
const STATION_FIELDS = {
  station: 1, state: 1, inService: 1, busy: 1, ringing: 1, dnd: 1, forward: 1, wrap: 1, agentId: 1, agentGroups: 1,
  available: 1, supervisorOf: 1, idleTime: 1, busyTime: 1, wrapTime: 1, loggedInTime: 1, availTime: 1, unavailTime: 1,
} as const satisfies Record<keyof StationSummary, 1>;
/** The fields compared by {@link sameFigures} (every field of the summary but `at`), for tests. */
export const COMPARED_FIELDS = { summary: Object.keys(SUMMARY_FIELDS), group: Object.keys(GROUP_FIELDS), station: Object.keys(STATION_FIELDS) };

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameGroup(a: GroupSummary, b: GroupSummary): boolean {
  return a === b || (
    a.group === b.group && a.agentsLoggedIn === b.agentsLoggedIn && a.agentsAvailable === b.agentsAvailable &&
    a.agentsUnavailable === b.agentsUnavailable && a.agentsOnWrap === b.agentsOnWrap && a.supervisors === b.supervisors &&
    a.callsInQueue === b.callsInQueue && a.longestWaitTime === b.longestWaitTime && a.totalInboundCalls === b.totalInboundCalls &&
    a.totalAnsweredCalls === b.totalAnsweredCalls && a.totalAbandonedCalls === b.totalAbandonedCalls &&
    a.shortAbandons === b.shortAbandons && a.answeredWithinServiceLevel === b.answeredWithinServiceLevel &&
    a.speedOfAnswerSeconds === b.speedOfAnswerSeconds && a.handleSeconds === b.handleSeconds &&
    a.averageSpeedOfAnswer === b.averageSpeedOfAnswer && a.averageHandleTime === b.averageHandleTime &&
    a.abandonRate === b.abandonRate && a.serviceLevel === b.serviceLevel
  );
}

function sameStation(a: StationSummary, b: StationSummary): boolean {
  return a === b || (
    a.station === b.station && a.state === b.state && a.inService === b.inService && a.busy === b.busy &&
    a.ringing === b.ringing && a.dnd === b.dnd && a.forward === b.forward && a.wrap === b.wrap && a.agentId === b.agentId &&
    a.available === b.available && a.idleTime === b.idleTime && a.busyTime === b.busyTime && a.wrapTime === b.wrapTime &&
    a.loggedInTime === b.loggedInTime && a.availTime === b.availTime && a.unavailTime === b.unavailTime &&
    sameStrings(a.agentGroups, b.agentGroups) && sameStrings(a.supervisorOf, b.supervisorOf)
  );
}

function sameRows<R>(a: readonly R[], b: readonly R[], same: (x: R, y: R) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i] as R, b[i] as R)) return false;
  return true;
}

/** True when two summaries carry the same figures (their `at` aside): the summary stream never repeats one. */
export function sameFigures(a: AcdSummary, b: AcdSummary): boolean {
  return a === b || (
    a.stationsConnected === b.stationsConnected && a.agentsLoggedIn === b.agentsLoggedIn &&
    a.totalInboundCalls === b.totalInboundCalls && a.totalAnsweredCalls === b.totalAnsweredCalls &&
    a.totalAbandonedCalls === b.totalAbandonedCalls && a.totalOutboundCalls === b.totalOutboundCalls &&
    a.totalLoggedInTime === b.totalLoggedInTime && a.totalAvailTime === b.totalAvailTime &&
    a.totalUnavailTime === b.totalUnavailTime && a.totalIdleTime === b.totalIdleTime && a.totalBusyTime === b.totalBusyTime &&
    a.totalHoldTime === b.totalHoldTime && a.totalWrapTime === b.totalWrapTime && a.activeCalls === b.activeCalls &&
    a.callsInQueue === b.callsInQueue && a.longestWaitTime === b.longestWaitTime && a.busyStations === b.busyStations &&
    a.agentsAvailable === b.agentsAvailable && a.agentsUnavailable === b.agentsUnavailable && a.agentsOnWrap === b.agentsOnWrap &&
    a.answeredWithinServiceLevel === b.answeredWithinServiceLevel && a.speedOfAnswerSeconds === b.speedOfAnswerSeconds &&
    a.handleSeconds === b.handleSeconds && a.averageSpeedOfAnswer === b.averageSpeedOfAnswer && a.averageHandleTime === b.averageHandleTime &&
    a.abandonRate === b.abandonRate && a.shortAbandons === b.shortAbandons && a.serviceLevel === b.serviceLevel &&
    a.expiredCalls === b.expiredCalls && a.periodStart === b.periodStart &&
    sameRows(a.groups, b.groups, sameGroup) && sameRows(a.stations, b.stations, sameStation) &&
    sameCoverage(a.coverage, b.coverage)
  );
}
