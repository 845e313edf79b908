// Fault injection, burst, restart and the admin API of the emulator, seen from plain ws/axios clients.
import { describe, expect, it } from 'vitest';
import axios from 'axios';
import * as net from 'node:net';

import { body, checkConnection, emulatorPerTest, httpClient, login, openSocket, token, waitFor } from './helpers.js';

const { start } = emulatorPerTest();

const check = checkConnection;

describe('faults', () => {
  it('dropSockets kills every socket abruptly (1006) and keeps the session', async () => {
    const e = await start();
    const t = await token(e);
    const rec = await openSocket(e, t);
    e.faults.dropSockets();
    expect((await rec.closed).code).toBe(1006);
    expect(await check(e, t)).toBe(200);
    await waitFor(() => e.counters().socketsOpen === 0);
    const again = await openSocket(e, t);
    again.ws.close();
  });

  it('halfOpen: no frames and no pong while the TCP connection stays up; off again → both flow', async () => {
    const e = await start();
    const rec = await openSocket(e, await token(e));
    let pongs = 0;
    rec.ws.on('pong', () => { pongs++; });
    rec.ws.ping();
    await waitFor(() => pongs === 1, 5000, 'first pong');
    e.faults.halfOpen(true);
    rec.ws.ping();
    e.sendAcd({ code: 18, source: '1000' });
    e.sendRaw('raw');
    await new Promise((r) => setTimeout(r, 800));
    expect(pongs).toBe(1);
    expect(rec.frames).toHaveLength(0);
    expect(rec.ws.readyState).toBe(rec.ws.OPEN);
    expect(e.counters().socketsOpen).toBe(1);
    e.faults.halfOpen(false);
    await waitFor(() => pongs === 2, 5000, 'late pong');
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => rec.frames.length === 1, 5000, 'frame after half-open');
    rec.ws.close();
  });

  it('refuseLogins refuses like the spec\'s PBX (401 Already Login) for the given time; 503 or the account limit only when asked', async () => {
    const e = await start();
    e.faults.refuseLogins(30);
    const res = await login(e);
    expect([res.status, body(res)]).toEqual([401, { error: { code: 99, message: 'Already Login' } }]);
    // Credentials are still checked first: a wrong password is code 2, never retried by a client.
    expect(body(await login(e, 'acd', 'wrong'))).toEqual({ error: { code: 2, message: 'Invalid Login Information' } });
    e.advanceClock(31);
    expect((await login(e)).status).toBe(200);
    e.faults.expireSessions();

    e.faults.refuseLogins(30, { as: 'unavailable' });
    const unavailable = await login(e, 'acd', 'wrong');
    expect([unavailable.status, body(unavailable)]).toEqual([503, { error: { code: 99, message: 'Service Unavailable' } }]);
    await httpClient(e).post('/admin/faults/refuse-logins?seconds=30&as=too-many-logins');
    const tooMany = await login(e);
    expect([tooMany.status, body(tooMany)]).toEqual([401, { error: { code: 99, message: 'Maximum Number Of Logins Exceeded' } }]);
    expect((await httpClient(e).post('/admin/faults/refuse-logins?seconds=1&as=sideways')).status).toBe(400);
    await httpClient(e).post('/admin/clock/advance?seconds=31');
    expect((await login(e)).status).toBe(200);
    expect(e.counters()).toMatchObject({ logins: 2, loginFailures: 4, alreadyLogin: 1 });
  });

  it('alreadyLogin answers every login with 401 "Already Login" until switched off', async () => {
    const e = await start();
    e.faults.alreadyLogin(true);
    const res = await login(e);
    expect(res.status).toBe(401);
    expect(body(res)).toEqual({ error: { code: 99, message: 'Already Login' } });
    e.faults.alreadyLogin(false);
    expect((await login(e)).status).toBe(200);
  });

  it('expireSessions invalidates tokens, closes their sockets and frees the accounts', async () => {
    const e = await start();
    const t = await token(e);
    const rec = await openSocket(e, t);
    e.faults.expireSessions();
    await rec.closed;
    expect(await check(e, t)).toBe(401);
    expect(e.counters().sessionsExpired).toBe(1);
    expect((await login(e)).status).toBe(200);
  });

  it('expireSessions can close the sockets with a close frame, or keep them open under a dead session', async () => {
    const e = await start();
    const closing = await openSocket(e, await token(e));
    e.faults.expireSessions({ sockets: 'close' });
    // 1000 with the logout type the PBX's HTTP log records for "Log out other users" (§1.5).
    expect(await closing.closed).toEqual({ code: 1000, reason: 'Forced Logout' });

    const t = await token(e);
    const kept = await openSocket(e, t);
    await httpClient(e).post('/admin/faults/expire-sessions?sockets=keep');
    expect(await check(e, t)).toBe(401);
    expect(kept.ws.readyState).toBe(kept.ws.OPEN);
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => kept.frames.length === 1, 5000, 'a frame on the kept socket');
    expect((await httpClient(e).post('/admin/faults/expire-sessions?sockets=sideways')).status).toBe(400);
    kept.ws.close();
  });

  it('recordSent logs every frame it wrote, in order, with the number of sockets', async () => {
    const e = await start({ recordSent: true });
    e.sendAcd({ code: 18, source: '1000' }); // no socket yet: not logged
    const rec = await openSocket(e, await token(e));
    e.sendAcd({ code: 17, source: '1001' });
    e.sendRaw(Buffer.from([0xc3, 0x28]), { binary: true });
    await waitFor(() => rec.frames.length === 2, 5000, 'two frames');
    const sent = e.sentFrames();
    expect(sent.map((f) => [f.seq, f.binary, f.sockets])).toEqual([[1, false, 1], [2, true, 1]]);
    expect(JSON.parse(sent[0]!.text)).toMatchObject({ event: 'acd', data: { eventCode: 17 } });
    expect(sent[1]!.text).toBe(Buffer.from([0xc3, 0x28]).toString('base64'));
    expect(body(await httpClient(e).get('/admin/sent-frames'))).toEqual(sent);
    rec.ws.close();
  });

  it('sendMalformed sends each hostile kind', async () => {
    const e = await start();
    const rec = await openSocket(e, await token(e));
    e.faults.sendMalformed('invalid-json');
    e.faults.sendMalformed('not-object');
    e.faults.sendMalformed('no-event-code');
    e.faults.sendMalformed('oversized', 100_000);
    e.faults.sendMalformed('binary', 32);
    await waitFor(() => rec.frames.length === 5);
    const [bad, notObj, noCode, big, bin] = rec.frames;
    expect(() => JSON.parse(bad as string) as unknown).toThrow();
    expect(Array.isArray(JSON.parse(notObj as string))).toBe(true);
    const nc = JSON.parse(noCode as string) as { event: string; data: Record<string, unknown> };
    expect(nc.event).toBe('acd');
    expect(nc.data).not.toHaveProperty('eventCode');
    expect(typeof big).toBe('string');
    expect((big as string).length).toBeGreaterThanOrEqual(100_000);
    expect(JSON.parse(big as string)).toMatchObject({ event: 'acd', data: { eventCode: 72 } });
    expect(Buffer.isBuffer(bin)).toBe(true);
    expect((bin as Buffer).length).toBe(32);
    // Invalid UTF-8 in a text frame: the ws client fails the connection (it sends close 1007).
    e.faults.sendMalformed('invalid-utf8');
    await rec.closed;
    expect(rec.errors).toContain('WS_ERR_INVALID_UTF8');
    expect(rec.frames).toHaveLength(5);
  });

  it('sendMalformed oversized defaults to 2 MiB (past a 1 MiB maxPayload)', async () => {
    const e = await start({ tls: false });
    const rec = await openSocket(e, await token(e));
    e.faults.sendMalformed('oversized');
    await waitFor(() => rec.frames.length === 1);
    expect((rec.frames[0] as string).length).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    rec.ws.close();
  });

  it('restart drops sockets and sessions, is down for downMs, and listens again on the same port', async () => {
    const e = await start();
    const port = e.port;
    const t = await token(e);
    const rec = await openSocket(e, t);
    const restarting = e.restart({ downMs: 1000 });
    await rec.closed;
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(false); });
      s.once('error', () => { resolve(true); });
    });
    expect(refused).toBe(true);
    await restarting;
    expect(e.port).toBe(port);
    expect(await check(e, t)).toBe(401);
    const t2 = await token(e);
    const rec2 = await openSocket(e, t2);
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => rec2.frames.length === 1);
    rec2.ws.close();
  });
});

