// The summary (metrics.md §3): an immutable (frozen) snapshot of the state at an instant, with the open intervals
// counted up to that instant. Its station rows are built from immutable per-station bases shared between
// summaries (see SummaryMemo), on first read of `stations`: a summary costs what changed, kept or not.

import { coverageSummary, sameCoverage } from './coverage.js';
import type { AcdSummary, CoverageSummary, GroupSummary, MetricsState, StationRecord, StationSummary } from './types.js';

/** ms → seconds with 3 decimals. */
function secs(ms: number): number {
  return Math.round(ms) / 1000;
}

/** `x` rounded to 3 decimals. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
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

const EMPTY: readonly string[] = Object.freeze([]);

/** The record's fields a station row is built from (copied into its base, compared to decide reuse). */
type RowFields = Pick<
  StationRecord,
  | 'inService' | 'busy' | 'ringingCall' | 'dnd' | 'forward' | 'wrapSince' | 'serviceMark' | 'idleMs' | 'busyMs' | 'wrapMs'
  | 'agentId' | 'available' | 'agentMark' | 'loggedInMs' | 'availMs' | 'unavailMs'
>;

/**
 * A station as summaries see it: an immutable copy of the record's row fields (the times it counts from and the
 * marks of its open intervals), built again only when the record changes, and shared by every summary taken
 * while it does not. A summary's row of the station is this base at the summary's `at` (see {@link rowAt}).
 */
interface StationBase extends RowFields {
  /** The record it was copied from (the memo's identity check; never read for figures). */
  readonly record: StationRecord;
  readonly agentGroups: readonly string[];
  readonly supervisorOf: readonly string[];
  /** No open interval: the row is the same at every instant. */
  readonly timeFree: boolean;
  /** The row as last built (frozen, shared) and the instant it was built for: a cache, not a figure. */
  row: StationSummary | undefined;
  rowAt: number;
}

