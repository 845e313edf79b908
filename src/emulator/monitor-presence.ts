// CTI event subscription (ipecs-webapi.md §7.3 Monitor, §7.7 Presence, §7.4, §10.1 items 20-25, A-19, A-25, A-26,
// per session a monitor set and a presence set; call events go to the sessions monitoring their device,
// each numbered by that session's own `evtSerialNum` from 1; presence events go only on a status change; at most
// 100 devices per request; unknown devices answer `invalidParameterValue`, unregistered ones `OK` and then an
// `unregistered` event; Monitor Stop answers `{}`, Presence Stop the result list; `transactionID` is echoed.

import { ApiFailure, ERR } from './errors.js';
import { MAX_DEVICES, str, type CtiWorld, type Ev, type Params } from './cti-world.js';
import type { ApiAnswer, ApiCaller } from './http.js';

/** Where CTI frames go: the open sockets of a session. */
export interface FrameSink {
  /** Sends a text frame to every open socket of the session; returns how many sockets got it. */
  send(sessionKey: string, frame: string): number;
}

interface SessionState {
  serial: number;
  readonly monitor: Set<string>;
  readonly presence: Set<string>;
}

/** The type spellings of the spec's examples and tables, sent in quirks mode. */
const QUIRKS: Readonly<Record<string, string>> = { held: ' held', hold: ' hold', unregistered: ' unregistered', muteon: 'setmuteon', confgroupmember: 'confroommember ' };

/** The monitor and presence sets of every session, and the sending of CTI events to them. */
export class Subscriptions {
  private readonly sessions = new Map<string, SessionState>();

  constructor(
    private readonly world: CtiWorld,
    private readonly sink: FrameSink,
    private readonly quirks: boolean,
  ) {}

  /** Forgets a session's monitor and presence sets (logout, expiry, restart). */
  dropSession(key: string): void {
    this.sessions.delete(key);
  }

  /** Monitor/Presence Start (POST) and Stop (DELETE) for one session. */
  request(caller: ApiCaller, method: string, feature: 'monitor' | 'presence', p: Params): ApiAnswer {
    const raw = p['deviceNumber'];
    const list = (Array.isArray(raw) ? raw : [raw]).map(str).filter((x) => x !== '');
    if (list.length > MAX_DEVICES) throw new ApiFailure(403, ERR.parameter);
    const s = this.session(caller.key);
    const set = feature === 'monitor' ? s.monitor : s.presence;
    const devices = this.world.devices;
    const result = list.map((dn) => ({ [dn]: devices.has(dn) ? 'OK' : 'invalidParameterValue' }));
    const known = list.filter((dn) => devices.has(dn));
    // A-30, like the commands: a `transactionID` sent is echoed as it was sent (number or string), at the top level.
    const tid = p['transactionID'];
    const echo = tid === undefined ? {} : { transactionID: tid };
    if (method === 'DELETE') {
      for (const dn of known) set.delete(dn);
      return { status: 200, body: feature === 'monitor' ? echo : { result, ...echo } };
    }
    for (const dn of known) set.add(dn);
    const offline = feature === 'monitor' ? known.filter((dn) => devices.get(dn)?.registered === false) : [];
    return { status: 200, body: { result, ...echo }, after: () => { this.flush(offline.map((dn) => ({ route: dn, data: { type: 'unregistered', deviceNumber: dn } }))); } };
  }

  /** Sends events to every session monitoring their route device, each with the session's next serial. */
  flush(events: readonly Ev[]): void {
    for (const ev of events) {
      for (const [key, s] of this.sessions) {
        if (!s.monitor.has(ev.route)) continue;
        this.sendTo(key, s, ev.data);
      }
    }
  }

  /** The presence status of every watched device, to compare after a change. */
  presenceSnapshot(): Map<string, string> {
    const watched = new Set<string>();
    for (const s of this.sessions.values()) for (const dn of s.presence) watched.add(dn);
    const out = new Map<string, string>();
    for (const dn of watched) {
      const d = this.world.devices.get(dn);
      if (d !== undefined) out.set(dn, this.world.presenceOf(d));
    }
    return out;
  }

  /** Presence events for the watched devices whose status changed since `before` (§7.7.1: changes only). */
  presenceChanges(before: ReadonlyMap<string, string>): void {
    for (const [dn, was] of before) {
      const d = this.world.devices.get(dn);
      if (d === undefined) continue;
      const now = this.world.presenceOf(d);
      if (now === was) continue;
      for (const [key, s] of this.sessions) {
        if (s.presence.has(dn)) this.sendTo(key, s, { type: 'presence', deviceNumber: dn, deviceType: 'ext', status: now });
      }
    }
  }

  /** Runs a change of the world, then sends its events and the presence changes it caused. */
  publish(events: readonly Ev[], before: ReadonlyMap<string, string>): void {
    this.flush(events);
    this.presenceChanges(before);
  }

  /** Registers or unregisters a device: `registered`/`unregistered` events and a presence change (§7.5.21-22). */
  setRegistered(dn: string, on: boolean): void {
    const d = this.world.devices.get(dn);
    if (d === undefined || d.registered === on) return;
    const before = this.presenceSnapshot();
    d.registered = on;
    this.publish([{ route: dn, data: { type: on ? 'registered' : 'unregistered', deviceNumber: dn } }], before);
  }

  private session(key: string): SessionState {
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = { serial: 0, monitor: new Set(), presence: new Set() };
      this.sessions.set(key, s);
    }
    return s;
  }

  /** One event to one session: its next `evtSerialNum`, counted only when a socket took the frame. */
  private sendTo(key: string, s: SessionState, data: Record<string, unknown>): void {
    const type = this.quirks ? (QUIRKS[String(data['type'])] ?? data['type']) : data['type'];
    const frame = JSON.stringify({ event: 'call', data: { ...data, type, evtSerialNum: s.serial + 1 } });
    if (this.sink.send(key, frame) > 0) s.serial += 1;
  }
}
