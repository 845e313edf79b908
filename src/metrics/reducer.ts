// The metrics reducer: metrics.md §2 (entities and states), §4 (reset) and §5 (transitions), event by event.
//
// One rule per branch, in the words of metrics.md. Durations use `at` only. The state is updated in place and
// returned (see types.ts); `lastChanges` lists the transitions of the last input.
//
// Late reports (§2): an ended call's keys stay in `lateKeys` for `metrics.lateReportSeconds`. `matchCall` treats an
// event naming such a key (and no open call) as late: it matches nothing, so it changes no call figure, and the 67
// that would create an outbound call creates none. 3 and 41 do not look at the window: they always create.

import type { AcdEvent, Party } from '../protocol/acd-event.js';
import { numericField } from '../protocol/acd-event.js';
import { acdGroupField, normalizeGroup } from '../protocol/group.js';
import type { MetricsConfig } from '../config/config.js';
import type {
  CallDirection,
  CallEntity,
  CallRecord,
  Change,
  ChangeKind,
  GroupRecord,
  MetricsInput,
  MetricsState,
  StationRecord,
} from './types.js';
import { applyGap, applySeed, initialCoverage, noteCoverage, resetCoverage } from './coverage.js';

const NO_CHANGES: readonly Change[] = Object.freeze([]);

/** Expired calls are looked for at least this often, even without ticks (memory stays bounded). */
const SWEEP_EVERY_MS = 60_000;

/** A fresh state for a period starting at `at` (connect). */
export function initialMetricsState(config: MetricsConfig, at: number): MetricsState {
  return {
    config,
    periodStart: at,
    at,
    stations: new Map(),
    trunks: new Map(),
    calls: new Map(),
    callByTrunk: new Map(),
    callByStation: new Map(),
    lateKeys: new Map(),
    latePrunedAt: at,
    groups: new Map(),
    stationsConnected: 0,
    busyStations: 0,
    agentsLoggedIn: 0,
    activeCalls: 0,
    callsInQueue: 0,
    totalInboundCalls: 0,
    totalAnsweredCalls: 0,
    totalAbandonedCalls: 0,
    totalOutboundCalls: 0,
    shortAbandons: 0,
    answeredWithinServiceLevel: 0,
    speedOfAnswerMs: 0,
    handleTalkMs: 0,
    holdMs: 0,
    expiredCalls: 0,
    expiredCallsTotal: 0,
    lastSweep: at,
    version: 0,
    lastChanges: NO_CHANGES,
    coverage: initialCoverage(at),
  };
}

// ---- the per-input context: changes are collected, figures filled in after the whole input ----

interface MutableChange {
  kind: ChangeKind;
  event: AcdEvent;
  entity: unknown;
  figure: number;
}

function emit(s: MetricsState, kind: ChangeKind, event: AcdEvent, entity: unknown): void {
  const list = s.lastChanges === NO_CHANGES ? [] : (s.lastChanges as unknown as MutableChange[]);
  list.push({ kind, event, entity, figure: 0 });
  s.lastChanges = list as unknown as readonly Change[];
}

function figureOf(s: MetricsState, kind: ChangeKind): number {
  switch (kind) {
    case 'newCall':
      return s.totalInboundCalls;
    case 'callDisconnected':
      return s.activeCalls;
    case 'callAnswered':
      return s.totalAnsweredCalls;
    case 'callWaiting':
      return s.callsInQueue;
    case 'agentLoggedIn':
    case 'agentLoggedOut':
      return s.agentsLoggedIn;
    case 'stationConnected':
    case 'stationDisconnected':
      return s.stationsConnected;
    case 'stationBusy':
      return s.busyStations;
  }
}

// ---- stations ----

/** A station record first seen at `at`: out of service, no flags, no agent. */
export function newStation(number: string, at: number): StationRecord {
  return {
    number,
    inService: false,
    heldOut: false,
    busy: false,
    ringingCall: undefined,
    dnd: false,
    forward: false,
    wrapSince: undefined,
    serviceMark: at,
    idleMs: 0,
    busyMs: 0,
    wrapMs: 0,
    groups: new Set(),
    agentId: '',
    available: false,
    agentMark: at,
    loggedInMs: 0,
    availMs: 0,
    unavailMs: 0,
    supervisorOf: new Set(),
    handledGroup: undefined,
    wrapGroup: undefined,
  };
}

