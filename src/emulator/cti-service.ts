// The emulator's CTI, SMDR and click-to-call services (ipecs-webapi.md §5, §7, §8, §10.1 items 20-33): simulated
// devices and calls, per-session monitor and presence sets with their own evtSerialNum (from 1, A-31), every
// command of §7.6 as one row of a handler table, the spec's errors (403 state/operation, 404 unknown device/call),
// and the SMDR store fed by finished calls. It is transport-free: the server hands it parsed requests.

import { ctiErrorCode } from '../protocol/catalogue.js';
import type { AcdWireInput } from './format.js';
import { SmdrFilterError, SmdrStore, type SmdrRecordInput, type SmdrStoredRecord } from './smdr-store.js';

/** What the service needs from the server: sockets of a session, and the sessions that get live SMDR. */
export interface CtiHost {
  /** Sends a text frame to every open socket of the session; returns how many sockets got it. */
  send(sessionKey: string, frame: string): number;
  /** Keys of the server sessions with the SMDR privilege. */
  smdrSessions(): readonly string[];
  log(line: string): void;
}

/** The caller of one request. */
export interface ApiCaller {
  /** The session's token (never logged). */
  readonly key: string;
  readonly kind: 'server' | 'station';
  readonly userId: string;
}

/** One API request as the emulator received it (recorded for tests: what went over the wire). */
export interface ApiRequestRecord {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query parameters (last value wins). */
  readonly query: Readonly<Record<string, string>>;
  /** The body parsed as JSON when it is JSON, else the raw text; `undefined` when empty. */
  readonly body: unknown;
}

/** The answer to give. `body` undefined → 200 with an empty body. `after` runs once the answer is written. */
export interface ApiAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly after?: () => void;
}

/** Options of the simulated CTI devices. */
export interface CtiDeviceOptions {
  /** Number of extensions (physical indexes 1..n). Default 120 (the login's terminalCount). */
  readonly devices?: number;
  /** The first extension number. Default 1000. */
  readonly firstDevice?: number;
  /** Extensions that start unregistered. */
  readonly unregistered?: readonly string[];
  /**
   * Also send the simulated centre's SMDR records live (`{"event":"smdr"}`). Default false: they are stored (GET
   * finds them) but the centre's sockets carry ACD frames only, as before.
   */
  readonly centreSmdrLive?: boolean;
  /**
   * Spec-literal quirks, to harden clients: `" held"`, `" hold"`, `" unregistered"` with a leading space,
   * `setmuteon` for `muteon`, `"confroommember "` as the type of the conference-group member event. Default off.
   */
  readonly quirks?: boolean;
}

class Fail extends Error {
  constructor(readonly status: number, readonly errName: string, readonly code?: number) {
    super(errName);
  }
}
const forbid = (name: string): Fail => new Fail(403, name);
const notFound = (name: string): Fail => new Fail(404, name);

type LegState = 'alerting' | 'ringing' | 'connected' | 'hold' | 'fail';
interface Leg { state: LegState }
interface Call {
  readonly ref: number;
  readonly caller: string;
  called: string;
  readonly legs: Map<string, Leg>;
  /** A far end outside the PBX (a trunk call). */
  external: string | undefined;
  readonly startedAt: number;
  answeredAt: number | undefined;
}
interface Device {
  readonly dn: string;
  readonly index: number;
  registered: boolean;
  dnd: boolean;
  fwd: { type: string; dest: string };
  readonly mwi: { newMsg: number; oldMsg: number; newUrgentMsg: number };
  agent: { agentId: string; primary?: string; secondary?: string } | undefined;
  callback: string | undefined;
}
interface SessionState { serial: number; readonly monitor: Set<string>; readonly presence: Set<string> }
interface ConfGroup { readonly index: number; readonly master: string; readonly members: Map<number, { dn: string; muted: boolean }> }
interface Room { usage: boolean; pwd: string; members: string[] }

type Params = Readonly<Record<string, unknown>>;
type Ev = { readonly route: string; readonly data: Record<string, unknown> };
/** A handler: the `data` of the answer. Events go to `out`; `first` ones are sent before the answer. */
type Handler = (p: Params, out: { events: Ev[]; first: boolean }) => Record<string, unknown>;

