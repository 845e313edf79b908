// The simulated contact centre: a seeded discrete-event model on a simulated clock (whole seconds) that emits
// the ACD events a real iPECS sends for stations, agents, inbound ACD calls (queue, ring, answer, hold,
// transfer, wrap-up, abandon) and outbound calls, plus TIME & DATE every simulated minute. The model is
// pure given its options: `generateCentreEvents` gives the same sequence for the same seed and startTime,
// and the live centre (live-centre.ts) only paces the same model on the emulator's clock scaled by `speed`.

import { formatPbxTime, type AcdWireInput } from './format.js';
import { createRng, type Rng } from './prng.js';
import { TruthTracker, emptyGroundTruth } from './truth.js';
import type { CentreCallState, CentreOptions, CentreState, CentreStationState, GroundTruth } from './types.js';

export { emptyGroundTruth };

/** One generated event: simulated second `t` (from the centre's start) and what goes on the wire. */
export interface CentreEvent {
  readonly t: number;
  readonly acd: AcdWireInput & { readonly time: string };
}

/** The options with every default filled in. */
export type ResolvedCentreOptions = Required<CentreOptions>;

/** 2026-01-05 08:00:00 local: the generator's default simulated start. */
const DEFAULT_START = (): number => new Date(2026, 0, 5, 8, 0, 0).getTime();

/** Fills the defaults of a centre's options. */
export function resolveCentreOptions(o: CentreOptions = {}, startTime?: number): ResolvedCentreOptions {
  const stations = Math.max(1, Math.floor(o.stations ?? 12));
  return {
    seed: o.seed ?? 1,
    speed: o.speed ?? 1,
    stations,
    agents: Math.min(stations, Math.max(0, Math.floor(o.agents ?? 8))),
    groups: Math.max(1, Math.floor(o.groups ?? 2)),
    trunks: Math.max(1, Math.floor(o.trunks ?? 8)),
    arrivalPerHour: o.arrivalPerHour ?? 60,
    handleSeconds: o.handleSeconds ?? 180,
    wrapSeconds: o.wrapSeconds ?? 30,
    patienceSeconds: o.patienceSeconds ?? 60,
    outboundPerHour: o.outboundPerHour ?? 12,
    firstStation: o.firstStation ?? 1000,
    startTime: Math.floor((o.startTime ?? startTime ?? DEFAULT_START()) / 1000) * 1000,
    dialAfterWindowSeconds: Math.max(0, o.dialAfterWindowSeconds ?? 0),
  };
}

interface Call {
  readonly ref: number;
  readonly trunk: number;
  readonly inbound: boolean;
  readonly group: number;
  state: 'queued' | 'ringing' | 'talk' | 'hold' | 'ended';
  station: Station | undefined;
  /** The agent that answered (wraps up afterwards). */
  answeredBy: Station | undefined;
  readonly number: string;
  /** The caller's number is known: 72 INCOMMING CALLER INFO goes to the station the call first rings. */
  readonly callerInfo: boolean;
}

interface Station {
  readonly num: string;
  readonly agentId: string | undefined;
  inService: boolean;
  busy: boolean;
  wrap: boolean;
  dnd: boolean;
  unavailable: boolean;
  groups: number[];
  call: Call | undefined;
  ringing: Call | undefined;
  /** Simulated second it last became free: the longest-idle agent gets the next call. */
  freeSince: number;
}

interface Action {
  readonly t: number;
  readonly seq: number;
  readonly run: () => void;
}

/** A binary min-heap on (t, seq): equal times run in scheduling order, so the model is deterministic. */
class Agenda {
  private readonly heap: Action[] = [];
  private seq = 0;
  push(t: number, run: () => void): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, run });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (Agenda.less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i] as Action, h[p] as Action];
      i = p;
    }
  }
  peek(): Action | undefined {
    return this.heap[0];
  }
  pop(): Action | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && Agenda.less(h[l], h[m])) m = l;
        if (r < h.length && Agenda.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i] as Action, h[m] as Action];
        i = m;
      }
    }
    return top;
  }
  private static less(a: Action | undefined, b: Action | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
}

