// The clock-advance control (ipecs-webapi.md §10.1 item 17): session timers and the centre's clock move at once, so
// tests of expiry, the Already-Login grace and a centre's day wait for nothing real. Plain axios + ws.
import { describe, expect, it } from 'vitest';
import { generateCentreEvents } from '../../src/emulator/index.js';
import { acdData, body, checkConnection, emulatorPerTest, httpClient, login, openSocket, pbxMs, token, waitFor } from './helpers.js';

const { start, sockets } = emulatorPerTest();

const check = checkConnection;

describe('advanceClock: session timers', () => {
  it('expires an idle session without a socket once checkConnectionTimer has passed, and not before', async () => {
    const e = await start(); // the default 120 s timeout: no real test could wait for it
    const t = await token(e);
    e.advanceClock(110);
    expect(await check(e, t)).toBe(200); // activity: the timer starts again
    e.advanceClock(119);
    expect(e.counters().sessionsExpired).toBe(0);
    e.advanceClock(2);
    expect(e.counters().sessionsExpired).toBe(1); // at once, not at the next expiry sweep
    const res = await httpClient(e).post('/ipxapi/users/acd/checkconnection', null, { headers: { Authorization: `Bearer ${t}` } });
    expect([res.status, body(res)]).toEqual([401, { error: { code: 3, message: 'Invalid Token' } }]);
    expect((await login(e)).status).toBe(200);
  });

  it('never expires a session while its socket is open; the timer runs from the close', async () => {
    const e = await start();
    const t = await token(e);
    const rec = await openSocket(e, t);
    e.advanceClock(24 * 3600);
    expect(await check(e, t)).toBe(200);
    rec.ws.close();
    await waitFor(() => e.counters().socketsOpen === 0, 5000, 'the server to see the close');
    e.advanceClock(100);
    expect(e.counters().sessionsExpired).toBe(0);
    e.advanceClock(21);
    expect(e.counters().sessionsExpired).toBe(1);
  });

  it('ends the Already-Login grace and a login refusal, and is served as POST /admin/clock/advance', async () => {
    const e = await start({ alreadyLoginGraceMs: 60_000 });
    const t = await token(e);
    await httpClient(e).post('/ipxapi/server/v1/users/acd/logout', null, { headers: { Authorization: `Bearer ${t}` } });
    expect(body(await login(e))).toEqual({ error: { code: 99, message: 'Already Login' } });
    expect((await httpClient(e).post('/admin/clock/advance?seconds=61')).status).toBe(200);
    expect((await login(e)).status).toBe(200);
    e.faults.expireSessions();
    e.faults.refuseLogins(600);
    expect((await login(e)).status).toBe(401);
    e.advanceClock(601);
    expect((await login(e)).status).toBe(200);
    expect((await httpClient(e).post('/admin/clock/advance?seconds=-1')).status).toBe(400);
    expect(() => { e.advanceClock(-1); }).toThrow(RangeError);
  });
});

describe('advanceClock: the PBX clock and the centre', () => {
  it('moves the PBX time of later frames', async () => {
    const e = await start();
    const rec = await openSocket(e, await token(e));
    sockets.push(rec);
    e.sendAcd({ code: 18, source: '1000' });
    e.advanceClock(3 * 3600);
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => rec.frames.length === 2);
    const [a, b] = acdData(rec).map((d) => pbxMs(d['time']));
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(3 * 3600 * 1000);
    expect((b ?? 0) - (a ?? 0)).toBeLessThan(3 * 3600 * 1000 + 60_000);
  });

  it('runs an hour of the centre at once: every event sent, in order, stamped with its simulated time', async () => {
    const e = await start();
    const rec = await openSocket(e, await token(e));
    sockets.push(rec);
    const startTime = new Date(2026, 0, 5, 8, 0, 0).getTime();
    e.startCentre({ seed: 4, startTime }); // speed 1: one simulated second per second
    e.advanceClock(3600);
    const truth = e.groundTruth();
    expect(truth.simSeconds).toBeGreaterThanOrEqual(3600);
    expect(truth.simSeconds).toBeLessThan(3600 + 60);
    await waitFor(() => rec.frames.length >= truth.events, 20_000, 'an hour of centre events');
    const got = acdData(rec);
    const expected = generateCentreEvents({ seed: 4, startTime }, Math.floor(truth.simSeconds));
    expect(got.map((d) => d['eventCode'])).toEqual(expected.map((x) => x.acd.code));
    expect(got.map((d) => d['time'])).toEqual(expected.map((x) => x.acd.time));
    expect(truth.offered).toBeGreaterThan(20);
    e.stopCentre();
  });
});