/** Closes the open idle/busy interval at `at` (and opens the next one there). */
function closeService(st: StationRecord, at: number): void {
  if (st.inService) {
    const d = at - st.serviceMark;
    if (d > 0) {
      if (st.busy) st.busyMs += d;
      else st.idleMs += d;
    }
  }
  st.serviceMark = at;
}

/** Closes the open logged-in/available/unavailable interval at `at`. */
function closeAgent(st: StationRecord, at: number): void {
  if (st.groups.size > 0) {
    const d = at - st.agentMark;
    if (d > 0) {
      st.loggedInMs += d;
      if (st.available) st.availMs += d;
      else st.unavailMs += d;
    }
  }
  st.agentMark = at;
}

function endWrap(s: MetricsState, st: StationRecord, at: number): void {
  if (st.wrapSince === undefined) return;
  const d = at - st.wrapSince;
  if (d > 0) {
    st.wrapMs += d;
    if (st.wrapGroup !== undefined) groupRecord(s, st.wrapGroup).wrapMs += d;
  }
  st.wrapSince = undefined;
  st.wrapGroup = undefined;
  s.version++;
}

function enterService(s: MetricsState, st: StationRecord, at: number, ev: AcdEvent): void {
  st.heldOut = false;
  if (st.inService) return;
  st.inService = true;
  st.busy = false; // a station entering service is idle
  st.serviceMark = at;
  s.stationsConnected++;
  s.version++;
  emit(s, 'stationConnected', ev, { station: st.number });
}

function leaveService(s: MetricsState, st: StationRecord, at: number, ev: AcdEvent): void {
  st.heldOut = true;
  if (!st.inService) return;
  closeService(st, at);
  if (st.busy) s.busyStations--;
  st.busy = false;
  st.inService = false;
  s.stationsConnected--;
  s.version++;
  emit(s, 'stationDisconnected', ev, { station: st.number });
}

/** The station record, registering a never-seen station as in service (implicit registration, §2). */
function seen(s: MetricsState, number: string, at: number, ev: AcdEvent): StationRecord {
  let st = s.stations.get(number);
  if (st === undefined) {
    st = newStation(number, at);
    s.stations.set(number, st);
    enterService(s, st, at, ev);
  }
  return st;
}

/** The station record without implicit registration (81–84 decide the service state themselves). */
function tracked(s: MetricsState, number: string, at: number): StationRecord {
  let st = s.stations.get(number);
  if (st === undefined) {
    st = newStation(number, at);
    s.stations.set(number, st);
    s.version++;
  }
  return st;
}

function setBusy(s: MetricsState, st: StationRecord, busy: boolean, at: number, ev: AcdEvent): void {
  if (st.busy === busy) return;
  closeService(st, at);
  st.busy = busy;
  s.version++;
  if (!st.inService) return;
  if (busy) {
    s.busyStations++;
    emit(s, 'stationBusy', ev, { station: st.number });
  } else {
    s.busyStations--;
  }
}

/** Sets a station's DND (19/20) or call-forward (21/22) flag. */
function setFlag(s: MetricsState, st: StationRecord, flag: 'dnd' | 'forward', on: boolean): void {
  if (st[flag] === on) return;
  st[flag] = on;
  s.version++;
}

function stopRinging(s: MetricsState, st: StationRecord): void {
  if (st.ringingCall === undefined) return;
  const call = s.calls.get(st.ringingCall);
  if (call !== undefined && call.ringingStation === st.number) call.ringingStation = undefined;
  st.ringingCall = undefined;
  s.version++;
}

function stopRingingAt(s: MetricsState, number: string): void {
  const st = s.stations.get(number);
  if (st !== undefined) stopRinging(s, st);
}

// ---- agents ----

function groupRecord(s: MetricsState, group: string): GroupRecord {
  let g = s.groups.get(group);
  if (g === undefined) {
    g = {
      group, agents: new Set(), supervisors: new Set(), inbound: 0, answered: 0, abandoned: 0, shortAbandons: 0,
      answeredWithinServiceLevel: 0, speedOfAnswerMs: 0, handleTalkMs: 0, wrapMs: 0,
    };
    s.groups.set(group, g);
    s.version++; // a new row of the per-group breakdown
  }
  return g;
}

