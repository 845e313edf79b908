// The simulated telephony world behind the CTI resource (ipecs-webapi.md §7.1, §7.5, §7.6): extensions (registered
// or not, DND, forwarding, MWI, ACD agent logins, a pending call-back), calls made of legs per device, park
// locations, conference groups and rooms. The commands (cti-commands.ts) and click to call change it; monitor and
// presence (monitor-presence.ts) report it. Events are built here with their route (the device whose monitors get
// them) and sent by the caller, so the order of §10.1 item 26 is decided in one place.

import { forbid, notFound } from './errors.js';
import type { SmdrRecordInput } from './smdr-store.js';
import type { CtiDeviceOptions } from './types.js';

export type LegState = 'alerting' | 'ringing' | 'connected' | 'hold' | 'fail';
export interface Leg { state: LegState }
export interface Call {
  readonly ref: number;
  readonly caller: string;
  called: string;
  readonly legs: Map<string, Leg>;
  /** A far end outside the PBX (a trunk call). */
  external: string | undefined;
  readonly startedAt: number;
  answeredAt: number | undefined;
}
export interface Device {
  readonly dn: string;
  readonly index: number;
  registered: boolean;
  dnd: boolean;
  fwd: { type: string; dest: string };
  readonly mwi: { newMsg: number; oldMsg: number; newUrgentMsg: number };
  agent: { agentId: string; primary?: string; secondary?: string } | undefined;
  callback: string | undefined;
}
export interface ConfGroup { readonly index: number; readonly master: string; readonly members: Map<number, { dn: string; muted: boolean }> }
export interface Room { usage: boolean; pwd: string; members: string[] }

/** One CTI event and the device whose monitors receive it. */
export interface Ev { readonly route: string; readonly data: Record<string, unknown> }

export type Params = Readonly<Record<string, unknown>>;

/** Most devices in one Get Terminal Information page or Monitor/Presence request (§7.3, §7.6.1). */
export const MAX_DEVICES = 100;
export const DIGITS = /^[0-9*#+]+$/;
/** Table 5 cause codes the world uses. */
export const CAUSE = { new_call: 22, user_busy: 3, dnd: 14, normal_clearing: 48, reroute: 58, reject: 103, pickup: 11, blind_transfer: 52, screened_transfer: 32, unscreened_transfer: 60, call_back: 4, callwait: 99, conference: 57, redirected: 28, group_call: 65 } as const;

const p2 = (n: number): string => String(n).padStart(2, '0');
/** SMDR `StartTime` (`YYYY-MM-DD hh:mm`, §5.5). */
export const smdrStamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
};
/** SMDR `Duration` (`hh:mm:ss`). */
export const smdrDuration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
};
export const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
export const int = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN);

/** What the world needs from outside: the PBX clock, and where a finished call's SMDR record goes. */
export interface WorldHost {
  now(): number;
  smdrRecord(record: SmdrRecordInput): void;
  /**
   * The simulated centre's view of a station, when a centre runs and has it: Get Call Status and Get DND of a
   * device without CTI calls of its own answer from it (so a mid-day client's seed meets the centre's truth).
   */
  centreStation?(dn: string): { readonly inService: boolean; readonly busy: boolean; readonly dnd: boolean } | undefined;
}

/** The devices and calls of one emulator. */
export class CtiWorld {
  readonly devices = new Map<string, Device>();
  readonly byIndex: Device[] = [];
  readonly calls = new Map<number, Call>();
  readonly parked = new Map<number, number>();
  readonly groups = new Map<number, ConfGroup>();
  readonly rooms = new Map<number, Room>();
  private nextRef = 1;

  constructor(private readonly host: WorldHost, opts: CtiDeviceOptions = {}) {
    const n = opts.devices ?? 120;
    const first = opts.firstDevice ?? 1000;
    const off = new Set(opts.unregistered ?? []);
    for (let i = 0; i < n; i++) {
      const dn = String(first + i);
      const d: Device = {
        dn, index: i + 1, registered: !off.has(dn), dnd: false, fwd: { type: 'disable', dest: '' },
        mwi: { newMsg: i % 4, oldMsg: i % 3, newUrgentMsg: 0 }, agent: undefined, callback: undefined,
      };
      this.devices.set(dn, d);
      this.byIndex.push(d);
    }
  }