/** The model. `advance(t)` runs it up to simulated second t and returns what it emitted. */
export class CentreModel {
  readonly options: ResolvedCentreOptions;
  private readonly rng: Rng;
  private readonly agenda = new Agenda();
  private readonly truth = new TruthTracker();
  private readonly stations: Station[] = [];
  private readonly freeTrunks = new Set<number>();
  private readonly queues = new Map<number, Call[]>();
  private out: CentreEvent[] = [];
  private now = 0;
  private nextRef = 1;
  /**
   * The draws of the late-report and registration cases (metrics.md §2): a second PRNG, so the draws of the main
   * sequence are those of a centre without them.
   */
  private readonly extra: Rng;
  /** Calls ended in the last 25 simulated seconds whose key a new inbound call may reuse (inside the window). */
  private reusable: { readonly ref: number; readonly t: number }[] = [];

  constructor(opts: CentreOptions = {}, startTime?: number) {
    this.options = resolveCentreOptions(opts, startTime);
    const o = this.options;
    this.rng = createRng(o.seed);
    this.extra = createRng((o.seed ^ 0x9e3779b9) >>> 0);
    // Two stations that are not agents are never announced by 84: an intercom call between them is the first
    // event naming either, and registers both (metrics.md §2).
    const silent = o.stations - o.agents >= 2 ? [o.stations - 2, o.stations - 1] : [];
    for (let i = 1; i <= o.trunks; i++) this.freeTrunks.add(i);
    for (let g = 1; g <= o.groups; g++) this.queues.set(g, []);
    for (let i = 0; i < o.stations; i++) {
      const s: Station = {
        num: String(o.firstStation + i),
        agentId: i < o.agents ? String(1 + i).padStart(4, '0') : undefined,
        inService: false, busy: false, wrap: false, dnd: false, unavailable: false,
        groups: [], call: undefined, ringing: undefined, freeSince: 0,
      };
      this.stations.push(s);
      // Shift start: stations come into service one by one, agents log in over the first minutes.
      if (i === silent[1]) {
        const a = this.stations[i - 1];
        if (a !== undefined) this.at(i % 60, () => { this.intercomRegisters(a, s); });
      } else if (i !== silent[0]) this.at(i % 60, () => { this.stationIn(s); });
      if (s.agentId !== undefined) {
        this.at(60 + this.rng.int(0, 240), () => { this.agentLogin(s); });
        this.at(600 + this.rng.exp(1800), () => { this.agentBreak(s); });
        this.at(1800 + this.rng.exp(4 * 3600), () => { this.agentRelog(s); });
      } else {
        this.at(300 + this.rng.exp(2 * 3600), () => { this.dndCycle(s); });
        this.at(900 + this.rng.exp(6 * 3600), () => { this.serviceCycle(s); });
      }
    }
    const firstMinute = (60 - (Math.floor(o.startTime / 1000) % 60)) % 60;
    this.at(firstMinute, () => { this.timeAndDate(); });
    if (o.arrivalPerHour > 0) this.at(this.rng.exp(3600 / o.arrivalPerHour, 1), () => { this.arrival(); });
    if (o.outboundPerHour > 0) this.at(60 + this.rng.exp(3600 / o.outboundPerHour, 1), () => { this.outboundCall(); });
  }

  /** Runs every action up to and including simulated second `until`; returns the events emitted meanwhile. */
  advance(until: number): CentreEvent[] {
    this.out = [];
    for (;;) {
      const next = this.agenda.peek();
      if (next === undefined || next.t > until) break;
      this.agenda.pop();
      this.now = next.t;
      next.run();
    }
    return this.out;
  }

  /** The simulated second of the next pending action. */
  nextTime(): number {
    return this.agenda.peek()?.t ?? Number.POSITIVE_INFINITY;
  }