const MAX_DEVICES = 100;
/** The type spellings of the spec's examples and tables, sent in quirks mode. */
const QUIRKS: Readonly<Record<string, string>> = { held: ' held', hold: ' hold', unregistered: ' unregistered', muteon: 'setmuteon', confgroupmember: 'confroommember ' };
const DIGITS = /^[0-9*#+]+$/;
const CAUSE = { new_call: 22, user_busy: 3, dnd: 14, normal_clearing: 48, reroute: 58, reject: 103, pickup: 11, blind_transfer: 52, screened_transfer: 32, call_back: 4, callwait: 99, conference: 57 } as const;
const p2 = (n: number): string => String(n).padStart(2, '0');
const stamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}`;
};
const duration = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
};
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN);
const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Parses a body as JSON, else as `application/x-www-form-urlencoded` (a lone `{…}` key or `q=`), else raw. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      const decoded = decodeURIComponent(text.replace(/\+/g, ' '));
      const q = decoded.startsWith('q=') ? decoded.slice(2) : decoded;
      return JSON.parse(q) as unknown;
    } catch {
      return text;
    }
  }
}

/** The CTI + SMDR + click-to-call service of one emulator. */
export class CtiService {
  readonly smdr = new SmdrStore();
  private readonly requests: ApiRequestRecord[] = [];
  private readonly devices = new Map<string, Device>();
  private readonly byIndex: Device[] = [];
  private readonly calls = new Map<number, Call>();
  private readonly sessions = new Map<string, SessionState>();
  private readonly parked = new Map<number, number>();
  private readonly groups = new Map<number, ConfGroup>();
  private readonly rooms = new Map<number, Room>();
  private readonly centreAnswered = new Map<number, number>();
  private nextRef = 1;
  private readonly handlers: Readonly<Record<string, Handler>>;
  private readonly centreSmdrLive: boolean;
  private readonly quirks: boolean;

  constructor(private readonly host: CtiHost, opts: CtiDeviceOptions = {}) {
    this.centreSmdrLive = opts.centreSmdrLive ?? false;
    this.quirks = opts.quirks ?? false;
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
    this.handlers = this.table();
  }

  /** The number of simulated terminals (the login's `terminalCount`). */
  terminalCount(): number {
    return this.byIndex.length;
  }

  /** Every API request received so far (oldest first). */
  received(): readonly ApiRequestRecord[] {
    return [...this.requests];
  }

  /** Forgets a session's monitor and presence sets (logout, expiry, restart). */
  dropSession(key: string): void {
    this.sessions.delete(key);
  }

  /** Registers or unregisters a device: `registered`/`unregistered` events and a presence change (§7.5.21-22). */
  setRegistered(dn: string, on: boolean): void {
    const d = this.devices.get(dn);
    if (d === undefined || d.registered === on) return;
    const before = this.presenceSnapshot();
    d.registered = on;
    this.flush([{ route: dn, data: { type: on ? 'registered' : 'unregistered', deviceNumber: dn } }]);
    this.presenceChanges(before);
  }

  /** Adds an SMDR record and (unless `live` is false) sends it live to the SMDR sessions. */
  addSmdr(input: SmdrRecordInput, live = true): SmdrStoredRecord {
    const rec = this.smdr.add(input);
    if (!live) return rec;
    const frame = JSON.stringify({ event: 'smdr', data: rec });
    for (const key of this.host.smdrSessions()) this.host.send(key, frame);
    return rec;
  }

  /** Feeds the simulated centre's ACD events: an answered call that disconnects (44) becomes an SMDR record. */
  onCentreEvent(e: AcdWireInput): void {
    if (e.callRefId === undefined) return;
    if (e.code === 42) this.centreAnswered.set(e.callRefId, Date.now());
    if (e.code === 44) {
      const from = this.centreAnswered.get(e.callRefId) ?? Date.now();
      this.centreAnswered.delete(e.callRefId);
      this.addSmdr({
        callRefID: e.callRefId, StationNumber: e.source ?? '', CoNumber: p2(Number(e.dest ?? 0) % 100), Duration: duration(Date.now() - from),
        StartTime: stamp(from), Direction: 'I', DialedNumber1: '', Cost: '0', AccountCode: '', DialedNumber2: '', DisconnectCause: '16-Normal Call Clearing',
      }, this.centreSmdrLive);
    }
  }

  /**
   * Answers one request under `/ipxapi/{type}/v1/users/{id}/` (`resource` = `call/make`, `smdr`, `clickcall`), or
   * `undefined` when the resource is not one of these.
   */
  handle(caller: ApiCaller, method: string, resource: string, record: ApiRequestRecord): ApiAnswer | undefined {
    const isCall = resource.startsWith('call/');
    if (!isCall && resource !== 'smdr' && resource !== 'clickcall') return undefined;
    this.requests.push(record);
    try {
      if (resource === 'smdr') return this.smdrRequest(caller, method, record);
      if (resource === 'clickcall') return this.clickCall(caller, method, record);
      if (caller.kind !== 'server') return { status: 403, body: { error: { code: 3, message: 'License error' } } };
      return this.ctiRequest(caller, method, resource.slice(5), record);
    } catch (e) {
      if (e instanceof Fail) {
        return { status: e.status, body: { error: { code: e.code ?? ctiErrorCode(e.errName) ?? 101, message: e.errName } } };
      }
      throw e;
    }
  }

  // ---- CTI ---------------------------------------------------------------------------------------------------

  /** parameters from the query string, `q=` JSON and a JSON body, for every method. */
  private params(record: ApiRequestRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record.query)) if (k !== 'q') out[k] = v;
    const q = record.query['q'];
    if (q !== undefined) {
      const parsed = parseBody(q);
      if (isObject(parsed)) Object.assign(out, parsed);
    }
    if (isObject(record.body)) Object.assign(out, record.body);
    delete out['__proto__'];
    return out;
  }

  private ctiRequest(caller: ApiCaller, method: string, feature: string, record: ApiRequestRecord): ApiAnswer {
    const p = this.params(record);
    if (feature === 'monitor' || feature === 'presence') return this.subscription(caller, method, feature, p);
    const handler = this.handlers[`${method} ${feature}`];
    if (handler === undefined) return { status: 404, body: { error: { code: 99, message: 'Not Found' } } };
    const before = this.presenceSnapshot();
    const out = { events: [] as Ev[], first: false };
    const data = handler(p, out);
    const tid = p['transactionID'];
    const body: Record<string, unknown> = { data: tid === undefined ? data : { ...data, transactionID: tid } };
    if (tid !== undefined) body['transactionID'] = tid; // echoed at the top level and inside data
    const send = (): void => {
      this.flush(out.events);
      this.presenceChanges(before);
    };
    if (out.first) {
      send();
      return { status: 200, body };
    }
    return { status: 200, body, after: send };
  }

  private session(key: string): SessionState {
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = { serial: 0, monitor: new Set(), presence: new Set() };
      this.sessions.set(key, s);
    }
    return s;
  }

  private subscription(caller: ApiCaller, method: string, feature: 'monitor' | 'presence', p: Params): ApiAnswer {
    const raw = p['deviceNumber'];
    const list = (Array.isArray(raw) ? raw : [raw]).map(str).filter((x) => x !== '');
    if (list.length > MAX_DEVICES) throw new Fail(403, 'Parameter error', 1);
    if (method !== 'POST' && method !== 'DELETE') throw notFound('serviceNotSupported');
    const s = this.session(caller.key);
    const set = feature === 'monitor' ? s.monitor : s.presence;
    const result = list.map((dn) => ({ [dn]: this.devices.has(dn) ? 'OK' : 'invalidParameterValue' }));
    const known = list.filter((dn) => this.devices.has(dn));
    if (method === 'DELETE') {
      for (const dn of known) set.delete(dn);
      return { status: 200, body: feature === 'monitor' ? {} : { result } };
    }
    for (const dn of known) set.add(dn);
    const offline = feature === 'monitor' ? known.filter((dn) => this.devices.get(dn)?.registered === false) : [];
    return { status: 200, body: { result }, after: () => { this.flush(offline.map((dn) => ({ route: dn, data: { type: 'unregistered', deviceNumber: dn } }))); } };
  }

  /** Sends events to every session monitoring their route device, each with the session's next serial. */
  private flush(events: readonly Ev[]): void {
    for (const ev of events) {
      for (const [key, s] of this.sessions) {
        if (!s.monitor.has(ev.route)) continue;
        this.sendTo(key, s, ev.data);
      }
    }
  }

  private sendTo(key: string, s: SessionState, data: Record<string, unknown>): void {
    const type = this.quirks ? (QUIRKS[String(data['type'])] ?? data['type']) : data['type'];
    const frame = JSON.stringify({ event: 'call', data: { ...data, type, evtSerialNum: s.serial + 1 } });
    if (this.host.send(key, frame) > 0) s.serial += 1;
  }

  private presenceOf(d: Device): string {
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
    if (d.dnd) return 'DND';
    const fwd: Readonly<Record<string, string>> = { uncondition: 'fwd_all', busy: 'fwd_busy', no_answer: 'fwd_nans', busy_noans: 'fwd_bsna', DND: 'DND' };
    return fwd[d.fwd.type] ?? 'idle';
  }

  private presenceSnapshot(): Map<string, string> {
    const watched = new Set<string>();
    for (const s of this.sessions.values()) for (const dn of s.presence) watched.add(dn);
    const out = new Map<string, string>();
    for (const dn of watched) {
      const d = this.devices.get(dn);
      if (d !== undefined) out.set(dn, this.presenceOf(d));
    }
    return out;
  }

  /** Presence events for the watched devices whose status changed (§7.7.1: changes only). */
  private presenceChanges(before: ReadonlyMap<string, string>): void {
    for (const [dn, was] of before) {
      const d = this.devices.get(dn);
      if (d === undefined) continue;
      const now = this.presenceOf(d);
      if (now === was) continue;
      for (const [key, s] of this.sessions) {
        if (s.presence.has(dn)) this.sendTo(key, s, { type: 'presence', deviceNumber: dn, deviceType: 'ext', status: now });
      }
    }
  }

  // ---- the simulated world -------------------------------------------------------------------------------------

  private device(v: unknown, name = 'invalidCallingDeviceIdentifier'): Device {
    const d = this.devices.get(str(v));
    if (d === undefined) throw notFound(name);
    return d;
  }

  private call(v: unknown): Call {
    const c = this.calls.get(int(v));
    if (c === undefined) throw notFound('invalidConnectionIdentifier');
    return c;
  }

  private leg(c: Call, dn: string, ok: readonly LegState[], otherwise: string): Leg {
    const l = c.legs.get(dn);
    if (l === undefined) throw forbid('noConnectionToClear');
    if (!ok.includes(l.state)) throw forbid(otherwise);
    return l;
  }

  private others(c: Call, dn: string): string[] {
    return [...c.legs.keys()].filter((x) => x !== dn);
  }

  private legsOf(dn: string, states: readonly LegState[]): Call[] {
    return [...this.calls.values()].filter((c) => states.includes(c.legs.get(dn)?.state ?? ('none' as LegState)));
  }

  private ev(type: string, dn: string, fields: Record<string, unknown> = {}): Ev {
    return { route: dn, data: { type, deviceNumber: dn, serviceDN: dn, ...fields } };
  }

  /** Starts a call from `from` to `to` (Make Call, §7.6.2): proceeding → alerting → ringing / fail / connected. */
  private startCall(from: Device, to: string, out: Ev[]): Call {
    if (!from.registered) throw forbid('unregistered');
    if (this.legsOf(from.dn, ['alerting', 'ringing', 'connected', 'fail']).length > 0) throw forbid('InvalidState');
    if (!DIGITS.test(to) || to === from.dn) throw forbid('invalidDestination');
    const ref = this.nextRef++;
    const c: Call = { ref, caller: from.dn, called: to, legs: new Map([[from.dn, { state: 'alerting' }]]), external: undefined, startedAt: Date.now(), answeredAt: undefined };
    this.calls.set(ref, c);
    const parties = { callingDN: from.dn, calledDN: to };
    out.push(this.ev('proceeding', from.dn, { dialDigit: to, callRefID: ref }));
    out.push(this.ev('alerting', from.dn, { ...parties, causeCode: CAUSE.new_call, causeMsg: 'new_call', callRefID: ref }));
    const target = this.devices.get(to);
    if (target === undefined) {
      // A trunk call: the far end answers at once.
      c.external = to;
      c.answeredAt = Date.now();
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
  private leave(c: Call, dn: string, cause: number, causeMsg: string, out: Ev[]): void {
    c.legs.delete(dn);
    out.push(this.ev('released', dn, { releasedDN: dn, causeCode: cause, causeMsg, callRefID: c.ref }));
  }

  /** Removes `dn` from the call; with one party left the call ends (releasedasc to it, an SMDR record). */
  private release(c: Call, dn: string, cause: number, causeMsg: string, out: Ev[]): void {
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
      this.addSmdr({
        callRefID: c.ref, StationNumber: internal ? c.caller : c.called, CoNumber: c.external === undefined ? '' : '01',
        Duration: duration(Date.now() - c.answeredAt), StartTime: stamp(c.startedAt), Direction: c.external === undefined ? 'I' : 'O',
        DialedNumber1: c.called, Cost: '0', AccountCode: '', DialedNumber2: '', DisconnectCause: '16-Normal Call Clearing',
      });
    }
  }

  private hold(c: Call, dn: string, out: Ev[]): void {
    this.leg(c, dn, ['connected'], 'invalidConnectionState').state = 'hold';
    out.push(this.ev('hold', dn, { holdDN: dn, callRefID: c.ref }));
    for (const o of this.others(c, dn)) out.push(this.ev('held', o, { holdDN: dn, callRefID: c.ref }));
  }

  /** The held call and the active call of a device (Transfer, Conference, Reconnect), `ref` naming either. */
  private pair(dn: string, ref: unknown, noActive: string): { held: Call; active: Call } {
    this.call(ref);
    const held = this.legsOf(dn, ['hold'])[0];
    if (held === undefined) throw forbid('NoHeldCall');
    const active = this.legsOf(dn, ['alerting', 'ringing', 'connected']).find((c) => c.ref !== held.ref);
    if (active === undefined) throw forbid(noActive);
    return { held, active };
  }

  /** Every command: `METHOD path` → handler (§7.6.0). */
  private table(): Record<string, Handler> {
    const conn = (c: Call, dn: string, to: string, cause: number, causeMsg: string, out: Ev[]): void => {
      out.push(this.ev('connected', dn, { callingDN: c.caller, calledDN: to, causeCode: cause, causeMsg, callRefID: c.ref }));
    };
    const agentEvent = (d: Device, type: string): Ev =>
      this.ev(type, d.dn, {
        primaryAgentId: d.agent?.primary === undefined ? '' : d.agent.agentId, primaryAcdGroup: d.agent?.primary ?? '',
        secondaryAgentId: d.agent?.secondary === undefined ? '' : d.agent.agentId, secondaryAcdGroup: d.agent?.secondary ?? '',
      });
    const check = (ok: boolean, name = 'invalidParameterValue'): void => {
      if (!ok) throw forbid(name);
    };
    /** A new destination for a call (reroute, single-step transfer): a number, not a party; an internal one registered. */
    const redirect = (c: Call, from: string, v: unknown): [string, Device | undefined] => {
      const to = str(v);
      check(DIGITS.test(to) && to !== from && !c.legs.has(to), 'invalidDestination');
      const target = this.devices.get(to);
      check(target === undefined || target.registered, 'invalidDestinationDeviceObject');
      return [to, target];
    };
    const group = (p: Params, master: string): ConfGroup => {
      const g = this.groups.get(int(p['groupIndex']));
      if (g === undefined) throw forbid('generic');
      check(g.master === master, 'InvalidOperation');
      return g;
    };
    const member = (g: ConfGroup, p: Params): { dn: string; muted: boolean } => {
      const m = g.members.get(int(p['memberIndex']));
      if (m === undefined) throw forbid('invalidParameterValue');
      return m;
    };
    const groupEvent = (g: ConfGroup, index: number, dn: string, state: string): Ev =>
      ({ route: g.master, data: { type: 'confgroupmember', groupIndex: g.index, groupUsage: 'true', memberIndex: index, memberDN: dn, memberState: state } });
    /** Forward and DND act on `DN` when given (another station), on `deviceNumber` otherwise; both must exist. */
    const subject = (p: Params): Device => {
      this.device(p['deviceNumber']);
      return this.device(p['DN'] ?? p['deviceNumber']);
    };
    const room = (p: Params): [number, Room] => {
      const i = int(p['roomIndex']);
      check(Number.isInteger(i) && i >= 1 && i <= 9);
      let r = this.rooms.get(i);
      if (r === undefined) {
        r = { usage: false, pwd: '', members: [] };
        this.rooms.set(i, r);
      }
      return [i, r];
    };

    return {
      'POST make': (p, out) => {
        if (p['calledDN'] === undefined && p['startIndex'] !== undefined) return this.terminals(p);
        return { callRefID: this.startCall(this.device(p['deviceNumber']), str(p['calledDN']), out.events).ref };
      },
      'POST terminals': (p) => this.terminals(p), // A-3 alias
      'POST answer': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        this.leg(c, d.dn, ['ringing'], 'noCallToAnswer').state = 'connected';
        c.answeredAt = Date.now();
        conn(c, d.dn, d.dn, CAUSE.new_call, 'new_call', out.events);
        for (const o of this.others(c, d.dn)) {
          const l = c.legs.get(o);
          if (l?.state === 'alerting') l.state = 'connected';
          conn(c, o, d.dn, CAUSE.new_call, 'new_call', out.events);
        }
        return {};
      },
      'POST clear_connection': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        const l = this.leg(c, d.dn, ['alerting', 'ringing', 'connected', 'hold', 'fail'], 'noConnectionToClear');
        const reject = l.state === 'ringing';
        this.release(c, d.dn, reject ? CAUSE.reject : CAUSE.normal_clearing, reject ? 'reject' : 'normal_clearing', out.events);
        return {};
      },
      'POST reroute': (p, out) => {
        const d = this.device(p['deviceNumber'], 'invalidDivertingDeviceIdentifier');
        const c = this.call(p['callRefID']);
        this.leg(c, d.dn, ['ringing', 'connected'], 'invalidDivertingDeviceIdentifier');
        const [to, target] = redirect(c, d.dn, p['divertToDN']);
        const fields = { calledDN: to, reroutingDN: d.dn, causeCode: CAUSE.reroute, causeMsg: 'reroute', callRefID: c.ref };
        out.events.push(this.ev('rerouting', d.dn, fields));
        this.leave(c, d.dn, CAUSE.reroute, 'reroute', out.events);
        c.called = to;
        if (target === undefined) {
          c.external = to;
          for (const o of c.legs.keys()) conn(c, o, to, CAUSE.reroute, 'reroute', out.events);
        } else {
          c.legs.set(to, { state: 'ringing' });
          out.events.push(this.ev('ringing', to, { callingDN: c.caller, calledDN: to, diversionNum: d.dn, callType: 'transfer', causeCode: 28, causeMsg: 'redirected', callRefID: c.ref }));
        }
        return {};
      },
      'POST hold': (p, out) => {
        const d = this.device(p['deviceNumber']);
        this.hold(this.call(p['callRefID']), d.dn, out.events);
        return {};
      },
      'POST retrieve': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        this.leg(c, d.dn, ['hold'], 'NoHeldCall').state = 'connected';
        out.events.push(this.ev('retrieve', d.dn, { retrieveDN: d.dn, callRefID: c.ref }));
        for (const o of this.others(c, d.dn)) out.events.push(this.ev('retrieved', o, { retrieveDN: d.dn, callRefID: c.ref }));
        return {};
      },
      'POST consultation': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        check(p['svcType'] === 'transfer' || p['svcType'] === 'conference');
        const to = str(p['calledDN']);
        check(DIGITS.test(to) && !c.legs.has(to), 'invalidDestination');
        this.hold(c, d.dn, out.events);
        return { callRefID: this.startCall(d, to, out.events).ref };
      },
      'POST transfer': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const { held, active } = this.pair(d.dn, p['callRefID'], 'invalidDestination');
        const a = this.others(held, d.dn)[0] ?? held.external ?? '';
        const to = this.others(active, d.dn)[0] ?? active.external ?? '';
        const screened = active.legs.get(to)?.state === 'connected' || active.external !== undefined;
        const fields = { transferToDN: to, transferorDN: d.dn, callRefID: held.ref };
        out.events.push(this.ev('transferring', d.dn, { transferedDN: a, ...fields, callType: screened ? 'screened' : 'unscreened' }));
        for (const o of [...this.others(held, d.dn), ...this.others(active, d.dn)]) out.events.push(this.ev('transferred', o, fields));
        // The held call's callRefID is kept (§7.6.9): the active call's far end moves into it.
        for (const [dn, leg] of active.legs) if (dn !== d.dn) held.legs.set(dn, leg);
        held.external ??= active.external;
        held.answeredAt ??= Date.now();
        this.calls.delete(active.ref);
        const cause = screened ? CAUSE.screened_transfer : 60;
        this.leave(held, d.dn, cause, screened ? 'screened_transfer' : 'unscreened_transfer', out.events);
        return { callRefID: held.ref };
      },
      'POST 1step_transfer': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        this.leg(c, d.dn, ['connected', 'hold'], 'invalidConnectionState');
        const [to, target] = redirect(c, d.dn, p['transferDN']);
        const a = this.others(c, d.dn)[0] ?? c.external ?? '';
        const fields = { transferToDN: to, transferorDN: d.dn, callRefID: c.ref };
        out.events.push(this.ev('transferring', d.dn, { transferedDN: a, ...fields, callType: 'blind' }));
        for (const o of this.others(c, d.dn)) out.events.push(this.ev('transferred', o, fields));
        this.leave(c, d.dn, CAUSE.blind_transfer, 'blind_transfer', out.events);
        if (target === undefined) c.external = to;
        else {
          c.legs.set(to, { state: 'ringing' });
          out.events.push(this.ev('ringing', to, { callingDN: a, calledDN: to, callType: 'transfer', causeCode: CAUSE.blind_transfer, causeMsg: 'blind_transfer', callRefID: c.ref }));
        }
        return { callRefID: c.ref };
      },
      'POST dial_digit': (p) => {
        const d = this.device(p['deviceNumber']);
        this.leg(this.call(p['callRefID']), d.dn, ['connected'], 'invalidConnectionState');
        check(/^[0-9*#]+$/.test(str(p['dialDigit'])));
        return {};
      },
      'POST reconnect': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const { held, active } = this.pair(d.dn, p['callRefID'], 'invalidConnectionState');
        this.release(active, d.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
        (held.legs.get(d.dn) ?? { state: 'connected' }).state = 'connected';
        conn(held, d.dn, held.called, CAUSE.normal_clearing, 'normal_clearing', out.events);
        for (const o of this.others(held, d.dn)) out.events.push(this.ev('retrieved', o, { retrieveDN: d.dn, callRefID: held.ref }));
        return {};
      },
      'POST forward': (p, out) => {
        const d = subject(p);
        const type = str(p['cfwdType']);
        check(['disable', 'uncondition', 'busy', 'no_answer', 'busy_noans', 'DND'].includes(type));
        const dest = str(p['destNumber']);
        check(type === 'disable' || (DIGITS.test(dest) && dest !== d.dn), 'invalidForwardingDestination');
        d.fwd = { type, dest: type === 'disable' ? '' : dest };
        out.events.push(this.ev('forwarding', d.dn, { destination: d.fwd.dest, svcType: type }));
        return {};
      },
      'GET forward': (p) => {
        const d = subject(p);
        return { cfwdType: d.fwd.type, destNumber: d.fwd.dest, ringTime: 10 };
      },
      'POST dnd': (p, out) => {
        const d = subject(p);
        check(p['svcType'] === 'enable' || p['svcType'] === 'disable');
        d.dnd = p['svcType'] === 'enable';
        out.events.push(this.ev('dnd', d.dn, { svcType: d.dnd ? 'enable' : 'disable' }));
        return {};
      },
      'GET dnd': (p) => {
        return { svcType: subject(p).dnd ? 'enable' : 'disable' };
      },
      'POST pickup': (p, out) => {
        this.device(p['deviceNumber']);
        const picker = this.device(p['callingDN']);
        check(this.legsOf(picker.dn, ['alerting', 'ringing', 'connected', 'hold', 'fail']).length === 0, 'invalidConnectionState');
        const type = str(p['pickupType']);
        check(type === 'direct_pickup' || type === 'group_pickup');
        let c: Call | undefined;
        let picked: string;
        if (type === 'direct_pickup') {
          picked = this.device(p['pickedDN'], 'invalidDestination').dn;
          c = this.legsOf(picked, ['ringing'])[0];
        } else {
          c = [...this.calls.values()].find((x) => [...x.legs.values()].some((l) => l.state === 'ringing'));
          picked = [...(c?.legs ?? new Map<string, Leg>())].find(([, l]) => l.state === 'ringing')?.[0] ?? '';
        }
        if (c === undefined) throw forbid('generic');
        c.legs.delete(picked);
        out.events.push(this.ev('released', picked, { releasedDN: picker.dn, causeCode: CAUSE.pickup, causeMsg: 'pickup', callRefID: c.ref }));
        c.legs.set(picker.dn, { state: 'connected' });
        c.answeredAt = Date.now();
        for (const [dn, l] of c.legs) {
          l.state = l.state === 'alerting' ? 'connected' : l.state;
          conn(c, dn, picker.dn, CAUSE.pickup, 'pickup', out.events);
        }
        return {};
      },
      'POST conference': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const { held, active } = this.pair(d.dn, p['callRefID'], 'invalidConnectionState');
        const added = this.others(active, d.dn)[0] ?? active.external ?? '';
        for (const [dn, leg] of active.legs) if (dn !== d.dn) held.legs.set(dn, leg);
        held.external ??= active.external;
        this.calls.delete(active.ref);
        (held.legs.get(d.dn) ?? { state: 'connected' }).state = 'connected';
        const members = [...held.legs.keys()];
        out.events.push(this.ev('conferencing', d.dn, { memberDN: members, newConfMemberDN: added, callRefID: held.ref }));
        for (const o of this.others(held, d.dn)) out.events.push(this.ev('conferenced', o, { memberDN: members, masterDN: d.dn, newConfMemberDN: added, callRefID: held.ref }));
        return { callRefID: held.ref };
      },
      'POST busy_service': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        const l = this.leg(c, d.dn, ['fail'], 'InvalidState');
        const type = str(p['type']);
        check(['intrude', 'callback', 'campon', 'callwait'].includes(type));
        const target = this.device(c.called, 'invalidDestination');
        if (type === 'callback') {
          d.callback = target.dn;
          this.release(c, d.dn, CAUSE.call_back, 'call_back', out.events);
          return { callRefID: c.ref };
        }
        if (type === 'intrude') {
          const busy = this.legsOf(target.dn, ['connected'])[0];
          if (busy === undefined) throw forbid('InvalidState');
          this.calls.delete(c.ref);
          busy.legs.set(d.dn, { state: 'connected' });
          const members = [...busy.legs.keys()];
          for (const dn of members) out.events.push(this.ev('conferenced', dn, { memberDN: members, masterDN: target.dn, newConfMemberDN: d.dn, callRefID: busy.ref }));
          return { callRefID: busy.ref };
        }
        check(target.registered && !target.dnd, 'InvalidState');
        l.state = 'alerting';
        c.legs.set(target.dn, { state: 'ringing' });
        out.events.push(this.ev('ringing', target.dn, { callingDN: d.dn, calledDN: target.dn, causeCode: CAUSE.callwait, causeMsg: 'callwait', callRefID: c.ref }));
        return { callRefID: c.ref };
      },
      'POST call_back': (p) => {
        const d = this.device(p['deviceNumber']);
        check(str(p['svcType']) === 'false');
        check(d.callback !== undefined, 'InvalidState');
        d.callback = undefined;
        return {};
      },
      'GET status': (p) => ({ state: this.presenceOf(this.device(p['deviceNumber'])) }),
      'POST park': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const c = this.call(p['callRefID']);
        this.leg(c, d.dn, ['connected', 'hold'], 'generic');
        let loc = 1;
        while (this.parked.has(loc)) loc++;
        this.parked.set(loc, c.ref);
        this.leave(c, d.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
        return { parkingLoc: loc };
      },
      'POST unpark': (p, out) => {
        this.device(p['deviceNumber']);
        const picker = this.device(p['callingDN'], 'invalidDestination');
        const ref = this.parked.get(int(p['parkingLoc']));
        const c = ref === undefined ? undefined : this.calls.get(ref);
        if (c === undefined) throw forbid('generic');
        check(this.legsOf(picker.dn, ['alerting', 'ringing', 'connected', 'fail']).length === 0, 'generic');
        this.parked.delete(int(p['parkingLoc']));
        c.legs.set(picker.dn, { state: 'connected' });
        conn(c, picker.dn, picker.dn, CAUSE.normal_clearing, 'normal_clearing', out.events);
        return {};
      },
      'GET mwi': (p) => {
        const m = this.device(p['deviceNumber']).mwi;
        return { msgStatus: m.newMsg + m.newUrgentMsg > 0 ? 'true' : 'false', ...m };
      },
      'POST flexpage': (p) => {
        const i = int(p['page_index']);
        check(Number.isInteger(i) && i >= 1 && i <= 4); // the four example entries of the Flexible Page menu
        this.device(p['service_num'], 'invalidDestination');
        return {};
      },
      'POST agent_logon': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const agentId = str(p['agentId']);
        const prio = int(p['loginPriority']);
        check(/^\d{4}$/.test(agentId) && /^\d+$/.test(str(p['groupNumber'])) && prio >= 0 && prio <= 9);
        const slot = p['loginPrimary'] === 'secondary' ? 'secondary' : 'primary';
        const taken = [...this.devices.values()].some((x) => x.agent?.agentId === agentId && x.agent[slot] !== undefined);
        check(!taken && d.agent?.[slot] === undefined, 'InvalidState');
        d.agent = { ...(d.agent ?? {}), agentId, [slot]: str(p['groupNumber']) };
        out.first = true; // §7.6.27: the event comes before the answer
        out.events.push(agentEvent(d, 'agent_logon'));
        return {};
      },
      'POST agent_logoff': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const slot = p['loginPrimary'] === 'secondary' ? 'secondary' : 'primary';
        check(d.agent?.agentId === str(p['agentId']) && d.agent[slot] === str(p['groupNumber']), 'InvalidState');
        out.first = true;
        out.events.push(agentEvent(d, 'agent_logoff'));
        const rest = { agentId: str(p['agentId']), ...d.agent, [slot]: undefined };
        d.agent = rest.primary === undefined && rest.secondary === undefined ? undefined : rest;
        return {};
      },
      'POST agent_state': (p, out) => {
        const d = this.device(p['deviceNumber']);
        check(d.agent?.agentId === str(p['agentId']), 'InvalidState');
        check(['dutyOn', 'dutyOff'].includes(str(p['agentState'])) && /^[0-9*#]$/.test(str(p['reasonCode'])));
        out.first = true;
        out.events.push(agentEvent(d, p['agentState'] === 'dutyOn' ? 'agent_ready' : 'agent_notready'));
        return {};
      },
      'POST confgroup': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const i = int(p['groupIndex']);
        check((i >= 1 && i <= 265) || i === 999);
        if (i === 999) {
          const mine = [...this.groups.values()].find((g) => g.master === d.dn);
          if (mine === undefined) throw forbid('generic');
          this.groups.delete(mine.index);
          return {};
        }
        check(!this.groups.has(i) && ![...this.groups.values()].some((g) => g.master === d.dn), 'InvalidState');
        this.groups.set(i, { index: i, master: d.dn, members: new Map() });
        const ref = this.nextRef++;
        const f = { callingDN: d.dn, calledDN: String(i), causeCode: 65, causeMsg: 'group_call', callRefID: ref };
        out.events.push(this.ev('proceeding', d.dn, { dialDigit: String(i), callRefID: ref }), this.ev('alerting', d.dn, f), this.ev('connected', d.dn, f));
        return {};
      },
      'POST confgroup_callee': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const g = group(p, d.dn);
        const index = int(p['memberIndex']);
        const dn = str(p['memberDN']);
        check(index > 0 && !g.members.has(index) && DIGITS.test(dn) && ['station', 'co', 'net'].includes(str(p['memberType'])));
        g.members.set(index, { dn, muted: false });
        out.events.push(groupEvent(g, index, dn, 'busy'));
        return {};
      },
      'DELETE confgroup_callee': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const g = group(p, d.dn);
        const m = member(g, p);
        g.members.delete(int(p['memberIndex']));
        out.events.push(groupEvent(g, int(p['memberIndex']), m.dn, 'idle'));
        return {};
      },
      'POST confgroup_mutecallee': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const g = group(p, d.dn);
        const m = member(g, p);
        check(p['svcType'] === 'on' || p['svcType'] === 'off');
        m.muted = p['svcType'] === 'on';
        out.first = true; // §7.6.34: the SetMuteOn event comes before the answer
        out.events.push(this.ev('muteon', d.dn, { groupIndex: g.index, memberIndex: int(p['memberIndex']), muteOn: String(m.muted) }));
        return {};
      },
      'GET confroom': (p) => {
        this.device(p['deviceNumber']);
        const [i, r] = room(p);
        return { roomIndex: i, roomUsage: String(r.usage), memberCount: r.members.length, member: r.members };
      },
      'POST confroom': (p, out) => {
        const d = this.device(p['deviceNumber']);
        const [i, r] = room(p);
        const open = str(p['roomUsage']) === 'true';
        check(['true', 'false'].includes(str(p['roomUsage'])));
        if (!open) check(!r.usage || r.pwd === str(p['roomPwd']), 'InvalidPassword');
        r.usage = open;
        r.pwd = open ? str(p['roomPwd']) : '';
        r.members = open ? [d.dn] : [];
        out.events.push(this.ev('confroommember', d.dn, { roomIndex: i, roomUsage: String(open), memberCount: r.members.length, member: r.members }));
        return {};
      },
    };
  }

  private terminals(p: Params): Record<string, unknown> {
    const start = int(p['startIndex']);
    const count = int(p['count']);
    if (!(start >= 1) || !(count >= 1 && count <= MAX_DEVICES)) throw forbid('invalidParameterValue');
    const terminals = this.byIndex.slice(start - 1, start - 1 + count).map((d) => ({
      deviceIndex: d.index, deviceNumber: d.dn, deviceType: 'LIP-9040C', tenantNumber: 1, callControl: 'enable',
    }));
    return { terminals };
  }

  // ---- SMDR and click-to-call --------------------------------------------------------------------------------

  private smdrRequest(caller: ApiCaller, method: string, record: ApiRequestRecord): ApiAnswer {
    const p = record.query;
    const parse = (text: string | undefined): unknown => {
      if (text === undefined) return undefined;
      const v = parseBody(text);
      if (!isObject(v)) throw new Fail(403, 'Parameter error', 1);
      return v;
    };
    try {
      if (method === 'GET') {
        const q = parse(p['q']) as Record<string, unknown> | undefined;
        const countOnly = p['countOnly'] === 'true' || q?.['countOnly'] === true || q?.['countOnly'] === 'true';
        const max = int(p['maxCount'] ?? q?.['maxCount'] ?? 50);
        if (!(max > 0)) throw new Fail(403, 'Parameter error', 1);
        const station = caller.kind === 'station' ? caller.userId : undefined;
        return { status: 200, body: this.smdr.query(q ?? {}, { maxCount: max, countOnly, ...(station === undefined ? {} : { station }) }) };
      }
      if (method === 'DELETE') {
        if (caller.kind !== 'server') throw new Fail(403, 'License error', 3);
        const filter = p['q'] !== undefined ? parse(p['q']) : isObject(record.body) ? record.body : undefined;
        if (filter === undefined) throw new Fail(403, 'Parameter error', 1);
        const n = this.smdr.delete(filter);
        this.host.log(`smdr: deleted ${n}`);
        return { status: 200, body: {} };
      }
      throw new Fail(404, 'Not Found', 99);
    } catch (e) {
      if (e instanceof SmdrFilterError) throw new Fail(403, 'Parameter error', 1);
      throw e;
    }
  }

  private clickCall(caller: ApiCaller, method: string, record: ApiRequestRecord): ApiAnswer {
    if (method !== 'POST') throw new Fail(404, 'Not Found', 99);
    if (caller.kind !== 'station') throw new Fail(403, 'Access denied', 102);
    const body = isObject(record.body) ? record.body : {};
    const from = str(body['From']);
    const to = str(body['To']);
    if (from !== caller.userId || !DIGITS.test(to)) throw new Fail(403, 'Parameter error', 105);
    const d = this.devices.get(from);
    if (d === undefined) throw new Fail(403, 'Not OK', 104);
    const before = this.presenceSnapshot();
    const events: Ev[] = [];
    try {
      this.startCall(d, to, events);
    } catch (e) {
      if (e instanceof Fail) throw new Fail(403, 'Caller busy', 110);
      throw e;
    }
    return { status: 200, after: () => { this.flush(events); this.presenceChanges(before); } };
  }
}