  now(): number {
    return this.host.now();
  }

  /** DND of a device: set by CTI, or by the simulated centre for its stations. */
  dndOf(d: Device): boolean {
    return d.dnd || this.host.centreStation?.(d.dn)?.dnd === true;
  }

  newRef(): number {
    return this.nextRef++;
  }

  /** The device named by `v`, else 404 with `name`. */
  device(v: unknown, name = 'invalidCallingDeviceIdentifier'): Device {
    const d = this.devices.get(str(v));
    if (d === undefined) throw notFound(name);
    return d;
  }

  /** The call named by `v`, else 404 invalidConnectionIdentifier. */
  call(v: unknown): Call {
    const c = this.calls.get(int(v));
    if (c === undefined) throw notFound('invalidConnectionIdentifier');
    return c;
  }

  /** `dn`'s leg of `c` in one of the `ok` states; no leg → noConnectionToClear, another state → `otherwise`. */
  leg(c: Call, dn: string, ok: readonly LegState[], otherwise: string): Leg {
    const l = c.legs.get(dn);
    if (l === undefined) throw forbid('noConnectionToClear');
    if (!ok.includes(l.state)) throw forbid(otherwise);
    return l;
  }

  others(c: Call, dn: string): string[] {
    return [...c.legs.keys()].filter((x) => x !== dn);
  }

  legsOf(dn: string, states: readonly LegState[]): Call[] {
    return [...this.calls.values()].filter((c) => states.includes(c.legs.get(dn)?.state ?? ('none' as LegState)));
  }

  /** An event about device `dn` (routed to its monitors). */
  ev(type: string, dn: string, fields: Record<string, unknown> = {}): Ev {
    return { route: dn, data: { type, deviceNumber: dn, serviceDN: dn, ...fields } };
  }

  /** The presence status of a device (§7.7.3). */
  presenceOf(d: Device): string {
    if (!d.registered) return 'block';
    let state = '';
    for (const c of this.calls.values()) {
      const leg = c.legs.get(d.dn);
      if (leg === undefined) continue;
      const connected = [...c.legs.values()].filter((l) => l.state === 'connected' || l.state === 'hold').length;
      state = leg.state === 'ringing' ? 'ring' : leg.state === 'hold' ? 'hold'
        : leg.state !== 'connected' ? 'busy' : connected >= 3 ? 'conf' : c.external !== undefined ? 'trk_talk' : 'stn_talk';
      if (leg.state !== 'hold') break;
    }
    if (state !== '') return state;
    const centre = this.host.centreStation?.(d.dn);
    if (centre !== undefined) {
      if (!centre.inService) return 'block';
      if (centre.busy) return 'trk_talk';
      if (centre.dnd) return 'DND';
    }
    if (d.dnd) return 'DND';
    const fwd: Readonly<Record<string, string>> = { uncondition: 'fwd_all', busy: 'fwd_busy', no_answer: 'fwd_nans', busy_noans: 'fwd_bsna', DND: 'DND' };
    return fwd[d.fwd.type] ?? 'idle';
  }

  /** Starts a call from `from` to `to` (Make Call, §7.6.2): proceeding → alerting → ringing / fail / connected. */
  startCall(from: Device, to: string, out: Ev[]): Call {
    if (!from.registered) throw forbid('unregistered');
    if (this.legsOf(from.dn, ['alerting', 'ringing', 'connected', 'fail']).length > 0) throw forbid('InvalidState');
    if (!DIGITS.test(to) || to === from.dn) throw forbid('invalidDestination');
    const ref = this.newRef();
    const now = this.now();
    const c: Call = { ref, caller: from.dn, called: to, legs: new Map([[from.dn, { state: 'alerting' }]]), external: undefined, startedAt: now, answeredAt: undefined };
    this.calls.set(ref, c);
    const parties = { callingDN: from.dn, calledDN: to };
    out.push(this.ev('proceeding', from.dn, { dialDigit: to, callRefID: ref }));
    out.push(this.ev('alerting', from.dn, { ...parties, causeCode: CAUSE.new_call, causeMsg: 'new_call', callRefID: ref }));
    const target = this.devices.get(to);
    if (target === undefined) {
      // A trunk call: the far end answers at once.
      c.external = to;
      c.answeredAt = now;
      (c.legs.get(from.dn) ?? { state: 'connected' }).state = 'connected';
      out.push(this.ev('connected', from.dn, { ...parties, causeCode: CAUSE.new_call, causeMsg: 'new_call', callRefID: ref }));
    } else if (!target.registered || target.dnd || this.legsOf(to, ['alerting', 'ringing', 'connected', 'fail']).length > 0) {
      (c.legs.get(from.dn) ?? { state: 'fail' }).state = 'fail';
      const cause = target.dnd ? { causeCode: CAUSE.dnd, causeMsg: 'dnd' } : { causeCode: CAUSE.user_busy, causeMsg: 'user_busy' };
      out.push(this.ev('fail', from.dn, { ...parties, busySvcList: ['callback', 'campon', 'callwait', 'intrude'], ...cause, callRefID: ref }));
    } else {
      c.legs.set(to, { state: 'ringing' });
      out.push(this.ev('ringing', to, { ...parties, causeCode: CAUSE.new_call, causeMsg: 'new_call', callRefID: ref }));
    }
    return c;
  }

