// The ground truth of the simulated centre, kept by the model as it emits each event, with the definitions of
// docs/metrics.md: per station seconds in service / idle / busy / wrap, per agent seconds logged in /
// available / unavailable, hold seconds per call, and the call counts. All times are simulated seconds.

import type { AgentTruth, GroundTruth, StationTruth } from './types.js';

interface StationState {
  inService: boolean;
  busy: boolean;
  wrap: boolean;
  since: number;
  acc: StationTruth;
}

interface AgentState {
  groups: Set<number>;
  unavailable: boolean;
  since: number;
  acc: AgentTruth;
}

/** Accumulates state seconds; `snapshot(t)` closes open intervals at t without changing anything. */
export class TruthTracker {
  private readonly stations = new Map<string, StationState>();
  private readonly agents = new Map<string, AgentState>();
  private readonly holds = new Map<number, number>();
  private holdAcc = 0;
  offered = 0;
  answered = 0;
  abandoned = 0;
  outbound = 0;
  events = 0;

  private station(num: string, t: number): StationState {
    let s = this.stations.get(num);
    if (s === undefined) {
      s = { inService: false, busy: false, wrap: false, since: t, acc: { inService: 0, idle: 0, busy: 0, wrap: 0 } };
      this.stations.set(num, s);
    }
    return s;
  }

  private agent(num: string, t: number): AgentState {
    let a = this.agents.get(num);
    if (a === undefined) {
      a = { groups: new Set(), unavailable: false, since: t, acc: { loggedIn: 0, available: 0, unavailable: 0 } };
      this.agents.set(num, a);
    }
    return a;
  }

  private static addStation(acc: StationTruth, s: StationState, dt: number): void {
    if (s.inService) {
      acc.inService += dt;
      if (s.busy) acc.busy += dt;
      else acc.idle += dt;
    }
    if (s.wrap) acc.wrap += dt;
  }

  private static addAgent(acc: AgentTruth, a: AgentState, dt: number): void {
    if (a.groups.size > 0) {
      acc.loggedIn += dt;
      if (a.unavailable) acc.unavailable += dt;
      else acc.available += dt;
    }
  }

  private touchStation(num: string, t: number): StationState {
    const s = this.station(num, t);
    TruthTracker.addStation(s.acc, s, t - s.since);
    s.since = t;
    return s;
  }

  private touchAgent(num: string, t: number): AgentState {
    const a = this.agent(num, t);
    TruthTracker.addAgent(a.acc, a, t - a.since);
    a.since = t;
    return a;
  }

  /** 84 (true) / 82 (false). A station entering service is idle; 82 also ends wrap and logs the agent out. */
  inService(num: string, on: boolean, t: number): void {
    const s = this.touchStation(num, t);
    s.inService = on;
    if (on) s.busy = false;
    else {
      s.wrap = false;
      if (this.agents.has(num)) this.touchAgent(num, t).groups.clear();
    }
  }

  /**
   * Implicit registration (metrics.md §2): a station never seen before that appears in an event (here an intercom
   * call naming two of them) is in service, idle, from that event. A station already known is left as it is.
   */
  register(nums: readonly string[], t: number): void {
    for (const num of nums) if (!this.stations.has(num)) this.inService(num, true, t);
  }

  /** 17 (true) / 18 (false). */
  busy(num: string, on: boolean, t: number): void {
    this.touchStation(num, t).busy = on;
  }

  /** 15 (true) / 16 (false). */
  wrap(num: string, on: boolean, t: number): void {
    this.touchStation(num, t).wrap = on;
  }

  /** 11/25 (true) / 12/26 (false) for one group. Login makes the agent available; the last logout ends wrap. */
  agentGroup(num: string, group: number, on: boolean, t: number): void {
    const a = this.touchAgent(num, t);
    const was = a.groups.size > 0;
    if (on) {
      a.groups.add(group);
      if (!was) a.unavailable = false;
    } else {
      a.groups.delete(group);
      if (was && a.groups.size === 0) this.touchStation(num, t).wrap = false;
    }
  }

  /** 13 (true) / 14 (false). */
  unavailable(num: string, on: boolean, t: number): void {
    this.touchAgent(num, t).unavailable = on;
  }

  /** 49 opens a hold interval; 42, 50, 44 or the call's end close it. */
  hold(ref: number, on: boolean, t: number): void {
    const since = this.holds.get(ref);
    if (on) {
      if (since === undefined) this.holds.set(ref, t);
    } else if (since !== undefined) {
      this.holdAcc += t - since;
      this.holds.delete(ref);
    }
  }

  /** The truth at simulated second t (≥ every recorded change), open intervals included. */
  snapshot(t: number, extra: { running: boolean; seed: number; speed: number; asOf: string; callsInQueue: number }): GroundTruth {
    const stations: Record<string, StationTruth> = {};
    const agents: Record<string, AgentTruth> = {};
    const totals = { loggedIn: 0, available: 0, unavailable: 0, idle: 0, busy: 0, wrap: 0, hold: this.holdAcc };
    let inService = 0;
    let loggedIn = 0;
    for (const [num, s] of this.stations) {
      const acc = { ...s.acc };
      TruthTracker.addStation(acc, s, t - s.since);
      stations[num] = acc;
      totals.idle += acc.idle;
      totals.busy += acc.busy;
      totals.wrap += acc.wrap;
      if (s.inService) inService++;
    }
    for (const [num, a] of this.agents) {
      const acc = { ...a.acc };
      TruthTracker.addAgent(acc, a, t - a.since);
      agents[num] = acc;
      totals.loggedIn += acc.loggedIn;
      totals.available += acc.available;
      totals.unavailable += acc.unavailable;
      if (a.groups.size > 0) loggedIn++;
    }
    for (const since of this.holds.values()) totals.hold += t - since;
    return {
      ...extra,
      simSeconds: t,
      events: this.events,
      offered: this.offered,
      answered: this.answered,
      abandoned: this.abandoned,
      outbound: this.outbound,
      stationsInService: inService,
      agentsLoggedIn: loggedIn,
      totals,
      stations,
      agents,
    };
  }
}

/** The ground truth of a centre that never ran. */
export function emptyGroundTruth(): GroundTruth {
  return new TruthTracker().snapshot(0, { running: false, seed: 0, speed: 1, asOf: '', callsInQueue: 0 });
}
