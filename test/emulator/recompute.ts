// An independent recomputation of the centre's figures from the events alone (docs/metrics.md), for the
// subset of codes the simulated centre sends. Tests hold the emulator's groundTruth() against it.

/** An event reduced to what the figures need; `t` in seconds. */
export interface PlainEvent {
  readonly t: number;
  readonly code: number;
  readonly ref: number | undefined;
  readonly source: string;
  readonly data1: string;
  /** The destination number and whether it is a station (`''`/false when none). */
  readonly dest?: string;
  readonly destIsStation?: boolean;
  /** The source is a station (the catalogue's or the wire's type). */
  readonly sourceIsStation?: boolean;
}

/** The late-report window of docs/metrics.md §2 (the client's default), seconds. */
const LATE_REPORT_SECONDS = 30;

interface Seconds {
  inService: number;
  idle: number;
  busy: number;
  wrap: number;
  loggedIn: number;
  available: number;
  unavailable: number;
}

/** What the test recomputes. */
export interface Recomputed {
  offered: number;
  answered: number;
  abandoned: number;
  outbound: number;
  hold: number;
  perStation: Map<string, Seconds>;
}

/** Replays the events and closes every open interval at `until`. */
export function recompute(events: readonly PlainEvent[], until: number): Recomputed {
  interface St { inService: boolean; busy: boolean; wrap: boolean; groups: Set<string>; unavail: boolean; since: number; s: Seconds }
  const st = new Map<string, St>();
  const get = (n: string, t: number): St => {
    let x = st.get(n);
    if (!x) {
      x = { inService: false, busy: false, wrap: false, groups: new Set(), unavail: false, since: t,
        s: { inService: 0, idle: 0, busy: 0, wrap: 0, loggedIn: 0, available: 0, unavailable: 0 } };
      st.set(n, x);
    }
    const dt = t - x.since;
    if (x.inService) {
      x.s.inService += dt;
      if (x.busy) x.s.busy += dt;
      else x.s.idle += dt;
    }
    if (x.wrap) x.s.wrap += dt;
    if (x.groups.size > 0) {
      x.s.loggedIn += dt;
      if (x.unavail) x.s.unavailable += dt;
      else x.s.available += dt;
    }
    x.since = t;
    return x;
  };
  interface Call { inbound: boolean; answered: boolean; trunk: string; holdSince: number | undefined }
  const calls = new Map<number, Call>();
  const endedAt = new Map<number, number>();
  const r: Recomputed = { offered: 0, answered: 0, abandoned: 0, outbound: 0, hold: 0, perStation: new Map() };
  const unhold = (c: Call, t: number): void => {
    if (c.holdSince !== undefined) r.hold += t - c.holdSince;
    c.holdSince = undefined;
  };
  const end = (ref: number, c: Call, t: number): void => {
    unhold(c, t);
    if (c.inbound && !c.answered) r.abandoned++;
    calls.delete(ref);
    endedAt.set(ref, t);
  };
  const byTrunk = (trunk: string): [number, Call] | undefined => [...calls].find(([, c]) => c.trunk === trunk);
  for (const e of events) {
    const call = e.ref === undefined ? undefined : calls.get(e.ref);
    // Implicit registration: a station never seen before, named by any event but 81-84, is in service from it.
    if (e.code < 81 || e.code > 84) {
      for (const [n, isStation] of [[e.source, e.sourceIsStation], [e.dest, e.destIsStation]] as const) {
        if (isStation === true && n !== undefined && n !== '' && !st.has(n)) get(n, e.t).inService = true;
      }
    }
    switch (e.code) {
      case 84: { const x = get(e.source, e.t); x.inService = true; x.busy = false; break; }
      case 82: { const x = get(e.source, e.t); x.inService = false; x.wrap = false; x.groups.clear(); break; }
      case 17: get(e.source, e.t).busy = true; break;
      case 18: get(e.source, e.t).busy = false; break;
      case 15: get(e.source, e.t).wrap = true; break;
      case 16: get(e.source, e.t).wrap = false; break;
      case 11: case 25: { const x = get(e.source, e.t); if (x.groups.size === 0) x.unavail = false; x.groups.add(e.data1); break; }
      case 12: case 26: { const x = get(e.source, e.t); x.groups.delete(e.data1); if (x.groups.size === 0) x.wrap = false; break; }
      case 13: get(e.source, e.t).unavail = true; break;
      case 14: get(e.source, e.t).unavail = false; break;
      case 3:
        if (e.ref !== undefined && call === undefined) {
          calls.set(e.ref, { inbound: true, answered: false, trunk: e.source, holdSince: undefined });
          r.offered++;
        }
        break;
      case 41:
        if (e.ref !== undefined && call === undefined) {
          calls.set(e.ref, { inbound: false, answered: false, trunk: '', holdSince: undefined });
          if (e.destIsStation !== true) r.outbound++; // station to station: internal, counted in no total
        }
        break;
      case 67: {
        // Outbound only when its key is not open and did not end within the late-report window (a late report).
        const ended = e.ref === undefined ? undefined : endedAt.get(e.ref);
        if (e.ref !== undefined && call === undefined && (ended === undefined || e.t - ended > LATE_REPORT_SECONDS)) {
          calls.set(e.ref, { inbound: false, answered: false, trunk: '', holdSince: undefined });
          r.outbound++;
        }
        break;
      }
      case 42:
        if (call) {
          if (call.inbound && !call.answered) { call.answered = true; r.answered++; }
          unhold(call, e.t);
        }
        break;
      case 49: if (call && call.holdSince === undefined) call.holdSince = e.t; break;
      case 50: if (call) unhold(call, e.t); break;
      case 44: if (call && e.ref !== undefined) end(e.ref, call, e.t); break;
      case 2: case 43: { const hit = byTrunk(e.source); if (hit) end(hit[0], hit[1], e.t); break; }
      default: break;
    }
  }
  for (const [n] of st) r.perStation.set(n, get(n, until).s);
  for (const c of calls.values()) if (c.holdSince !== undefined) r.hold += until - c.holdSince;
  return r;
}