  /** Takes `dn`'s leg out of the call with its `released` event; the call itself goes on. */
  leave(c: Call, dn: string, cause: number, causeMsg: string, out: Ev[]): void {
    c.legs.delete(dn);
    out.push(this.ev('released', dn, { releasedDN: dn, causeCode: cause, causeMsg, callRefID: c.ref }));
  }

  /** Removes `dn` from the call; with one party left the call ends (releasedasc to it, an SMDR record). */
  release(c: Call, dn: string, cause: number, causeMsg: string, out: Ev[]): void {
    this.leave(c, dn, cause, causeMsg, out);
    if (c.legs.size + (c.external === undefined ? 0 : 1) > 1) return;
    for (const other of [...c.legs.keys()]) {
      c.legs.delete(other);
      out.push(this.ev('releasedasc', other, { releasedAscDN: dn, causeCode: cause, causeMsg, callRefID: c.ref }));
    }
    this.calls.delete(c.ref);
    for (const [loc, ref] of this.parked) if (ref === c.ref) this.parked.delete(loc);
    if (c.answeredAt !== undefined) {
      const internal = this.devices.has(c.caller);
      this.host.smdrRecord({
        callRefID: c.ref, StationNumber: internal ? c.caller : c.called, CoNumber: c.external === undefined ? '' : '01',
        Duration: smdrDuration(this.now() - c.answeredAt), StartTime: smdrStamp(c.startedAt), Direction: c.external === undefined ? 'I' : 'O',
        DialedNumber1: c.called, Cost: '0', AccountCode: '', DialedNumber2: '', DisconnectCause: '16-Normal Call Clearing',
      });
    }
  }

  /** `dn` holds its connected call: `hold` to it, `held` to the other parties. */
  hold(c: Call, dn: string, out: Ev[]): void {
    this.leg(c, dn, ['connected'], 'invalidConnectionState').state = 'hold';
    out.push(this.ev('hold', dn, { holdDN: dn, callRefID: c.ref }));
    for (const o of this.others(c, dn)) out.push(this.ev('held', o, { holdDN: dn, callRefID: c.ref }));
  }

  /** The held call and the active call of a device (Transfer, Conference, Reconnect), `ref` naming either. */
  pair(dn: string, ref: unknown, noActive: string): { held: Call; active: Call } {
    this.call(ref);
    const held = this.legsOf(dn, ['hold'])[0];
    if (held === undefined) throw forbid('NoHeldCall');
    const active = this.legsOf(dn, ['alerting', 'ringing', 'connected']).find((c) => c.ref !== held.ref);
    if (active === undefined) throw forbid(noActive);
    return { held, active };
  }

  /** One page of Get Terminal Information (§7.6.1): `startIndex` is the physical index, `count` ≤ 100. */
  terminals(p: Params): Record<string, unknown> {
    const start = int(p['startIndex']);
    const count = int(p['count']);
    if (!(start >= 1) || !(count >= 1 && count <= MAX_DEVICES)) throw forbid('invalidParameterValue');
    const terminals = this.byIndex.slice(start - 1, start - 1 + count).map((d) => ({
      deviceIndex: d.index, deviceNumber: d.dn, deviceType: 'LIP-9040C', tenantNumber: 1, callControl: 'enable',
    }));
    return { terminals };
  }
}