function agentLogin(s: MetricsState, st: StationRecord, rawGroup: string, agentId: string, at: number, ev: AcdEvent): void {
  const group = normalizeGroup(rawGroup);
  if (group === '' || st.groups.has(group)) return;
  const wasLoggedIn = st.groups.size > 0;
  closeAgent(st, at);
  st.groups.add(group);
  groupRecord(s, group).agents.add(st.number);
  if (agentId !== '') st.agentId = agentId;
  s.version++;
  if (wasLoggedIn) return;
  st.available = true; // an agent is available at login
  s.agentsLoggedIn++;
  emit(s, 'agentLoggedIn', ev, { station: st.number, group, agentId: st.agentId });
}

function agentLogout(s: MetricsState, st: StationRecord, group: string, at: number, ev: AcdEvent): void {
  if (!st.groups.has(group)) return;
  closeAgent(st, at);
  st.groups.delete(group);
  s.groups.get(group)?.agents.delete(st.number);
  s.version++;
  if (st.groups.size > 0) return;
  s.agentsLoggedIn--;
  endWrap(s, st, at); // logout from the last group ends wrap-up
  emit(s, 'agentLoggedOut', ev, { station: st.number, group, agentId: st.agentId });
}

function setAvailable(s: MetricsState, st: StationRecord, available: boolean, at: number): void {
  if (st.groups.size === 0 || st.available === available) return;
  closeAgent(st, at);
  st.available = available;
  s.version++;
}

// ---- calls ----

function callEntity(c: CallRecord): CallEntity {
  const e: { key: string; direction: 'inbound' | 'outbound'; trunk?: string; station?: string; group?: string } = {
    key: c.key,
    direction: c.direction === 'outbound' ? 'outbound' : 'inbound',
  };
  if (c.trunk !== undefined) e.trunk = c.trunk;
  const station = c.station ?? c.ringingStation;
  if (station !== undefined) e.station = station;
  if (c.group !== undefined) e.group = c.group;
  return e;
}

function createCall(s: MetricsState, key: string, direction: CallDirection, at: number): CallRecord {
  const c: CallRecord = {
    key,
    direction,
    createdAt: at,
    trunk: undefined,
    station: undefined,
    ringingStation: undefined,
    peer: undefined,
    group: undefined,
    groupCounted: false,
    queueGroup: undefined,
    queuedAt: at,
    answeredAt: undefined,
    answeredGroup: undefined,
    talkMark: at,
    holdSince: undefined,
  };
  s.calls.set(key, c);
  s.version++;
  if (direction !== 'internal') s.activeCalls++;
  return c;
}

function setTrunk(s: MetricsState, c: CallRecord, trunk: string | undefined): void {
  if (trunk === undefined) return;
  c.trunk = trunk;
  s.callByTrunk.set(trunk, c);
}

function setStation(s: MetricsState, c: CallRecord, station: string): void {
  if (c.station !== undefined && c.station !== station && s.callByStation.get(c.station) === c) s.callByStation.delete(c.station);
  c.station = station;
  s.callByStation.set(station, c);
  s.version++;
}

function setGroup(s: MetricsState, c: CallRecord, group: string | undefined): void {
  if (group === undefined || c.group !== undefined) return;
  c.group = group;
  s.version++;
  if (c.direction === 'inbound' && !c.groupCounted) {
    c.groupCounted = true;
    groupRecord(s, group).inbound++;
  }
}

function closeHold(s: MetricsState, c: CallRecord, at: number): void {
  if (c.holdSince === undefined) return;
  const d = at - c.holdSince;
  if (d > 0) s.holdMs += d;
  c.holdSince = undefined;
  s.version++;
}

function dequeue(s: MetricsState, c: CallRecord): void {
  if (c.queueGroup === undefined) return;
  c.queueGroup = undefined;
  s.callsInQueue--;
  s.version++;
}

/** Forgets a call: indexes, queue, ringing station. Hold is closed by the caller. */
function forget(s: MetricsState, c: CallRecord): void {
  dequeue(s, c);
  if (c.trunk !== undefined && s.callByTrunk.get(c.trunk) === c) s.callByTrunk.delete(c.trunk);
  if (c.station !== undefined && s.callByStation.get(c.station) === c) s.callByStation.delete(c.station);
  if (c.ringingStation !== undefined) {
    if (s.callByStation.get(c.ringingStation) === c) s.callByStation.delete(c.ringingStation);
    const st = s.stations.get(c.ringingStation);
    if (st !== undefined && st.ringingCall === c.key) st.ringingCall = undefined;
  }
  s.calls.delete(c.key);
  if (c.direction !== 'internal') s.activeCalls--;
  s.version++;
}