/** The station's times at `at`, written into `out`. */
function stationTimes(st: StationBase, at: number, out: StationTimes): StationTimes {
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
  if (st.agentGroups.length > 0) {
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

/** Stations per chunk of a {@link StationView} (a power of two). */
const CHUNK_BITS = 6;
const CHUNK = 1 << CHUNK_BITS;

/**
 * The stations of one summary: the bases in the state's station order, in chunks of {@link CHUNK}, and the
 * instant. Consecutive summaries share every chunk in which no station changed, so a summary costs its chunk list
 * (one pointer per 64 stations) and the chunks of the stations that changed; its rows are built on first read.
 */
interface StationView {
  readonly chunks: readonly (readonly StationBase[])[];
  readonly count: number;
  readonly at: number;
  /** The rows, once read (a cache). */
  rows: readonly StationSummary[] | undefined;
}

/** Where a summary holds its view (a non-enumerable own property: no copy of the summary carries it). */
const VIEW = Symbol('stations view');

/** A summary built by {@link summarize}. */
interface Viewed {
  readonly [VIEW]?: StationView;
}

/** The getter of every summary's `stations` (one function for all, so summaries share one shape). */
function stationsOf(this: Viewed): readonly StationSummary[] {
  const v = this[VIEW];
  if (v === undefined) throw new TypeError('stations read from an object that is not a summary');
  return (v.rows ??= rowsOf(v));
}

/**
 * `stations` of a summary: an own enumerable property whose rows are built on first read (then kept), so spread,
 * JSON, structuredClone and deep equality see plain data, and a summary no one reads costs no row.
 */
const STATIONS: PropertyDescriptor = Object.freeze({ get: stationsOf, enumerable: true, configurable: false });

/**
 * The station bases of the previous summary of one state, reused while their station is unchanged.
 *
 * An optimisation of summary$ (metrics.md §3): between two summaries only the few stations the events named
 * change, so copying (and comparing) every station per summary was most of its cost, and every summary kept held
 * a row per station. A base is reused when the record's fields are those it was copied from; the rows are built
 * from it lazily, at each summary's instant, and shared while equal (frozen). Create one per state with
 * {@link createSummaryMemo}; never share one between states.
 */
export interface SummaryMemo {
  /** The bases by position in the state's station map (insertion order); each names its record, checked on use. */
  readonly chunks: StationBase[][];
  /** Per chunk: not yet handed to a summary, so it may be written in place (else it is copied first). */
  readonly owned: boolean[];
}

/** A fresh, empty {@link SummaryMemo}. */
export function createSummaryMemo(): SummaryMemo {
  return { chunks: [], owned: [] };
}

/** True when the array holds the set's members in the set's order. */
function sameMembers(a: readonly string[], set: ReadonlySet<string>): boolean {
  if (a.length !== set.size) return false;
  if (a.length === 0) return true;
  if (a.length === 1) return set.has(a[0] as string); // one member: no iterator (most agents have one group)
  let i = 0;
  for (const x of set) if (a[i++] !== x) return false;
  return true;
}

// Every field of a station record, and whether a row is built from it: adding a field to StationRecord is a
// compile error here until it is classified (and, if the row shows it, compared in sameBase and copied in baseOf).
/** Every field of {@link StationRecord} and its role in a summary row (for the summary memo and its test). */
export const RECORD_FIELDS = {
  number: 'key', heldOut: 'not shown', inService: 'row', busy: 'row', ringingCall: 'row', dnd: 'row', forward: 'row',
  wrapSince: 'row', serviceMark: 'row', idleMs: 'row', busyMs: 'row', wrapMs: 'row', groups: 'row', agentId: 'row',
  available: 'row', agentMark: 'row', loggedInMs: 'row', availMs: 'row', unavailMs: 'row', supervisorOf: 'row',
  handledGroup: 'not shown', wrapGroup: 'not shown',
} as const satisfies Record<keyof StationRecord, 'key' | 'row' | 'not shown'>;

/** True while `b` is a copy of the record's row fields as they are now. */
function sameBase(b: StationBase, st: StationRecord): boolean {
  return (
    b.record === st &&
    b.inService === st.inService && b.busy === st.busy && b.ringingCall === st.ringingCall && b.dnd === st.dnd &&
    b.forward === st.forward && b.wrapSince === st.wrapSince && b.serviceMark === st.serviceMark &&
    b.idleMs === st.idleMs && b.busyMs === st.busyMs && b.wrapMs === st.wrapMs && b.agentId === st.agentId &&
    b.available === st.available && b.agentMark === st.agentMark && b.loggedInMs === st.loggedInMs &&
    b.availMs === st.availMs && b.unavailMs === st.unavailMs &&
    sameMembers(b.agentGroups, st.groups) && sameMembers(b.supervisorOf, st.supervisorOf)
  );
}

/** A frozen copy of the set: `prev` when it holds the same members in the same order. */
function membersOf(set: ReadonlySet<string>, prev: readonly string[] | undefined): readonly string[] {
  if (set.size === 0) return EMPTY;
  return prev !== undefined && sameMembers(prev, set) ? prev : Object.freeze([...set]);
}

/** A new base of the record (its member lists shared with `prev`'s while the same). */
function baseOf(st: StationRecord, prev: StationBase | undefined): StationBase {
  const p = prev?.record === st ? prev : undefined;
  return {
    record: st,
    inService: st.inService,
    busy: st.busy,
    ringingCall: st.ringingCall,
    dnd: st.dnd,
    forward: st.forward,
    wrapSince: st.wrapSince,
    serviceMark: st.serviceMark,
    idleMs: st.idleMs,
    busyMs: st.busyMs,
    wrapMs: st.wrapMs,
    agentId: st.agentId,
    available: st.available,
    agentMark: st.agentMark,
    loggedInMs: st.loggedInMs,
    availMs: st.availMs,
    unavailMs: st.unavailMs,
    agentGroups: membersOf(st.groups, p?.agentGroups),
    supervisorOf: membersOf(st.supervisorOf, p?.supervisorOf),
    timeFree: !st.inService && st.wrapSince === undefined && st.groups.size === 0,
    row: undefined,
    rowAt: 0,
  };
}

/** The base's row at `at` (frozen; the cached one while it is the same). */
function rowAt(b: StationBase, at: number, t: StationTimes): StationSummary {
  if (b.row !== undefined && (b.rowAt === at || b.timeFree)) return b.row;
  stationTimes(b, at, t);
  const row: StationSummary = Object.freeze({
    station: b.record.number,
    state: !b.inService ? 'out-of-service' : b.busy ? 'busy' : 'idle',
    inService: b.inService,
    busy: b.inService && b.busy,
    ringing: b.ringingCall !== undefined,
    dnd: b.dnd,
    forward: b.forward,
    wrap: b.wrapSince !== undefined,
    agentId: b.agentId,
    agentGroups: b.agentGroups,
    available: b.agentGroups.length > 0 && b.available,
    supervisorOf: b.supervisorOf,
    idleTime: secs(t.idle),
    busyTime: secs(t.busy),
    wrapTime: secs(t.wrap),
    loggedInTime: secs(t.loggedIn),
    availTime: secs(t.avail),
    unavailTime: secs(t.unavail),
  });
  b.row = row;
  b.rowAt = at;
  return row;
}

/** The rows of a view (a frozen array). */
function rowsOf(v: StationView): readonly StationSummary[] {
  const rows: StationSummary[] = new Array<StationSummary>(v.count);
  const t: StationTimes = { idle: 0, busy: 0, wrap: 0, loggedIn: 0, avail: 0, unavail: 0 };
  for (let i = 0; i < v.count; i++) rows[i] = rowAt((v.chunks[i >> CHUNK_BITS] as readonly StationBase[])[i & (CHUNK - 1)] as StationBase, v.at, t);
  return Object.freeze(rows);
}

// The ratio formulas of metrics.md §3, shared with every combination of summaries (many sites, many periods:
// parts.ts), which recomputes them from summed raw parts. Each takes whole counts or whole milliseconds, so a
// combination computes exactly what one summary of all the calls would.

/** A mean in seconds (3 decimals) of `totalMs` over `n` calls; 0 while `n` is 0 (ASA, AHT). */
export function meanSeconds(totalMs: number, n: number): number {
  return n === 0 ? 0 : round3(totalMs / n / 1000);
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

/** `byGroup` with `ms` more for group `g` (created at the first positive amount). */
function addOpen(byGroup: Map<string, number> | undefined, g: string, ms: number): Map<string, number> | undefined {
  if (ms <= 0) return byGroup;
  const m = byGroup ?? new Map<string, number>();
  m.set(g, (m.get(g) ?? 0) + ms);
  return m;
}

/**
 * The summary of the state at `at` (metrics.md §3): every figure, open intervals counted up to `at`, frozen. With a
 * `memo` (one per state), the station bases of the previous call are shared while unchanged.
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
  // Open talk and wrap-up of each group's calls (its handle time so far); created only when there is some.
  let openByGroup: Map<string, number> | undefined;
  // Without a memo, a fresh one (every base new, nothing shared).
  const m = memo ?? createSummaryMemo();
  const t: StationTimes = { idle: 0, busy: 0, wrap: 0, loggedIn: 0, avail: 0, unavail: 0 };
  let i = 0;
  for (const st of s.stations.values()) {
    if (st.wrapSince !== undefined && st.wrapGroup !== undefined) openByGroup = addOpen(openByGroup, st.wrapGroup, openMs(at, st.wrapSince));
    const c = i >> CHUNK_BITS;
    const j = i & (CHUNK - 1);
    i++;
    let chunk = m.chunks[c];
    let b = chunk?.[j];
    if (b === undefined || !sameBase(b, st)) {
      b = baseOf(st, b);
      // A chunk a summary holds is copied before its first write (copy on write: summaries never see a change).
      if (chunk === undefined) {
        chunk = [];
        m.chunks[c] = chunk;
        m.owned[c] = true;
      } else if (m.owned[c] !== true) {
        chunk = chunk.slice();
        m.chunks[c] = chunk;
        m.owned[c] = true;
      }
      chunk[j] = b;
    }
    stationTimes(b, at, t);
    idle += t.idle;
    busy += t.busy;
    wrap += t.wrap;
    loggedIn += t.loggedIn;
    avail += t.avail;
    unavail += t.unavail;
    const agent = b.agentGroups.length > 0;
    if (agent && b.available) agentsAvailable++;
    if (agent && b.wrapSince !== undefined) agentsOnWrap++;
  }
  const chunkCount = (i + CHUNK - 1) >> CHUNK_BITS;
  if (m.chunks.length > chunkCount) {
    m.chunks.length = chunkCount;
    m.owned.length = chunkCount;
  }
  m.owned.fill(false);
  const view: StationView = { chunks: m.chunks.slice(), count: i, at, rows: undefined };

  let hold = s.holdMs;
  let talk = s.handleTalkMs;
  let oldestQueued = Infinity;
  const queueByGroup = new Map<string, { count: number; oldest: number }>();
  for (const c of s.calls.values()) {
    if (c.holdSince !== undefined) hold += openMs(at, c.holdSince);
    if (c.direction === 'inbound' && c.answeredAt !== undefined) {
      const open = openMs(at, c.talkMark);
      talk += open;
      if (c.answeredGroup !== undefined) openByGroup = addOpen(openByGroup, c.answeredGroup, open);
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
    groups.push(Object.freeze(row));
  }

  const answered = s.totalAnsweredCalls;
  // The raw parts in whole ms, so the means here and in any combination (parts.ts) are the same quotient.
  const soaMs = Math.round(s.speedOfAnswerMs);
  const handleMs = Math.round(talk + wrap);
  // Built in the order of AcdSummary's fields, `stations` an accessor (see STATIONS): a literal with a getter is
  // an object in dictionary mode (slow to build and to read), a property defined on a literal keeps its shape.
  const summary: Omit<AcdSummary, 'stations' | 'coverage'> = {
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
    groups: Object.freeze(groups),
  };
  Object.defineProperty(summary, 'stations', STATIONS);
  (summary as { coverage?: CoverageSummary }).coverage = coverageSummary(s);
  Object.defineProperty(summary, VIEW, { value: view });
  return Object.freeze(summary as AcdSummary);
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

/** True when two views' rows are equal, built or not: a shared base at one instant is one row; else the rows' fields. */
function sameViews(a: StationView, b: StationView): boolean {
  if (a.count !== b.count) return false;
  const sameAt = a.at === b.at;
  const ta = VIEW_TIMES[0];
  const tb = VIEW_TIMES[1];
  for (let c = 0; c < a.chunks.length; c++) {
    const ca = a.chunks[c] as readonly StationBase[];
    const cb = b.chunks[c] as readonly StationBase[];
    if (ca === cb && sameAt) continue;
    const n = Math.min(CHUNK, a.count - c * CHUNK);
    for (let j = 0; j < n; j++) {
      const x = ca[j] as StationBase;
      const y = cb[j] as StationBase;
      if (x === y && (sameAt || x.timeFree)) continue;
      if (x !== y && !(
        x.record.number === y.record.number && x.inService === y.inService && (x.inService && x.busy) === (y.inService && y.busy) &&
        (x.ringingCall !== undefined) === (y.ringingCall !== undefined) && x.dnd === y.dnd && x.forward === y.forward &&
        (x.wrapSince !== undefined) === (y.wrapSince !== undefined) && x.agentId === y.agentId &&
        (x.agentGroups.length > 0 && x.available) === (y.agentGroups.length > 0 && y.available) &&
        sameStrings(x.agentGroups, y.agentGroups) && sameStrings(x.supervisorOf, y.supervisorOf)
      )) return false;
      stationTimes(x, a.at, ta);
      stationTimes(y, b.at, tb);
      if (
        secs(ta.idle) !== secs(tb.idle) || secs(ta.busy) !== secs(tb.busy) || secs(ta.wrap) !== secs(tb.wrap) ||
        secs(ta.loggedIn) !== secs(tb.loggedIn) || secs(ta.avail) !== secs(tb.avail) || secs(ta.unavail) !== secs(tb.unavail)
      ) return false;
    }
  }
  return true;
}

/** Scratch times of {@link sameViews}. */
const VIEW_TIMES: readonly [StationTimes, StationTimes] = [
  { idle: 0, busy: 0, wrap: 0, loggedIn: 0, avail: 0, unavail: 0 },
  { idle: 0, busy: 0, wrap: 0, loggedIn: 0, avail: 0, unavail: 0 },
];

/** True when two summaries' station rows are equal: from their views when both have one, else row by row. */
function sameStations(a: AcdSummary & Viewed, b: AcdSummary & Viewed): boolean {
  const va = a[VIEW];
  const vb = b[VIEW];
  if (va !== undefined && vb !== undefined) return sameViews(va, vb);
  return sameRows(a.stations, b.stations, sameStation);
}

/**
 * True when two summaries carry the same figures (their `at` aside): the summary stream never repeats one. The
 * station rows of two summaries built by {@link summarize} are compared without building them.
 */
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
    sameRows(a.groups, b.groups, sameGroup) && sameStations(a, b) &&
    sameCoverage(a.coverage, b.coverage)
  );
}