  /** Ground truth at simulated second t (≥ the last advance). */
  groundTruth(t: number, running: boolean): GroundTruth {
    let queued = 0;
    for (const q of this.queues.values()) queued += q.length;
    return this.truth.snapshot(t, {
      running,
      seed: this.options.seed,
      speed: this.options.speed,
      asOf: formatPbxTime(this.options.startTime + t * 1000),
      callsInQueue: queued,
    });
  }

  /**
   * What the centre is doing at simulated second t (≥ the last advance): every station, every call in progress
   * (queued, ringing, connected or held), and the counts. A read-only view; the model is not changed.
   */
  state(t: number): CentreState {
    const calls = new Map<number, CentreCallState>();
    const callState = (c: Call): CentreCallState['state'] =>
      c.state === 'queued' ? 'queued' : c.state === 'ringing' ? 'ringing' : c.state === 'hold' ? 'held' : 'connected';
    const add = (c: Call, transferTo?: string): void => {
      if (c.state === 'ended') return;
      const known = calls.get(c.ref);
      calls.set(c.ref, {
        callRefId: c.ref, trunk: c.trunk, direction: c.inbound ? 'inbound' : 'outbound', state: callState(c), number: c.number,
        ...(c.inbound ? { group: c.group } : {}),
        ...(c.station === undefined ? {} : { station: c.station.num }),
        ...(transferTo === undefined ? (known?.transferTo === undefined ? {} : { transferTo: known.transferTo }) : { transferTo }),
      });
    };
    const stations: CentreStationState[] = [];
    for (const s of this.stations) {
      stations.push({
        station: s.num, ...(s.agentId === undefined ? {} : { agentId: s.agentId }), inService: s.inService, busy: s.busy,
        wrap: s.wrap, dnd: s.dnd, groups: [...s.groups], unavailable: s.groups.length > 0 && s.unavailable,
      });
      if (s.call !== undefined) add(s.call);
      // A call being transferred rings its target while it is still connected at the transferring station.
      if (s.ringing !== undefined) add(s.ringing, s.ringing.station === s ? undefined : s.num);
    }
    for (const q of this.queues.values()) for (const c of q) add(c);
    const list = [...calls.values()].sort((a, b) => a.callRefId - b.callRefId);
    const n = (st: CentreCallState['state']): number => list.filter((c) => c.state === st).length;
    return {
      simSeconds: t,
      asOf: formatPbxTime(this.options.startTime + t * 1000),
      stations,
      calls: list,
      counts: {
        stationsInService: stations.filter((x) => x.inService).length,
        stationsBusy: stations.filter((x) => x.busy).length,
        agentsLoggedIn: stations.filter((x) => x.groups.length > 0).length,
        agentsUnavailable: stations.filter((x) => x.unavailable).length,
        ringing: n('ringing'),
        queued: n('queued'),
        connected: n('connected'),
        held: n('held'),
      },
    };
  }

  // ---- plumbing ----

  private at(delay: number, run: () => void): void {
    this.agenda.push(this.now + Math.max(0, Math.round(delay)), run);
  }

  private emit(acd: AcdWireInput): void {
    this.truth.events++;
    this.out.push({ t: this.now, acd: { ...acd, time: formatPbxTime(this.options.startTime + this.now * 1000) } });
  }

  private trunkOf(c: Call): string {
    return String(c.trunk);
  }

  private isFreeAgent(s: Station, group: number): boolean {
    return s.inService && s.groups.includes(group) && !s.unavailable && !s.busy && !s.wrap && !s.dnd &&
      s.call === undefined && s.ringing === undefined;
  }

  private isFreeStation(s: Station): boolean {
    return s.inService && !s.busy && !s.wrap && s.call === undefined && s.ringing === undefined;
  }

  // ---- stations and agents ----

  private stationIn(s: Station): void {
    s.inService = true;
    s.busy = false;
    s.freeSince = this.now;
    this.emit({ code: 84, source: s.num });
    this.truth.inService(s.num, true, this.now);
    this.emit({ code: 18, source: s.num });
    this.serve(s);
  }