/** Remembers an ended call's key (and its trunk's) for the late-report window (§2). */
function rememberEnded(s: MetricsState, c: CallRecord, at: number): void {
  const late = s.lateKeys;
  // Re-inserted so the map stays in end order (the oldest first, for pruning).
  late.delete(c.key);
  late.set(c.key, at);
  if (c.trunk === undefined) return;
  const trunkKey = `co:${c.trunk}`; // built once (each Map operation on a fresh template string flattens and hashes it)
  if (c.key === trunkKey) return;
  late.delete(trunkKey);
  late.set(trunkKey, at);
}

/** Drops the ended keys whose window has passed (the map is in end order). */
function pruneLate(s: MetricsState, at: number): void {
  s.latePrunedAt = at;
  const windowMs = s.config.lateReportSeconds * 1000;
  for (const [key, end] of s.lateKeys) {
    if (at - end <= windowMs) break;
    s.lateKeys.delete(key);
  }
}

/** True when `key` names a call that ended within the late-report window (`≤`). */
function isLate(s: MetricsState, key: string, at: number): boolean {
  const end = s.lateKeys.get(key);
  return end !== undefined && at - end <= s.config.lateReportSeconds * 1000;
}

function endCall(s: MetricsState, c: CallRecord, at: number, ev: AcdEvent): void {
  closeHold(s, c, at);
  if (c.direction === 'inbound') {
    if (c.answeredAt !== undefined) {
      const d = at - c.talkMark;
      if (d > 0) {
        s.handleTalkMs += d;
        if (c.answeredGroup !== undefined) groupRecord(s, c.answeredGroup).handleTalkMs += d;
      }
    } else {
      const g = c.group === undefined ? undefined : groupRecord(s, c.group);
      // an inbound call that ends unanswered is abandoned
      const short = at - c.createdAt <= s.config.shortAbandonSeconds * 1000;
      s.totalAbandonedCalls++;
      if (short) s.shortAbandons++;
      if (g !== undefined) {
        g.abandoned++;
        if (short) g.shortAbandons++;
      }
    }
  }
  forget(s, c);
  rememberEnded(s, c, at);
  if (c.direction !== 'internal') emit(s, 'callDisconnected', ev, callEntity(c));
}

function trunkOf(ev: AcdEvent): string | undefined {
  if (ev.source?.type === 'co') return ev.source.number;
  if (ev.dest?.type === 'co') return ev.dest.number;
  return undefined;
}

function stationParty(p: Party | undefined): string | undefined {
  return p?.type === 'station' ? p.number : undefined;
}

/**
 * The open call an event names: by callRefId; else (no callRefId) the open call on its trunk, then the open
 * call ringing at or connected to its station. An event with a callRefId that no open call has matches only a
 * call its trunk created without one (`co:<n>`). A late report (§2) matches nothing: a callRefId, or (without
 * one) a trunk with no open call, that names a call ended within the window.
 */
function matchCall(s: MetricsState, ev: AcdEvent): CallRecord | undefined {
  const id = ev.callRefId;
  const at = ev.at;
  if (id !== undefined) {
    const key = String(id);
    const c = s.calls.get(key);
    if (c !== undefined) return c;
    if (isLate(s, key, at)) return undefined;
  }
  const trunk = trunkOf(ev);
  if (trunk !== undefined) {
    const c = s.callByTrunk.get(trunk);
    if (c !== undefined && (id === undefined || c.key.startsWith('co:'))) return c;
    if (id === undefined && isLate(s, `co:${trunk}`, at)) return undefined;
  }
  if (id !== undefined) return undefined;
  return callAtStation(s, stationParty(ev.source)) ?? callAtStation(s, stationParty(ev.dest));
}

/** The open call ringing at or connected to a station (the latest). */
function callAtStation(s: MetricsState, n: string | undefined): CallRecord | undefined {
  if (n === undefined) return undefined;
  const c = s.callByStation.get(n);
  // The index may still name a call the station no longer has (rung elsewhere, answered by another): open calls only.
  if (c !== undefined && s.calls.get(c.key) === c && (c.station === n || c.ringingStation === n)) return c;
  // The index entry went with another call (an internal call that ended, a transfer): look for one still there.
  let found: CallRecord | undefined;
  for (const x of s.calls.values()) if (x.station === n || x.ringingStation === n) found = x;
  if (found !== undefined) s.callByStation.set(n, found);
  return found;
}

