// Session rules of the emulator (ipecs-webapi.md §1.4-1.5, §3, §10.1 items 1-18), over real HTTPS and WSS.
import { afterEach, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { startEmulator, type Emulator, type EmulatorAccount } from '../../src/emulator/index.js';
import { acdData, body, httpClient, login, openSocket, token, waitFor } from './helpers.js';

const accounts: EmulatorAccount[] = [
  { userId: 'acd', password: 'acd', kind: 'server' },
  { userId: 'a2', password: 'p2', kind: 'server' },
  { userId: 'a3', password: 'p3', kind: 'server' },
  { userId: 'a4', password: 'p4', kind: 'server' },
  { userId: 'noacd', password: 'x', kind: 'server', privileges: { acd: false, cti: false } },
  { userId: '1000', password: '1234', kind: 'station' },
];

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(opts: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  emu = await startEmulator({ port: 0, accounts, timeAndDate: false, ...opts });
  return emu;
}

describe('login', () => {
  it('answers 200 with an opaque 43-character token and the session facts', async () => {
    const e = await start();
    expect(new X509Certificate(e.certificatePem).fingerprint256).toBe(e.fingerprint256);
    const res = await login(e);
    expect(res.status).toBe(200);
    const b = body(res) as Record<string, unknown>;
    expect(b['token']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toMatchObject({ checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0', terminalCount: 120 });
    expect(typeof b['systemVersion']).toBe('string');
    expect(e.counters().logins).toBe(1);
  });

  it('reports the configured timeout and omits terminalCount without CTI', async () => {
    const e = await start({ sessionTimeoutSeconds: 30 });
    const b = body(await login(e, 'noacd', 'x')) as Record<string, unknown>;
    expect(b['checkConnectionTimer']).toBe(30);
    expect(b).not.toHaveProperty('terminalCount');
  });

  it('refuses bad credentials and a mismatched account type with 401 code 2', async () => {
    const e = await start();
    for (const res of [
      await login(e, 'acd', 'wrong'),
      await login(e, 'nobody', 'acd'),
      await login(e, 'acd', 'acd', 'client'),
      await login(e, '1000', '1234', 'server'),
      await httpClient(e).get('/ipxapi/server/v1/users/acd/login'),
    ]) {
      expect(res.status).toBe(401);
      expect(body(res)).toEqual({ error: { code: 2, message: 'Invalid Login Information' } });
    }
    expect((await login(e, '1000', '1234', 'client')).status).toBe(200);
    expect(e.counters().loginFailures).toBe(5);
  });

  it('allows one session per account: a second login is 401 code 99 "Already Login"', async () => {
    const e = await start();
    expect((await login(e)).status).toBe(200);
    const again = await login(e);
    expect(again.status).toBe(401);
    expect(body(again)).toEqual({ error: { code: 99, message: 'Already Login' } });
    expect(e.counters().alreadyLogin).toBe(1);
  });

  it('allows at most maxAccounts server accounts at once (the 4th gets 401 code 99)', async () => {
    const e = await start();
    await token(e, 'acd', 'acd');
    await token(e, 'a2', 'p2');
    const t3 = await token(e, 'a3', 'p3');
    const fourth = await login(e, 'a4', 'p4');
    expect(fourth.status).toBe(401);
    expect((body(fourth) as { error: { code: number } }).error.code).toBe(99);
    // A station user does not count.
    expect((await login(e, '1000', '1234', 'client')).status).toBe(200);
    await httpClient(e).post('/ipxapi/server/v1/users/a3/logout', null, { headers: { Authorization: `Bearer ${t3}` } });
    expect((await login(e, 'a4', 'p4')).status).toBe(200);
  });

  it('keeps answering Already Login during the cleanup grace after logout', async () => {
    const e = await start({ alreadyLoginGraceMs: 400 });
    const t = await token(e);
    await httpClient(e).post('/ipxapi/server/v1/users/acd/logout', null, { headers: { Authorization: `bearer ${t}` } });
    expect((await login(e)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 600));
    expect((await login(e)).status).toBe(200);
  });
});

describe('authenticated requests', () => {
  it('answers check-connection at both paths with 200 {} and any Bearer spelling', async () => {
    const e = await start();
    const t = await token(e);
    const h = httpClient(e);
    for (const [path, scheme] of [
      ['/ipxapi/users/acd/checkconnection', 'Bearer'],
      ['/ipxapi/server/v1/users/acd/checkconnection', 'bearer'],
      ['/ipxapi/server/v1/users/acd/checkconnection', 'BEARER'],
    ] as const) {
      const res = await h.post(path, null, { headers: { Authorization: `${scheme} ${t}` } });
      expect(res.status).toBe(200);
      expect(body(res)).toEqual({});
    }
  });

  it('rejects a bad, missing or other user\'s token with 401 code 3 "Invalid Token"', async () => {
    const e = await start();
    const t = await token(e);
    const t2 = await token(e, 'a2', 'p2');
    const h = httpClient(e);
    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: `Basic ${t}` }, { Authorization: `Bearer ${t2}` }]) {
      const res = await h.post('/ipxapi/users/acd/checkconnection', null, { headers });
      expect(res.status).toBe(401);
      expect(body(res)).toEqual({ error: { code: 3, message: 'Invalid Token' } });
    }
  });

  it('answers an unknown path with 404 and an error body', async () => {
    const e = await start();
    const t = await token(e);
    const h = httpClient(e);
    for (const path of ['/nothing', '/ipxapi/server/v1/users/acd/nosuch', '/ipxapi/server/v9/x']) {
      const res = await h.get(path, { headers: { Authorization: `Bearer ${t}` } });
      expect(res.status).toBe(404);
      expect(body(res)).toMatchObject({ error: { code: expect.any(Number) as number, message: expect.any(String) as string } });
    }
  });

  it('logs out with 200 and an empty body, closes the session\'s sockets and frees the account', async () => {
    const e = await start();
    const t = await token(e);
    const rec = await openSocket(e, t);
    const res = await httpClient(e).post('/ipxapi/server/v1/users/acd/logout', null, { headers: { Authorization: `Bearer ${t}` } });
    expect(res.status).toBe(200);
    expect(res.data).toBe('');
    expect(res.headers['content-length']).toBe('0');
    await rec.closed;
    const after = await httpClient(e).post('/ipxapi/users/acd/checkconnection', null, { headers: { Authorization: `Bearer ${t}` } });
    expect(after.status).toBe(401);
    expect((await login(e)).status).toBe(200);
    expect(e.counters().logouts).toBe(1);
  });

  it('works over plain HTTP and WS when tls is false', async () => {
    const e = await start({ tls: false });
    expect(e.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(e.certificatePem).toBe('');
    const rec = await openSocket(e, await token(e));
    e.sendAcd({ code: 18, source: '1004' });
    await waitFor(() => rec.frames.length === 1);
    rec.ws.close();
  });
});

describe('WebSocket upgrade', () => {
  it('accepts /ipxapi, …/acd and any …/users/{id}/{anything} with a valid token', async () => {
    const e = await start();
    const t = await token(e);
    for (const path of ['/ipxapi', '/ipxapi/server/v1/users/acd/acd', '/ipxapi/server/v1/users/acd/login']) {
      const rec = await openSocket(e, t, path, 'bearer');
      rec.ws.close();
      await rec.closed;
    }
    expect(e.counters().socketsOpened).toBe(3);
  });

  it('refuses without a token or with a bad one (401) and on a bad path (404), before the upgrade', async () => {
    const e = await start();
    const t = await token(e);
    await expect(openSocket(e, undefined)).rejects.toThrow('status 401');
    await expect(openSocket(e, 'bad-token')).rejects.toThrow('status 401');
    await expect(openSocket(e, t, '/elsewhere')).rejects.toThrow('status 404');
    await expect(openSocket(e, t, '/ipxapi/server/v1/users')).rejects.toThrow('status 404');
    expect(e.counters()).toMatchObject({ upgradesRefused: 4, socketsOpened: 0 });
  });

  it('sends ACD events only to ACD-privileged server accounts, formatted like the real box', async () => {
    const e = await start();
    const acd = await openSocket(e, await token(e));
    const noacd = await openSocket(e, await token(e, 'noacd', 'x'));
    e.sendAcd({ code: 66, callRefId: 12, source: '1001', dest: '6', destType: 'CO', data1: 8, data2: 8, time: '2026/01/07 14:47:04' });
    e.sendAcd({ code: 18, source: '1001' });
    await waitFor(() => acd.frames.length === 2);
    e.sendRaw('raw');
    await waitFor(() => noacd.frames.length === 1 && acd.frames.length === 3);
    expect(noacd.frames).toEqual(['raw']);
    expect(acd.frames[2]).toBe('raw');
    acd.frames.pop();
    const [ring, idle] = acdData(acd);
    expect(JSON.parse(acd.texts()[0] ?? '')).toEqual({
      event: 'acd',
      data: {
        time: '2026/01/07 14:47:04', callRefID: 12, eventCode: 66, eventString: 'STATION RING', sourceType: 'Station',
        sourceNumber: '1001', destType: 'CO', destNumber: '0006', data1: '0008', data2: '0008',
      },
    });
    expect(Object.keys(ring ?? {})[1]).toBe('callRefID');
    expect(idle).not.toHaveProperty('callRefID');
    expect(idle).toMatchObject({ eventCode: 18, eventString: 'STATION IDLE', destType: '', destNumber: ' ', data1: '    ' });
    expect(String(idle?.['time'])).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);
    for (const r of [acd, noacd]) r.ws.close();
  });

  it('refuses a station account\'s socket with 403 License error (A-47: sockets for server accounts only)', async () => {
    const e = await start();
    const st = await token(e, '1000', '1234', 'client');
    for (const path of ['/ipxapi', '/ipxapi/client/v1/users/1000/acd']) await expect(openSocket(e, st, path)).rejects.toThrow('status 403');
    expect(e.counters()).toMatchObject({ upgradesRefused: 2, socketsOpened: 0 });
  });
});

describe('session expiry', () => {
  it('expires a session with no socket after checkConnectionTimer without activity', async () => {
    const e = await start({ sessionTimeoutSeconds: 1 });
    const t = await token(e);
    const h = httpClient(e);
    // Activity keeps it alive past the timeout.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 400));
      expect((await h.post('/ipxapi/users/acd/checkconnection', null, { headers: { Authorization: `Bearer ${t}` } })).status).toBe(200);
    }
    await waitFor(() => e.counters().sessionsExpired === 1, 5000, 'expiry');
    const res = await h.post('/ipxapi/users/acd/checkconnection', null, { headers: { Authorization: `Bearer ${t}` } });
    expect(res.status).toBe(401);
    expect(body(res)).toEqual({ error: { code: 3, message: 'Invalid Token' } });
    expect((await login(e)).status).toBe(200);
  });

  it('never expires while a socket of the session is open, and runs the timer from its close', async () => {
    const e = await start({ sessionTimeoutSeconds: 1 });
    const t = await token(e);
    const rec = await openSocket(e, t);
    await new Promise((r) => setTimeout(r, 2200));
    expect(e.counters().sessionsExpired).toBe(0);
    expect((await login(e)).status).toBe(401); // still logged in
    rec.ws.close();
    await rec.closed;
    await waitFor(() => e.counters().sessionsExpired === 1, 5000, 'expiry after close');
    expect((await login(e)).status).toBe(200);
  });
});
