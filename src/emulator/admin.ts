// The admin face of the emulator (ipecs-webapi.md §10.1 item 17: test hooks and "Log out other users"): the same
// controls as the `Emulator` API, served on the same port under `/admin/…`, local only, no PBX credentials. Every
// route maps to one public method, so this file is the list of what a test in another process can do.
//
//   GET  /admin/counters, /admin/ground-truth[?at=S], /admin/centre (how it started, where it is),
//        /admin/centre/state[?at=S], /admin/sent-frames (with recordSent), /admin/api-requests, /admin/smdr
//   POST /admin/acd (JSON event or array), /admin/raw[?binary=1] (body verbatim), /admin/burst?n=N,
//        /admin/scenario?name=N[&speed=S], /admin/centre/start (JSON LiveCentreOptions), /admin/centre/stop,
//        /admin/restart?downMs=N, /admin/smdr (JSON record or array), /admin/cti/registered?dn=N&on=1|0,
//        /admin/clock/advance?seconds=N,
//        /admin/faults/drop-sockets, /admin/faults/half-open?on=1|0, /admin/faults/refuse-logins?seconds=N[&as=A],
//        /admin/faults/already-login?on=1|0, /admin/faults/expire-sessions[?sockets=drop|close|keep],
//        /admin/faults/malformed?kind=K[&size=N]

import type * as http from 'node:http';
import { ERR } from './errors.js';
import { isLoopback, readBody, writeError, writeJson } from './http.js';
import type { AcdWireInput } from './format.js';
import type { SmdrRecordInput } from './smdr-store.js';
import type { Emulator, LiveCentreOptions, MalformedKind } from './types.js';

const MALFORMED: readonly string[] = ['invalid-json', 'not-object', 'no-event-code', 'oversized', 'binary', 'invalid-utf8'];

/** Answers one `/admin/…` request by calling the emulator's public API. */
export async function adminRequest(emu: Emulator, req: http.IncomingMessage, res: http.ServerResponse, url: URL, log: (line: string) => void): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress) && req.socket.remoteAddress !== emu.host) {
    req.resume();
    writeError(res, 403, { code: 99, message: 'Admin is local only' });
    return;
  }
  const raw = await readBody(req);
  const body = raw.toString('utf8');
  const q = url.searchParams;
  const on = (): boolean => q.get('on') !== '0' && q.get('on') !== 'false';
  const path = url.pathname.replace(/\/+$/, '');
  const ok = (extra?: unknown): void => { writeJson(res, 200, extra ?? { ok: true }); };
  const at = q.get('at');
  const instant = at === null ? {} : { atSimSeconds: Number(at) };
  if (at !== null && !(Number(at) >= 0)) { writeError(res, 400, ERR.parameter); return; }
  if (req.method === 'GET') {
    switch (path) {
      case '/admin/ground-truth': ok(emu.groundTruth(instant)); return;
      case '/admin/centre': writeJson(res, 200, emu.centreInfo() ?? null); return;
      case '/admin/centre/state': writeJson(res, 200, emu.centreState(instant) ?? null); return;
      case '/admin/counters': ok(emu.counters()); return;
      case '/admin/sent-frames': ok(emu.sentFrames()); return;
      case '/admin/api-requests': ok(emu.apiRequests()); return;
      case '/admin/smdr': ok(emu.smdrRecords()); return;
      default: writeError(res, 404, ERR.notFound); return;
    }
  }
  switch (path) {
    case '/admin/faults/drop-sockets': emu.faults.dropSockets(); ok(); return;
    case '/admin/faults/half-open': emu.faults.halfOpen(on()); ok(); return;
    case '/admin/faults/refuse-logins': {
      const as = q.get('as') ?? 'already-login';
      if (as !== 'already-login' && as !== 'too-many-logins' && as !== 'unavailable') { writeError(res, 400, ERR.parameter); return; }
      emu.faults.refuseLogins(Number(q.get('seconds') ?? '10'), { as });
      ok();
      return;
    }
    case '/admin/clock/advance': {
      const seconds = Number(q.get('seconds') ?? 'NaN');
      if (!Number.isFinite(seconds) || seconds < 0) { writeError(res, 400, ERR.parameter); return; }
      emu.advanceClock(seconds);
      ok();
      return;
    }
    case '/admin/faults/already-login': emu.faults.alreadyLogin(on()); ok(); return;
    case '/admin/faults/expire-sessions': {
      const mode = q.get('sockets') ?? 'drop';
      if (mode !== 'drop' && mode !== 'close' && mode !== 'keep') { writeJson(res, 400, { error: 'sockets must be drop, close or keep' }); return; }
      emu.faults.expireSessions({ sockets: mode });
      ok();
      return;
    }
    case '/admin/faults/malformed': {
      const kind = q.get('kind') ?? 'invalid-json';
      if (!MALFORMED.includes(kind)) { writeError(res, 400, ERR.parameter); return; }
      const size = q.get('size');
      emu.faults.sendMalformed(kind as MalformedKind, size === null ? undefined : Number(size));
      ok();
      return;
    }
    case '/admin/scenario': {
      const speed = q.get('speed');
      await emu.playScenario(q.get('name') ?? '', speed === null ? undefined : { speed: Number(speed) });
      ok();
      return;
    }
    case '/admin/burst': ok(await emu.burst(Number(q.get('n') ?? '1000'))); return;
    case '/admin/acd': {
      const events: unknown = JSON.parse(body === '' ? '[]' : body);
      for (const e of Array.isArray(events) ? events : [events]) emu.sendAcd(e as AcdWireInput);
      ok();
      return;
    }
    case '/admin/raw': {
      const binary = q.get('binary') === '1';
      emu.sendRaw(binary ? raw : body, { binary });
      ok();
      return;
    }
    case '/admin/centre/start': emu.startCentre(body === '' ? {} : (JSON.parse(body) as LiveCentreOptions)); ok(); return;
    case '/admin/centre/stop': emu.stopCentre(); ok(); return;
    case '/admin/smdr': {
      const records: unknown = JSON.parse(body === '' ? '[]' : body);
      ok((Array.isArray(records) ? records : [records]).map((rec) => emu.smdrAdd(rec as SmdrRecordInput)));
      return;
    }
    case '/admin/cti/registered': emu.setRegistered(q.get('dn') ?? '', on()); ok(); return;
    case '/admin/restart': {
      ok();
      const downMs = Number(q.get('downMs') ?? '0');
      setTimeout(() => { emu.restart({ downMs }).catch((e: unknown) => { log(`restart failed: ${String(e)}`); }); }, 10);
      return;
    }
    default: writeError(res, 404, ERR.notFound);
  }
}