/**
 * The open internal call of the stations a 43 names (§2: a 43 that names no trunk ends only such a call): the
 * latest one involving both, else the latest involving either.
 */
function internalCallOf(s: MetricsState, a: string | undefined, b: string | undefined): CallRecord | undefined {
  if (a === undefined && b === undefined) return undefined;
  let either: CallRecord | undefined;
  let both: CallRecord | undefined;
  for (const c of s.calls.values()) {
    if (c.direction !== 'internal') continue;
    const has = (n: string | undefined): boolean => n !== undefined && (c.station === n || c.peer === n || c.ringingStation === n);
    const hasA = has(a);
    const hasB = has(b);
    if (hasA && hasB) both = c;
    else if (hasA || hasB) either = c;
  }
  return both ?? either;
}

// ---- the event handlers ----

function onEvent(s: MetricsState, ev: AcdEvent): void {
  const at = ev.at;
  const code = ev.code;
  const src = stationParty(ev.source);
  const dst = stationParty(ev.dest);

  // Implicit registration first (§2): a station named by an event other than 81–84, whose own effect decides.
  const serviceCode = code >= 81 && code <= 84;
  if (!serviceCode) {
    if (src !== undefined) seen(s, src, at, ev);
    if (dst !== undefined) seen(s, dst, at, ev);
  }
  const st = src === undefined ? undefined : serviceCode ? tracked(s, src, at) : seen(s, src, at, ev);

  switch (code) {
    case 1: {
      const t = trunkOf(ev);
      if (t !== undefined) setTrunkState(s, t, 'busy');
      return;
    }
    case 2: {
      const t = ev.source?.type === 'co' ? ev.source.number : trunkOf(ev);
      if (t === undefined) return;
      setTrunkState(s, t, 'idle');
      const c = s.callByTrunk.get(t);
      if (c !== undefined) endCall(s, c, at, ev);
      return;
    }
    case 3:
      onInRing(s, ev, at);
      return;
    case 11:
    case 25:
      if (st !== undefined) agentLogin(s, st, ev.data1, ev.data2, at, ev);
      return;
    case 12:
    case 26:
      if (st !== undefined) agentLogout(s, st, normalizeGroup(ev.data1), at, ev);
      return;
    case 13:
      if (st !== undefined) setAvailable(s, st, false, at);
      return;
    case 14:
      if (st !== undefined) setAvailable(s, st, true, at);
      return;
    case 15:
      if (st !== undefined && st.wrapSince === undefined) {
        st.wrapSince = at;
        st.wrapGroup = st.handledGroup; // the wrap-up after a call is that call's group's handle time
        s.version++;
      }
      return;
    case 16:
      if (st !== undefined) endWrap(s, st, at);
      return;
    case 17:
      if (st !== undefined) {
        stopRinging(s, st);
        setBusy(s, st, true, at, ev);
      }
      return;
    case 18:
      if (st !== undefined) {
        stopRinging(s, st);
        setBusy(s, st, false, at, ev);
      }
      return;
    case 19:
    case 20:
      if (st !== undefined) setFlag(s, st, 'dnd', code === 19);
      return;
    case 21:
    case 22:
      if (st !== undefined) setFlag(s, st, 'forward', code === 21);
      return;
    case 23:
    case 24: {
      const g = normalizeGroup(ev.data1);
      if (st === undefined || g === '') return;
      if (code === 23 && !st.supervisorOf.has(g)) {
        st.supervisorOf.add(g);
        groupRecord(s, g).supervisors.add(st.number);
        s.version++;
      } else if (code === 24 && st.supervisorOf.has(g)) {
        st.supervisorOf.delete(g);
        s.groups.get(g)?.supervisors.delete(st.number);
        s.version++;
      }
      return;
    }
    case 41:
    case 67:
      onSeize(s, ev, at, src, dst);
      return;
    case 42:
      onAnswer(s, ev, at, src, dst);
      return;
    case 43: {
      // Matched to the open call on the trunk it names; one naming no trunk ends only an internal call of its
      // stations, never a call ringing at or connected to them (§2). (The spec gives 43 no callRefId; one that
      // carries it anyway is matched by it.)
      const trunk = trunkOf(ev);
      const c = ev.callRefId !== undefined ? matchCall(s, ev) : trunk !== undefined ? s.callByTrunk.get(trunk) : internalCallOf(s, src, dst);
      if (c !== undefined) endCall(s, c, at, ev);
      return;
    }
    case 44: {
      if (numericField(ev.data1) === 3) {
        // a conference leg leaving: the call goes on, but a 44 still closes its hold interval
        const c = matchCall(s, ev);
        if (c !== undefined) closeHold(s, c, at);
        return;
      }
      if (src !== undefined) stopRingingAt(s, src);
      if (dst !== undefined) stopRingingAt(s, dst);
      const c = matchCall(s, ev);
      if (c !== undefined) endCall(s, c, at, ev);
      return;
    }
    case 49: {
      const c = matchCall(s, ev);
      if (c !== undefined && c.holdSince === undefined) {
        c.holdSince = at;
        s.version++;
      }
      return;
    }
    case 50: {
      const c = matchCall(s, ev);
      if (c !== undefined) closeHold(s, c, at);
      return;
    }
    case 62:
      onQueue(s, ev, at);
      return;
    case 66:
      if (st !== undefined) onStationRing(s, ev, st);
      return;
    case 70: {
      const c = matchCall(s, ev);
      if (c !== undefined && dst !== undefined) {
        setStation(s, c, dst); // after 70 the call belongs to the destination
        if (c.direction === 'inbound' && c.group !== undefined) tracked(s, dst, at).handledGroup = c.group;
      }
      return;
    }
    case 81:
    case 84:
      if (st !== undefined) enterService(s, st, at, ev);
      return;
    case 82:
      if (st === undefined) return;
      for (const g of [...st.groups]) agentLogout(s, st, g, at, ev); // 82 logs the agent out of every group
      endWrap(s, st, at);
      leaveService(s, st, at, ev);
      return;
    case 83:
      if (st !== undefined) leaveService(s, st, at, ev);
      return;
    default:
      return; // 58 (transfer hold is not hold), informational and unknown codes: no figure
  }
}