  /** Two stations never seen before appear first in one event, an intercom call (41 then 44): it registers both. */
  private intercomRegisters(a: Station, b: Station): void {
    for (const s of [a, b]) {
      s.inService = true;
      s.busy = false;
      s.freeSince = this.now;
    }
    const ref = this.nextRef++;
    this.emit({ code: 41, callRefId: ref, source: a.num, dest: b.num, destType: 'Station' });
    this.truth.register([a.num, b.num], this.now);
    this.at(this.extra.int(2, 6), () => {
      this.emit({ code: 44, callRefId: ref, source: a.num, dest: b.num, destType: 'Station', data1: 0 });
    });
  }

  private agentLogin(s: Station): void {
    if (s.agentId === undefined || !s.inService) return;
    const o = this.options;
    const idx = Number(s.num) - o.firstStation;
    const primary = (idx % o.groups) + 1;
    s.groups = [primary];
    s.unavailable = false;
    this.emit({ code: 11, source: s.num, data1: primary, data2: s.agentId });
    this.truth.agentGroup(s.num, primary, true, this.now);
    if (o.groups > 1 && this.rng.chance(0.5)) {
      const secondary = ((idx + 1) % o.groups) + 1;
      s.groups.push(secondary);
      this.emit({ code: 25, source: s.num, data1: secondary, data2: s.agentId });
      this.truth.agentGroup(s.num, secondary, true, this.now);
    }
    s.freeSince = this.now;
    this.serve(s);
  }

  private agentLogout(s: Station): void {
    const [primary, ...secondary] = s.groups;
    // Group numbers as strings: unpadded on the wire ("1"), where logins write them padded ("0001").
    for (const g of secondary) {
      this.emit({ code: 26, source: s.num, data1: String(g) });
      this.truth.agentGroup(s.num, g, false, this.now);
    }
    if (primary !== undefined) {
      this.emit({ code: 12, source: s.num, data1: String(primary) });
      this.truth.agentGroup(s.num, primary, false, this.now);
    }
    s.groups = [];
  }

  /** An agent goes unavailable (reason digit) for a while, then back. Retried later when busy. */
  private agentBreak(s: Station): void {
    if (s.groups.length === 0 || !this.isFreeStation(s) || s.unavailable) {
      this.at(60, () => { this.agentBreak(s); });
      return;
    }
    const group = s.groups[0] ?? 1;
    s.unavailable = true;
    this.emit({ code: 13, source: s.num, data1: this.rng.int(1, 9), data2: group });
    this.truth.unavailable(s.num, true, this.now);
    this.at(this.rng.exp(300, 30, 1800), () => {
      if (!s.unavailable) return;
      s.unavailable = false;
      this.emit({ code: 14, source: s.num, data1: '', data2: s.groups[0] ?? group });
      this.truth.unavailable(s.num, false, this.now);
      s.freeSince = this.now;
      this.serve(s);
      this.at(this.rng.exp(1800, 300), () => { this.agentBreak(s); });
    });
  }

  /** Now and then an agent logs out of its groups and back in a few minutes later. */
  private agentRelog(s: Station): void {
    if (s.groups.length === 0 || !this.isFreeStation(s) || s.unavailable) {
      this.at(120, () => { this.agentRelog(s); });
      return;
    }
    this.agentLogout(s);
    this.at(this.rng.int(300, 900), () => { this.agentLogin(s); });
    this.at(this.rng.exp(4 * 3600, 3600), () => { this.agentRelog(s); });
  }

  private dndCycle(s: Station): void {
    if (!s.inService || s.dnd) {
      this.at(300, () => { this.dndCycle(s); });
      return;
    }
    s.dnd = true;
    this.emit({ code: 19, source: s.num });
    this.at(this.rng.int(120, 900), () => {
      s.dnd = false;
      this.emit({ code: 20, source: s.num });
      this.at(this.rng.exp(2 * 3600, 600), () => { this.dndCycle(s); });
    });
  }

