// The summary (metrics.md §3): a fresh, immutable snapshot of the state at an instant, with the open intervals
// counted up to that instant.

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

function stationTimes(st: StationRecord, at: number): StationTimes {
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
  return { idle, busy, wrap, loggedIn, avail, unavail };
}

/** The summary of the state at `at` (metrics.md §3): every figure, open intervals counted up to `at`. */
export function summarize(state: MetricsState, at: number): AcdSummary {
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
  for (const st of s.stations.values()) {
    const t = stationTimes(st, at);
    idle += t.idle;
    busy += t.busy;
    wrap += t.wrap;
    loggedIn += t.loggedIn;
    avail += t.avail;
    unavail += t.unavail;
    const agent = st.groups.size > 0;
    if (agent && st.available) agentsAvailable++;
    if (agent && st.wrapSince !== undefined) agentsOnWrap++;
    stations.push({
      station: st.number,
      state: !st.inService ? 'out-of-service' : st.busy ? 'busy' : 'idle',
      inService: st.inService,
      busy: st.inService && st.busy,
      ringing: st.ringingCall !== undefined,
      dnd: st.dnd,
      forward: st.forward,
      wrap: st.wrapSince !== undefined,
      agentId: st.agentId,
      agentGroups: [...st.groups],
      available: agent && st.available,
      supervisorOf: [...st.supervisorOf],
      idleTime: secs(t.idle),
      busyTime: secs(t.busy),
      wrapTime: secs(t.wrap),
      loggedInTime: secs(t.loggedIn),
      availTime: secs(t.avail),
      unavailTime: secs(t.unavail),
    });
  }

  let hold = s.holdMs;
  let talk = s.handleTalkMs;
  let oldestQueued = Infinity;
  const queueByGroup = new Map<string, { count: number; oldest: number }>();
  for (const c of s.calls.values()) {
    if (c.holdSince !== undefined) hold += openMs(at, c.holdSince);
    if (c.direction === 'inbound' && c.answeredAt !== undefined) talk += openMs(at, c.talkMark);
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
    groups.push({
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
    });
  }

  const answered = s.totalAnsweredCalls;
  const slDivisor = answered + s.totalAbandonedCalls - s.shortAbandons;
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
    averageSpeedOfAnswer: answered === 0 ? 0 : round(s.speedOfAnswerMs / answered / 1000, 3),
    averageHandleTime: answered === 0 ? 0 : round((talk + wrap) / answered / 1000, 3),
    abandonRate: s.totalInboundCalls === 0 ? 0 : s.totalAbandonedCalls / s.totalInboundCalls,
    shortAbandons: s.shortAbandons,
    serviceLevel: slDivisor <= 0 ? null : s.answeredWithinServiceLevel / slDivisor,
    expiredCalls: s.expiredCalls,
    periodStart: s.periodStart,
    at,
    groups,
    stations,
  };
}

/** Deep equality of plain data (summaries are plain data). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** True when two summaries carry the same figures (their `at` aside): the summary stream never repeats one. */
export function sameFigures(a: AcdSummary, b: AcdSummary): boolean {
  return deepEqual({ ...a, at: 0 }, { ...b, at: 0 });
}