function setTrunkState(s: MetricsState, number: string, state: 'busy' | 'idle' | 'ringing'): void {
  const t = s.trunks.get(number);
  if (t === undefined) s.trunks.set(number, { number, state });
  else t.state = state;
}

function onInRing(s: MetricsState, ev: AcdEvent, at: number): void {
  const trunk = ev.source?.type === 'co' ? ev.source.number : trunkOf(ev);
  if (trunk !== undefined) setTrunkState(s, trunk, 'ringing');
  const key = ev.callRefId !== undefined ? String(ev.callRefId) : trunk !== undefined ? `co:${trunk}` : undefined;
  if (key === undefined) return;
  let c = s.calls.get(key);
  if (c === undefined) {
    // the first 3 for its key creates the inbound call; later 3s (group ring, UCD ring) are the same call
    c = createCall(s, key, 'inbound', at);
    s.totalInboundCalls++;
    setTrunk(s, c, trunk);
    setGroup(s, c, acdGroupField(ev.data1));
    emit(s, 'newCall', ev, callEntity(c));
    return;
  }
  if (c.trunk === undefined) setTrunk(s, c, trunk);
  setGroup(s, c, acdGroupField(ev.data1));
}

function onSeize(s: MetricsState, ev: AcdEvent, at: number, src: string | undefined, dst: string | undefined): void {
  if (src === undefined) return;
  const coDest = ev.dest?.type === 'co' ? ev.dest.number : undefined;
  if (coDest !== undefined) {
    // outbound: station source, CO destination, once per key
    const key = ev.callRefId !== undefined ? String(ev.callRefId) : `co:${coDest}`;
    const c = s.calls.get(key);
    // A 67 naming a call ended within the window is a late report (the final digits); a 41 always creates.
    if (c === undefined && ev.code === 67 && isLate(s, key, at)) return;
    if (c === undefined) {
      const n = createCall(s, key, 'outbound', at);
      s.totalOutboundCalls++;
      setTrunk(s, n, coDest);
      setStation(s, n, src);
    } else if (c.direction === 'internal') {
      c.direction = 'outbound';
      s.activeCalls++;
      s.totalOutboundCalls++;
      setTrunk(s, c, coDest);
      s.version++;
    }
    return;
  }
  if (ev.code === 41 && dst !== undefined && ev.callRefId !== undefined) {
    // internal (station to station): tracked for hold, counted in no total
    const key = String(ev.callRefId);
    if (!s.calls.has(key)) {
      const c = createCall(s, key, 'internal', at);
      c.peer = dst;
      setStation(s, c, src);
    }
  }
}