  /** A non-agent station goes out of service (82 → 18 → 18, as the real box does) and returns later. */
  private serviceCycle(s: Station): void {
    if (!this.isFreeStation(s)) {
      this.at(300, () => { this.serviceCycle(s); });
      return;
    }
    s.inService = false;
    this.emit({ code: 82, source: s.num });
    this.truth.inService(s.num, false, this.now);
    this.emit({ code: 18, source: s.num });
    this.emit({ code: 18, source: s.num });
    this.at(this.rng.int(120, 600), () => {
      this.stationIn(s);
      this.at(this.rng.exp(6 * 3600, 1800), () => { this.serviceCycle(s); });
    });
  }

  private timeAndDate(): void {
    const d = new Date(this.options.startTime + this.now * 1000);
    const mmdd = `${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
    this.emit({ code: 68, data1: mmdd, data2: String(d.getFullYear() % 100).padStart(2, '0') });
    this.at(60, () => { this.timeAndDate(); });
  }

  // ---- calls ----

  private takeTrunk(): number | undefined {
    const free = [...this.freeTrunks].sort((a, b) => a - b);
    if (free.length === 0) return undefined;
    const t = this.rng.pick(free);
    this.freeTrunks.delete(t);
    return t;
  }

  private phoneNumber(): string {
    return `0${String(this.rng.int(1, 9))}${String(this.rng.int(10_000_000, 99_999_999))}`;
  }

  private arrival(): void {
    const o = this.options;
    this.at(this.rng.exp(3600 / o.arrivalPerHour, 1), () => { this.arrival(); });
    const trunk = this.takeTrunk();
    if (trunk === undefined) return; // every line busy: the caller hears busy, the PBX reports nothing
    const call: Call = {
      ref: this.reusedRef() ?? this.nextRef++, trunk, inbound: true, group: this.rng.int(1, o.groups), state: 'queued',
      station: undefined, answeredBy: undefined, number: this.phoneNumber(), callerInfo: this.rng.chance(0.7),
    };
    this.truth.offered++;
    this.emit({ code: 3, callRefId: call.ref, source: this.trunkOf(call), data1: call.group, data2: 5 });
    const agent = this.freeAgent(call.group);
    if (agent !== undefined) {
      this.ring(agent, call);
      return;
    }
    this.emit({ code: 62, callRefId: call.ref, source: this.trunkOf(call), sourceType: 'CO', data1: String(call.group) });
    this.queues.get(call.group)?.push(call);
    this.at(this.rng.exp(o.patienceSeconds, 3), () => {
      if (call.state !== 'queued') return;
      const q = this.queues.get(call.group) ?? [];
      q.splice(q.indexOf(call), 1);
      if (this.rng.chance(0.5)) this.emit({ code: 43, source: this.trunkOf(call), sourceType: 'CO' });
      this.endCall(call);
    });
  }

  private freeAgent(group: number): Station | undefined {
    let best: Station | undefined;
    for (const s of this.stations) {
      if (this.isFreeAgent(s, group) && (best === undefined || s.freeSince < best.freeSince)) best = s;
    }
    return best;
  }

  /** A station became free: give it the oldest queued call of its groups. */
  private serve(s: Station): void {
    let pick: Call | undefined;
    for (const g of s.groups) {
      const head = this.queues.get(g)?.[0];
      if (head !== undefined && this.isFreeAgent(s, g) && (pick === undefined || head.ref < pick.ref)) pick = head;
    }
    if (pick === undefined) return;
    const q = this.queues.get(pick.group) ?? [];
    q.splice(q.indexOf(pick), 1);
    this.ring(s, pick);
  }

  private ring(s: Station, call: Call): void {
    call.state = 'ringing';
    call.station = s;
    s.ringing = call;
    // §6.3: caller info runs from the CO to the STATION the call reaches, so it is sent as the call is routed to one.
    if (call.callerInfo) this.emit({ code: 72, callRefId: call.ref, source: this.trunkOf(call), dest: s.num, destType: 'Station', data1: call.number, data2: '' });
    this.emit({ code: 66, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data1: call.group, data2: call.group });
    const ringFor = this.rng.int(2, 12);
    if (this.extra.chance(0.1)) this.consultationRefused(s, ringFor);
    if (this.rng.chance(0.08)) {
      // The caller gives up while the agent's phone rings.
      this.at(this.rng.int(1, ringFor), () => {
        s.ringing = undefined;
        this.emit({ code: 43, source: this.trunkOf(call), sourceType: 'CO', dest: s.num, destType: 'Station' });
        this.endCall(call);
        this.emit({ code: 18, source: s.num });
        s.freeSince = this.now;
        this.serve(s);
      });
      return;
    }
    this.at(ringFor, () => { this.answer(s, call); });
  }

  /**
   * While `a` rings, another station calls it (41 station to station) and gives up (43 naming no trunk) before
   * `a` answers: the 43 ends the internal call only, never the call ringing at `a` (metrics.md §2).
   */
  private consultationRefused(a: Station, ringFor: number): void {
    const free = this.stations.filter((x) => x !== a && x.agentId === undefined && this.isFreeStation(x) && !x.dnd);
    if (free.length === 0) return;
    const b = this.extra.pick(free);
    const ref = this.nextRef++;
    b.busy = true;
    this.at(1, () => {
      this.emit({ code: 41, callRefId: ref, source: b.num, dest: a.num, destType: 'Station' });
      this.emit({ code: 17, callRefId: ref, source: b.num, dest: a.num, destType: 'Station' });
      this.truth.busy(b.num, true, this.now);
      // Before the answer at ringFor (scheduled first, so it would run first at the same second).
      this.at(this.extra.int(0, ringFor - 2), () => {
        this.emit({ code: 43, source: b.num, sourceType: 'Station', dest: a.num, destType: 'Station' });
        this.emit({ code: 18, source: b.num });
        this.truth.busy(b.num, false, this.now);
        b.busy = false;
        b.freeSince = this.now;
      });
    });
  }

  private answer(s: Station, call: Call): void {
    s.ringing = undefined;
    s.call = call;
    call.state = 'talk';
    call.answeredBy = s;
    this.truth.answered++;
    this.emit({ code: 42, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO' });
    this.stationBusy(s, call);
    const talk = this.rng.exp(this.options.handleSeconds, 10, 6 * this.options.handleSeconds);
    const r = this.rng.next();
    if (r < 0.25) this.at(talk * 0.4, () => { this.hold(call, talk * 0.6); });
    else if (r < 0.31) this.at(talk * 0.5, () => { this.transfer(call, talk * 0.5); });
    else this.at(talk, () => { this.hangUp(call); });
  }

  private stationBusy(s: Station, call: Call): void {
    s.busy = true;
    this.emit({ code: 17, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO' });
    this.truth.busy(s.num, true, this.now);
  }

  private stationIdle(s: Station): void {
    s.busy = false;
    this.emit({ code: 18, source: s.num });
    this.truth.busy(s.num, false, this.now);
  }

  private hold(call: Call, rest: number): void {
    const s = call.station;
    if (s === undefined || call.state !== 'talk') return;
    call.state = 'hold';
    this.emit({ code: 49, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO' });
    this.truth.hold(call.ref, true, this.now);
    const holdFor = this.rng.int(10, 60);
    const retrieve = (): void => {
      call.state = 'talk';
      this.emit({ code: 42, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO' });
      this.truth.hold(call.ref, false, this.now);
      this.at(rest, () => { this.hangUp(call); });
    };
    if (this.rng.chance(0.3)) {
      // Held too long: the PBX recalls the station, which then picks the call up again.
      this.at(holdFor, () => {
        this.emit({ code: 50, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data1: 0, data2: 0 });
        this.truth.hold(call.ref, false, this.now);
        this.at(this.rng.int(2, 8), retrieve);
      });
    } else this.at(holdFor, retrieve);
  }

  private transfer(call: Call, rest: number): void {
    const from = call.station;
    if (from === undefined || call.state !== 'talk') return;
    const targets = this.stations.filter((x) => x !== from && x.agentId === undefined && this.isFreeStation(x) && !x.dnd);
    if (targets.length === 0) {
      this.at(rest, () => { this.hangUp(call); });
      return;
    }
    const to = this.rng.pick(targets);
    to.ringing = call;
    this.emit({ code: 58, callRefId: call.ref, source: from.num, dest: to.num, destType: 'Station' });
    this.emit({ code: 66, callRefId: call.ref, source: to.num, dest: from.num, destType: 'Station', data1: 0, data2: 0 });
    this.at(this.rng.int(3, 10), () => {
      this.emit({ code: 70, callRefId: call.ref, source: from.num, dest: to.num, destType: 'Station' });
      to.ringing = undefined;
      from.call = undefined;
      this.stationIdle(from);
      this.wrapUp(from);
      to.call = call;
      call.station = to;
      this.stationBusy(to, call);
      this.at(rest, () => { this.hangUp(call); });
    });
  }

  private hangUp(call: Call): void {
    const s = call.station;
    if (s === undefined || call.state === 'ended') return;
    this.emit({ code: 44, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data1: 0 });
    this.endCall(call);
    s.call = undefined;
    this.stationIdle(s);
    if (call.inbound && call.answeredBy === s) this.wrapUp(s);
    else {
      s.freeSince = this.now;
      this.serve(s);
    }
  }

  private wrapUp(s: Station): void {
    if (s.groups.length === 0) {
      s.freeSince = this.now;
      return;
    }
    s.wrap = true;
    this.emit({ code: 15, source: s.num });
    this.truth.wrap(s.num, true, this.now);
    this.at(this.options.wrapSeconds, () => {
      if (!s.wrap) return;
      s.wrap = false;
      this.emit({ code: 16, source: s.num });
      this.truth.wrap(s.num, false, this.now);
      s.freeSince = this.now;
      this.serve(s);
    });
  }

  /** The call is over: free the trunk (2 CO IDLE), close any hold, count an unanswered inbound call as abandoned. */
  private endCall(call: Call): void {
    if (call.state === 'ended') return;
    if (call.inbound && call.answeredBy === undefined) this.truth.abandoned++;
    call.state = 'ended';
    this.truth.hold(call.ref, false, this.now);
    this.emit({ code: 2, source: this.trunkOf(call) });
    this.freeTrunks.add(call.trunk);
    this.reusable.push({ ref: call.ref, t: this.now });
  }

  /** Now and then, the key of a call that ended in the last 25 s (the PBX reuses keys): a 3 on it is a new call. */
  private reusedRef(): number | undefined {
    this.reusable = this.reusable.filter((r) => this.now - r.t <= 25);
    const first = this.reusable[0];
    if (first === undefined || !this.extra.chance(0.2)) return undefined;
    this.reusable.shift();
    return first.ref;
  }

  /**
   * What the PBX reports after an outbound call ended (metrics.md §2 late reports): the 69 SMDR at once, inside the
   * client's 30 s window or after it, and now and then the final 67 NUMBER DIALED up to 25 s after the 44; neither
   * changes a figure. With `dialAfterWindowSeconds` (a run on the client's clock), now and then a 67 naming the
   * ended key on its idle trunk after that window: the key is free again, so it is a new outbound call (the truth
   * counts it), ended by its 44.
   */
  private afterOutbound(call: Call, s: Station, smdr: AcdWireInput): void {
    const x = this.extra;
    const r = x.next();
    if (r < 0.5) this.emit(smdr);
    else if (r < 0.8) this.at(x.int(1, 25), () => { this.emit(smdr); });
    else this.at(x.int(31, 120), () => { this.emit(smdr); });
    const dialled: AcdWireInput = { code: 67, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data2: call.number };
    if (x.chance(0.4)) this.at(x.int(1, 25), () => { this.emit(dialled); });
    const window = this.options.dialAfterWindowSeconds;
    if (window === 0 || !x.chance(0.15)) return;
    this.reusable = this.reusable.filter((e) => e.ref !== call.ref); // this key is spoken for
    this.at(window + x.int(1, 60), () => {
      if (!this.freeTrunks.has(call.trunk)) return; // only on an idle trunk: the next call on it takes it over
      this.truth.outbound++;
      this.emit(dialled);
      this.at(x.int(1, 5), () => {
        this.emit({ code: 44, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data1: 0 });
      });
    });
  }

  private outboundCall(): void {
    const o = this.options;
    this.at(this.rng.exp(3600 / o.outboundPerHour, 1), () => { this.outboundCall(); });
    const free = this.stations.filter((s) => this.isFreeStation(s) && !s.unavailable);
    if (free.length === 0) return;
    const trunk = this.takeTrunk();
    if (trunk === undefined) return;
    const s = this.rng.pick(free);
    const call: Call = {
      ref: this.nextRef++, trunk, inbound: false, group: 0, state: 'talk', station: s, answeredBy: undefined,
      number: this.phoneNumber(), callerInfo: false,
    };
    s.call = call;
    this.truth.outbound++;
    this.emit({ code: 41, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO' });
    this.stationBusy(s, call);
    this.at(this.rng.int(3, 8), () => {
      this.emit({ code: 67, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data2: call.number });
      const talk = Math.round(this.rng.exp(o.handleSeconds * 0.7, 5, 4 * o.handleSeconds));
      this.at(talk, () => {
        const start = this.now - talk;
        this.hangUp(call);
        const dur = this.now - start;
        const hhmmss = [Math.floor(dur / 3600), Math.floor(dur / 60) % 60, dur % 60].map((n) => String(n).padStart(2, '0')).join('');
        this.afterOutbound(call, s, { code: 69, callRefId: call.ref, source: s.num, dest: this.trunkOf(call), destType: 'CO', data1: hhmmss, data2: call.number });
      });
    });
  }
}

/** The events a centre with these options emits over its first `durationSimSeconds` (pure and deterministic). */
export function generateCentreEvents(opts: CentreOptions, durationSimSeconds: number): CentreEvent[] {
  return new CentreModel(opts).advance(durationSimSeconds);
}

/** The events and the ground truth at the end of a run of `durationSimSeconds` (pure and deterministic). */
export function simulateCentre(opts: CentreOptions, durationSimSeconds: number): { events: CentreEvent[]; truth: GroundTruth } {
  const model = new CentreModel(opts);
  const events = model.advance(durationSimSeconds);
  return { events, truth: model.groundTruth(durationSimSeconds, false) };
}

/** What the centre is doing at simulated second `t` (pure: a fresh model run from the start). */
export function centreStateAt(opts: CentreOptions, t: number): CentreState {
  const model = new CentreModel(opts);
  model.advance(Math.floor(t));
  return model.state(t);
}

/** True when a call rings, one is queued and one is connected (held counts): the centre is in mid-day state. */
export function isMidDay(state: CentreState): boolean {
  const c = state.counts;
  return c.ringing > 0 && c.queued > 0 && c.connected + c.held > 0 && c.agentsLoggedIn > 0;
}

/**
 * The first whole simulated second ≥ `from` at which the centre is in mid-day state ({@link isMidDay}), searched
 * for at most `within` simulated seconds; `from + within` when there is none (rates too low for a queue). Pure.
 */
export function midDayInstant(opts: CentreOptions, from: number, within = 4 * 3600): number {
  const model = new CentreModel(opts);
  const start = Math.max(0, Math.floor(from));
  for (let t = start; t <= start + within; t++) {
    model.advance(t);
    if (isMidDay(model.state(t))) return t;
  }
  return start + within;
}