describe('burst', () => {
  it('delivers n events in order to a socket, respecting backpressure', async () => {
    const e = await start({ tls: false });
    const rec = await openSocket(e, await token(e));
    const res = await e.burst(20_000);
    expect(res.sent).toBe(20_000);
    await waitFor(() => rec.frames.length === 20_000, 20_000, 'burst frames');
    const first = JSON.parse(rec.frames[0] as string) as { data: { eventCode: number; callRefID: number } };
    const last = JSON.parse(rec.frames[19_999] as string) as { data: { eventCode: number } };
    expect(first.data).toMatchObject({ eventCode: 17, callRefID: 1 });
    expect(last.data.eventCode).toBe(18);
    rec.ws.close();
  });
});

describe('admin API', () => {
  it('serves counters, ground truth, faults, injection and burst without PBX credentials', async () => {
    const e = await start();
    const admin = httpClient(e);
    const t = await token(e);
    const rec = await openSocket(e, t);
    const counters = body(await admin.get('/admin/counters')) as Record<string, number>;
    expect(counters).toMatchObject({ logins: 1, socketsOpen: 1 });
    expect(body(await admin.get('/admin/ground-truth'))).toMatchObject({ running: false, offered: 0 });
    expect((await admin.post('/admin/acd', JSON.stringify({ code: 18, source: '1004' }), { headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect(body(await admin.post('/admin/burst?n=10'))).toMatchObject({ sent: 10 });
    await waitFor(() => rec.frames.length === 11);
    await admin.post('/admin/raw', 'hello', { headers: { 'content-type': 'text/plain' } });
    await admin.post('/admin/raw?binary=1', Buffer.from([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } });
    await waitFor(() => rec.frames.length === 13);
    expect(rec.frames[11]).toBe('hello');
    expect(rec.frames[12]).toEqual(Buffer.from([1, 2, 3]));
    expect((await admin.post('/admin/faults/malformed?kind=nope')).status).toBe(400);
    expect((await admin.post('/admin/faults/already-login?on=1')).status).toBe(200);
    expect((await login(e, 'other')).status).toBe(401);
    await admin.post('/admin/faults/already-login?on=0');
    expect((await admin.post('/admin/faults/drop-sockets')).status).toBe(200);
    await rec.closed;
    expect((await admin.post('/admin/faults/expire-sessions')).status).toBe(200);
    expect(await check(e, t)).toBe(401);
    expect((await admin.post('/admin/nothing')).status).toBe(404);
  });

  it('plays a scenario and drives the centre over HTTP', async () => {
    const e = await start({ tls: false });
    const rec = await openSocket(e, await token(e));
    const res = await axios.post(`${e.baseUrl}/admin/scenario?name=outbound&speed=100`);
    expect(res.status).toBe(200);
    expect(rec.frames).toHaveLength(7);
    await axios.post(`${e.baseUrl}/admin/centre/start`, { seed: 2, speed: 600 });
    await waitFor(() => rec.frames.length > 7 + 30, 10_000, 'centre events');
    await axios.post(`${e.baseUrl}/admin/centre/stop`);
    const gt = (await axios.get<{ running: boolean; events: number }>(`${e.baseUrl}/admin/ground-truth`)).data;
    expect(gt.running).toBe(false);
    expect(gt.events).toBeGreaterThan(20);
    rec.ws.close();
  });
});