function onAnswer(s: MetricsState, ev: AcdEvent, at: number, src: string | undefined, dst: string | undefined): void {
  const c = matchCall(s, ev);
  if (c === undefined) return;
  closeHold(s, c, at);
  dequeue(s, c);
  const ringing = c.ringingStation;
  const answering = ringing !== undefined && (ringing === src || ringing === dst) ? ringing : (dst ?? src);
  if (ringing !== undefined) {
    const r = s.stations.get(ringing);
    if (r !== undefined) stopRinging(s, r);
    c.ringingStation = undefined;
  }
  if (answering !== undefined && c.station !== answering) setStation(s, c, answering);
  if (c.direction !== 'inbound' || c.answeredAt !== undefined) return;
  // the first 42 on an inbound call answers it
  c.answeredAt = at;
  c.talkMark = at;
  s.totalAnsweredCalls++;
  const speed = at - c.createdAt;
  const within = speed <= s.config.serviceLevelSeconds * 1000;
  s.speedOfAnswerMs += speed;
  if (within) s.answeredWithinServiceLevel++;
  if (c.group !== undefined) {
    const g = groupRecord(s, c.group);
    c.answeredGroup = c.group;
    g.answered++;
    g.speedOfAnswerMs += speed;
    if (within) g.answeredWithinServiceLevel++;
    if (c.station !== undefined) tracked(s, c.station, at).handledGroup = c.group;
  }
  s.version++;
  emit(s, 'callAnswered', ev, callEntity(c));
}

function onQueue(s: MetricsState, ev: AcdEvent, at: number): void {
  const c = matchCall(s, ev);
  const g = acdGroupField(ev.data1);
  if (c === undefined || c.direction !== 'inbound' || g === undefined) return;
  setGroup(s, c, g);
  if (c.queueGroup !== undefined) {
    if (c.queueGroup !== g) {
      c.queueGroup = g;
      s.version++;
    }
    return;
  }
  c.queueGroup = g;
  c.queuedAt = at;
  s.callsInQueue++;
  s.version++;
  emit(s, 'callWaiting', ev, callEntity(c));
}

function onStationRing(s: MetricsState, ev: AcdEvent, st: StationRecord): void {
  const c = matchCall(s, ev);
  if (c === undefined) {
    const key = ev.callRefId === undefined ? '' : String(ev.callRefId);
    if (st.ringingCall !== key) {
      st.ringingCall = key;
      s.version++;
    }
    return;
  }
  dequeue(s, c); // a queued call leaves the queue when it rings a station
  if (c.ringingStation !== undefined && c.ringingStation !== st.number) {
    const prev = s.stations.get(c.ringingStation);
    if (prev !== undefined && prev.ringingCall === c.key) prev.ringingCall = undefined;
    if (s.callByStation.get(c.ringingStation) === c && c.station !== c.ringingStation) s.callByStation.delete(c.ringingStation);
  }
  c.ringingStation = st.number;
  st.ringingCall = c.key;
  s.callByStation.set(st.number, c);
  setGroup(s, c, acdGroupField(ev.data1));
  s.version++;
}

// ---- ticks, expiry and the reset ----

function sweepExpired(s: MetricsState, at: number): void {
  s.lastSweep = at;
  const maxAge = s.config.maxCallAgeMs;
  for (const c of s.calls.values()) {
    if (at - c.createdAt <= maxAge) continue;
    closeHold(s, c, at);
    forget(s, c);
    s.expiredCalls++;
    s.expiredCallsTotal++;
  }
}

/** Splits every open interval at `at`: the part before stays in the closing period (§4). */
function reset(s: MetricsState, at: number): void {
  s.periodStart = at;
  for (const st of s.stations.values()) {
    st.serviceMark = at;
    st.agentMark = at;
    if (st.wrapSince !== undefined) st.wrapSince = at;
    st.idleMs = 0;
    st.busyMs = 0;
    st.wrapMs = 0;
    st.loggedInMs = 0;
    st.availMs = 0;
    st.unavailMs = 0;
  }
  for (const c of s.calls.values()) {
    if (c.holdSince !== undefined) c.holdSince = at;
    c.talkMark = at;
  }
  for (const g of s.groups.values()) {
    g.inbound = 0;
    g.answered = 0;
    g.abandoned = 0;
    g.shortAbandons = 0;
    g.answeredWithinServiceLevel = 0;
    g.speedOfAnswerMs = 0;
    g.handleTalkMs = 0;
    g.wrapMs = 0;
  }
  s.totalInboundCalls = 0;
  s.totalAnsweredCalls = 0;
  s.totalAbandonedCalls = 0;
  s.totalOutboundCalls = 0;
  s.shortAbandons = 0;
  s.answeredWithinServiceLevel = 0;
  s.speedOfAnswerMs = 0;
  s.handleTalkMs = 0;
  s.holdMs = 0;
  s.expiredCalls = 0;
  resetCoverage(s);
  s.version++;
}

/**
 * Applies one input to the state (metrics.md §2, §4) and returns it, with `lastChanges` the transitions it
 * caused (§5), each carrying the figure as it stands after the whole input. Never throws on any event.
 */
export function reduceMetrics(state: MetricsState, input: MetricsInput): MetricsState {
  if (!('kind' in input)) return reduceEvent(state, input);
  const s = state;
  s.lastChanges = NO_CHANGES;
  const at = input.at;
  if (at > s.at) s.at = at;
  if (s.lateKeys.size > 0 && at - s.latePrunedAt >= 1000) pruneLate(s, at);
  if (input.kind === 'reset') reset(s, at);
  else if (input.kind === 'seed') applySeed(s, input, newStation);
  else if (input.kind === 'gap') {
    applyGap(s, input);
    // Nothing ran across a restart: its time is counted nowhere (once, whether the restore already did it or not).
    if (input.cause === 'restart') resumeAfterGap(s, input.from, input.to);
  }
  else sweepExpired(s, at);
  return s;
}

/** {@link reduceMetrics} of an ACD event (for a caller that knows its input is one: no test of its kind). */
export function reduceEvent(state: MetricsState, ev: AcdEvent): MetricsState {
  const s = state;
  s.lastChanges = NO_CHANGES;
  const at = ev.at;
  if (at > s.at) s.at = at;
  if (s.lateKeys.size > 0 && at - s.latePrunedAt >= 1000) pruneLate(s, at);
  if (at - s.lastSweep >= SWEEP_EVERY_MS && s.calls.size > 0) sweepExpired(s, at);
  noteCoverage(s, ev);
  onEvent(s, ev);
  const changes = s.lastChanges as unknown as MutableChange[];
  for (const ch of changes) ch.figure = figureOf(s, ch.kind);
  return s;
}

/**
 * Resumes a restored state after an interval in which nothing was watched (issue 17, a restart): every open
 * interval is counted up to `from` (the checkpoint instant, or a journal's last frame) and resumes at `to` (the
 * restart, or the restart gap's end), so the time across the gap is counted nowhere; every entity keeps its last
 * known state. Idempotent over nested intervals: resuming (from, now) at restore and (from, open) at the restart
 * marker excludes (from, open) once. Updates `state` in place and returns it.
 */
export function resumeAfterGap(state: MetricsState, from: number, to: number): MetricsState {
  const s = state;
  for (const st of s.stations.values()) {
    closeService(st, from);
    st.serviceMark = to;
    closeAgent(st, from);
    st.agentMark = to;
    if (st.wrapSince !== undefined) {
      const d = from - st.wrapSince;
      if (d > 0) {
        st.wrapMs += d;
        if (st.wrapGroup !== undefined) groupRecord(s, st.wrapGroup).wrapMs += d;
      }
      st.wrapSince = to;
    }
  }
  for (const c of s.calls.values()) {
    if (c.holdSince !== undefined) {
      if (from > c.holdSince) s.holdMs += from - c.holdSince;
      c.holdSince = to;
    }
    if (c.direction === 'inbound' && c.answeredAt !== undefined && from > c.talkMark) {
      const d = from - c.talkMark;
      s.handleTalkMs += d;
      if (c.answeredGroup !== undefined) groupRecord(s, c.answeredGroup).handleTalkMs += d;
    }
    c.talkMark = to;
  }
  if (to > s.at) s.at = to;
  s.lastChanges = NO_CHANGES;
  s.version++;
  return s;
}
