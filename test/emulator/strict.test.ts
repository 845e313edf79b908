// The emulator refuses what the real box refuses (issue 16), seen from plain axios + ws over HTTPS/WSS: privileges
// per resource (§2.4, §10.1 item 18), one method per endpoint (§0, A-40), the spec's refusals of a station's socket
// `transactionID` echoed by Monitor/Presence as it was sent, and code 72 naming its station (§6.3).
import { describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorAccount } from '../../src/emulator/index.js';
import { acdData, body, emulatorPerTest, httpClient, openSocket, refusedUpgrade, token, waitFor } from './helpers.js';

const ACCOUNTS: EmulatorAccount[] = [
  { userId: 'acd', password: 'acd', kind: 'server' },
  { userId: 'acdonly', password: 'x', kind: 'server', privileges: { acd: true, cti: false, smdr: false } },
  { userId: '1003', password: '1234', kind: 'station' },
];

const { start, sockets } = emulatorPerTest({ accounts: ACCOUNTS });

const bearer = (t: string): { headers: Record<string, string> } => ({ headers: { Authorization: `Bearer ${t}` } });

/** Every CTI request of the spec (§7.6.37 fixtures, Monitor and Presence included): 37 method + path pairs, 38 requests. */
const SPEC_CTI: readonly (readonly [string, string, Record<string, unknown>])[] = [
  ['POST', 'monitor', { deviceNumber: ['1000'] }], ['DELETE', 'monitor', { deviceNumber: ['1000'] }],
  ['POST', 'presence', { deviceNumber: ['1000'] }], ['DELETE', 'presence', { deviceNumber: ['1000'] }],
  ['POST', 'make', { startIndex: 1, count: 100 }], ['POST', 'make', { deviceNumber: '1000', calledDN: '1001' }],
  ['POST', 'answer', { deviceNumber: '1001', callRefID: 1 }], ['POST', 'clear_connection', { deviceNumber: '1000', callRefID: 1 }],
  ['POST', 'reroute', { deviceNumber: '1001', callRefID: 1, divertToDN: '1002' }], ['POST', 'hold', { deviceNumber: '1000', callRefID: 1 }],
  ['POST', 'retrieve', { deviceNumber: '1000', callRefID: 1 }], ['POST', 'reconnect', { deviceNumber: '1000', callRefID: 1 }],
  ['POST', 'consultation', { deviceNumber: '1000', callRefID: 1, calledDN: '1002', svcType: 'transfer' }],
  ['POST', 'transfer', { deviceNumber: '1000', callRefID: 1 }], ['POST', '1step_transfer', { deviceNumber: '1000', callRefID: 1, transferDN: '1002' }],
  ['POST', 'dial_digit', { deviceNumber: '1000', callRefID: 1, dialDigit: '5' }],
  ['POST', 'forward', { deviceNumber: '1000', DN: '1000', cfwdType: 'no_answer', destNumber: '1002' }], ['GET', 'forward', { deviceNumber: '1000', DN: '1000' }],
  ['POST', 'dnd', { deviceNumber: '1000', DN: '1000', svcType: 'enable' }], ['GET', 'dnd', { deviceNumber: '1000', DN: '1000' }],
  ['POST', 'pickup', { deviceNumber: '1002', callingDN: '1002', pickedDN: '1001', pickupType: 'direct_pickup' }],
  ['POST', 'conference', { deviceNumber: '1000', callRefID: 1 }], ['POST', 'busy_service', { deviceNumber: '1000', callRefID: 1, type: 'callback' }],
  ['POST', 'call_back', { deviceNumber: '1000', svcType: 'false' }], ['GET', 'status', { deviceNumber: '1000' }],
  ['POST', 'park', { deviceNumber: '1000', callRefID: 1 }], ['POST', 'unpark', { deviceNumber: '1002', callingDN: '1002', parkingLoc: 1 }],
  ['GET', 'mwi', { deviceNumber: '1000' }], ['POST', 'flexpage', { page_index: 1, service_num: '1000' }],
  ['POST', 'agent_logon', { deviceNumber: '1000', agentId: '1207', groupNumber: '60304', loginPrimary: 'primary', loginPriority: 1 }],
  ['POST', 'agent_logoff', { deviceNumber: '1000', agentId: '1207', groupNumber: '60304', loginPrimary: 'primary' }],
  ['POST', 'agent_state', { deviceNumber: '1000', agentId: '1207', groupNumber: '60304', agentState: 'dutyOff', reasonCode: '1' }],
  ['POST', 'confgroup', { deviceNumber: '1000', groupIndex: 10 }],
  ['POST', 'confgroup_callee', { deviceNumber: '1000', groupIndex: 10, memberType: 'station', memberIndex: 2, memberDN: '1001' }],
  ['DELETE', 'confgroup_callee', { deviceNumber: '1000', groupIndex: 10, memberIndex: 2 }],
  ['POST', 'confgroup_mutecallee', { deviceNumber: '1000', groupIndex: 10, memberIndex: 2, svcType: 'on' }],
  ['GET', 'confroom', { deviceNumber: '1000', roomIndex: 3 }], ['POST', 'confroom', { deviceNumber: '1000', roomIndex: 3, roomPwd: '1', roomUsage: 'true' }],
];

const send = (e: Emulator, tok: string, method: string, path: string, params: Record<string, unknown>) =>
  httpClient(e).request({ method, url: path, ...(method === 'GET' ? { params } : { data: params }), ...bearer(tok) });

describe('privileges (§2.4, §10.1 item 18)', () => {
  it('an account without CTI gets 403 serviceNotSupported for every CTI request, and nothing happens', async () => {
    const e = await start();
    const cti = await token(e);
    const watcher = await openSocket(e, cti);
    sockets.push(watcher);
    await send(e, cti, 'POST', '/ipxapi/server/v1/users/acd/call/monitor', { deviceNumber: ['1000', '1001', '1002'] });
    const t = await token(e, 'acdonly', 'x');
    const own = await openSocket(e, t);
    sockets.push(own);
    for (const [method, feature, params] of SPEC_CTI) {
      const res = await send(e, t, method, `/ipxapi/server/v1/users/acdonly/call/${feature}`, params);
      expect([method, feature, res.status, body(res)]).toEqual([method, feature, 403, { error: { code: 102, message: 'serviceNotSupported' } }]);
    }
    // Nothing was done: no call exists, no device changed, and no CTI frame went anywhere.
    expect(body(await send(e, cti, 'GET', '/ipxapi/server/v1/users/acd/call/status', { deviceNumber: '1000' }))).toEqual({ data: { state: 'idle' } });
    expect(body(await send(e, cti, 'GET', '/ipxapi/server/v1/users/acd/call/dnd', { deviceNumber: '1000', DN: '1000' }))).toEqual({ data: { svcType: 'disable' } });
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => own.frames.length === 1 && watcher.frames.length === 1, 5000, 'the ACD marker on both sockets');
    expect(watcher.texts().map((x) => (JSON.parse(x) as { event: string }).event)).toEqual(['acd']);
    expect(own.texts().map((x) => (JSON.parse(x) as { event: string }).event)).toEqual(['acd']);
    // The login said so already: no terminalCount without CTI.
    expect(e.apiRequests().filter((r) => r.path.includes('/acdonly/'))).toHaveLength(SPEC_CTI.length);
  });

  it('an account without SMDR gets 403 License error for GET and DELETE, and no live records', async () => {
    const e = await start();
    e.smdrAdd({ StationNumber: '1003' });
    const t = await token(e, 'acdonly', 'x');
    const rec = await openSocket(e, t);
    sockets.push(rec);
    for (const method of ['GET', 'DELETE']) {
      const res = await send(e, t, method, '/ipxapi/server/v1/users/acdonly/smdr', method === 'GET' ? {} : { q: '{"Index":1}' });
      expect([method, res.status, body(res)]).toEqual([method, 403, { error: { code: 3, message: 'License error' } }]);
    }
    expect(e.smdrRecords()).toHaveLength(1);
    e.smdrAdd({ StationNumber: '1004' });
    e.sendAcd({ code: 18, source: '1000' });
    await waitFor(() => rec.frames.length === 1, 5000, 'the ACD marker');
    expect(JSON.parse(rec.texts()[0] ?? '')).toMatchObject({ event: 'acd' });
  });

  it('a station may use neither CTI nor the other type\'s paths (CTI is /server/, click to call /client/)', async () => {
    const e = await start();
    const st = await token(e, '1003', '1234', 'client');
    for (const path of ['/ipxapi/client/v1/users/1003/call/make', '/ipxapi/server/v1/users/1003/call/make']) {
      const res = await send(e, st, 'POST', path, { deviceNumber: '1003', calledDN: '1000' });
      expect([path, res.status, body(res)]).toEqual([path, 403, { error: { code: 102, message: 'serviceNotSupported' } }]);
    }
    const smdr = await send(e, st, 'GET', '/ipxapi/server/v1/users/1003/smdr', {});
    expect([smdr.status, body(smdr)]).toEqual([403, { error: { code: 3, message: 'License error' } }]);
    const srv = await token(e);
    const click = await send(e, srv, 'POST', '/ipxapi/client/v1/users/acd/clickcall', { From: '1000', To: '1001' });
    expect([click.status, body(click)]).toEqual([403, { error: { code: 102, message: 'Access denied' } }]);
    expect((await send(e, st, 'POST', '/ipxapi/client/v1/users/1003/clickcall', { From: '1003', To: '1001' })).status).toBe(200);
  });

  it('a station\'s socket upgrade is refused with 403 License error (A-47), unless stationSockets is accept', async () => {
    const e = await start();
    const st = await token(e, '1003', '1234', 'client');
    expect(await refusedUpgrade(e, st, '/ipxapi/client/v1/users/1003/acd')).toEqual({ status: 403, body: { error: { code: 3, message: 'License error' } } });
    expect(await refusedUpgrade(e, 'nope')).toEqual({ status: 401, body: { error: { code: 3, message: 'Invalid Token' } } });
    expect(await refusedUpgrade(e, st, '/elsewhere')).toMatchObject({ status: 404 });
    await e.stop();

    const open = await start({ stationSockets: 'accept' });
    const rec = await openSocket(open, await token(open, '1003', '1234', 'client'));
    sockets.push(rec);
    const acd = await openSocket(open, await token(open));
    sockets.push(acd);
    open.sendAcd({ code: 18, source: '1003' });
    open.smdrAdd({ StationNumber: '1003' });
    open.sendRaw('marker');
    await waitFor(() => rec.frames.length === 1 && acd.frames.length === 3, 5000, 'the marker');
    expect(rec.frames).toEqual(['marker']); // no ACD, no live SMDR: a station is entitled to no events
  });
});

describe('methods (§0, §2.2, A-40): a known path under another method is 404 and does nothing', () => {
  it('never logs in, logs out or refreshes the session through a wrong method', async () => {
    const e = await start();
    const h = httpClient(e);
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const res = await h.request({ method, url: '/ipxapi/server/v1/users/acd/login', auth: { username: 'acd', password: 'acd' } });
      expect([method, res.status, body(res)]).toEqual([method, 404, { error: { code: 99, message: 'Not Found' } }]);
    }
    expect(e.counters().logins).toBe(0);
    const t = await token(e);
    for (const method of ['GET', 'DELETE', 'PUT']) {
      expect((await h.request({ method, url: '/ipxapi/server/v1/users/acd/logout', ...bearer(t) })).status).toBe(404);
    }
    expect(e.counters().logouts).toBe(0);
    expect((await h.post('/ipxapi/users/acd/checkconnection', null, bearer(t))).status).toBe(200); // still logged in
    // A wrong method does not count as activity: the session expires 120 s after the last real request.
    e.advanceClock(100);
    for (const url of ['/ipxapi/users/acd/checkconnection', '/ipxapi/server/v1/users/acd/checkconnection']) {
      for (const method of ['GET', 'DELETE', 'PUT']) expect((await h.request({ method, url, ...bearer(t) })).status).toBe(404);
    }
    e.advanceClock(30);
    expect(body(await h.post('/ipxapi/users/acd/checkconnection', null, bearer(t)))).toEqual({ error: { code: 3, message: 'Invalid Token' } });
  });

  it('answers 404 for a wrong method on SMDR, click to call and every CTI feature, and runs nothing', async () => {
    const e = await start();
    const t = await token(e);
    const st = await token(e, '1003', '1234', 'client');
    const h = httpClient(e);
    const wrong: readonly (readonly [string, string, string])[] = [
      ['POST', '/ipxapi/server/v1/users/acd/smdr', t], ['PUT', '/ipxapi/server/v1/users/acd/smdr', t],
      ['GET', '/ipxapi/client/v1/users/1003/clickcall', st], ['DELETE', '/ipxapi/client/v1/users/1003/clickcall', st],
      ['GET', '/ipxapi/server/v1/users/acd/call/monitor', t], ['PUT', '/ipxapi/server/v1/users/acd/call/presence', t],
      ...(['make', 'answer', 'hold', 'park', 'agent_logon', 'confgroup_mutecallee'] as const).map((f) => ['GET', `/ipxapi/server/v1/users/acd/call/${f}`, t] as const),
      ...(['status', 'mwi'] as const).map((f) => ['POST', `/ipxapi/server/v1/users/acd/call/${f}`, t] as const),
      ['DELETE', '/ipxapi/server/v1/users/acd/call/dnd', t], ['DELETE', '/ipxapi/server/v1/users/acd/call/make', t],
      ['GET', '/ipxapi/server/v1/users/acd/call/terminals', t], ['GET', '/ipxapi/server/v1/users/acd/acd', t],
    ];
    for (const [method, url, tok] of wrong) {
      const res = await h.request({ method, url, data: { deviceNumber: '1000', calledDN: '1001', From: '1003', To: '1001', startIndex: 1, count: 1 }, ...bearer(tok) });
      expect([method, url, res.status, body(res)]).toEqual([method, url, 404, { error: { code: 99, message: 'Not Found' } }]);
    }
    expect(e.apiRequests()).toEqual([]);
    expect(body(await send(e, t, 'GET', '/ipxapi/server/v1/users/acd/call/status', { deviceNumber: '1000' }))).toEqual({ data: { state: 'idle' } });
  });
});

describe('fields as the spec has them', () => {
  it('Monitor and Presence Start/Stop echo transactionID as it was sent (A-30), like the commands', async () => {
    const e = await start();
    const t = await token(e);
    const url = (f: string): string => `/ipxapi/server/v1/users/acd/call/${f}`;
    const h = httpClient(e);
    expect(body(await h.post(url('monitor'), { deviceNumber: ['1000'], transactionID: 7 }, bearer(t)))).toEqual({ result: [{ 1000: 'OK' }], transactionID: 7 });
    expect(body(await h.post(url('presence'), { deviceNumber: ['1000'], transactionID: '8' }, bearer(t)))).toEqual({ result: [{ 1000: 'OK' }], transactionID: '8' });
    expect(body(await h.delete(url('monitor'), { data: { deviceNumber: ['1000'], transactionID: 9 }, ...bearer(t) }))).toEqual({ transactionID: 9 });
    expect(body(await h.delete(`${url('presence')}?transactionID=10`, { data: { deviceNumber: ['1000'] }, ...bearer(t) }))).toEqual({ result: [{ 1000: 'OK' }], transactionID: '10' });
    expect(body(await h.post(url('monitor'), { deviceNumber: ['1000'] }, bearer(t)))).toEqual({ result: [{ 1000: 'OK' }] });
    expect(body(await h.post(url('make'), { deviceNumber: '1000', calledDN: '0123', transactionID: '11' }, bearer(t)))).toEqual({ data: { callRefID: 1, transactionID: '11' }, transactionID: '11' });
  });

  it('code 72 INCOMMING CALLER INFO names the station it reaches (§6.3: CO → STATION), live and in the scenarios', async () => {
    const e = await start();
    const rec = await openSocket(e, await token(e));
    sockets.push(rec);
    e.startCentre({ seed: 3, arrivalPerHour: 120 });
    e.advanceClock(2 * 3600);
    const truth = e.groundTruth();
    await waitFor(() => rec.frames.length >= truth.events, 20_000, 'two hours of centre events');
    const events = acdData(rec);
    const info = events.filter((d) => d['eventCode'] === 72);
    expect(info.length).toBeGreaterThan(20);
    for (const d of info) {
      // The 66 that follows this 72 (the centre reuses the keys of ended calls, as the PBX does).
      const ring = events.slice(events.indexOf(d)).find((x) => x['eventCode'] === 66 && x['callRefID'] === d['callRefID']);
      expect(d).toMatchObject({ sourceType: 'CO', destType: 'Station', destNumber: ring?.['sourceNumber'] });
      expect(String(d['data1'])).toMatch(/^0\d{9}$/);
    }
    for (const name of ['inbound-answered', 'morning-mixed']) {
      const before = rec.frames.length;
      await e.playScenario(name, { speed: 1000 });
      await waitFor(() => acdData(rec).slice(before).some((d) => d['eventCode'] === 72), 5000, `${name}'s caller info`);
      const d = acdData(rec).slice(before).find((x) => x['eventCode'] === 72);
      expect(d).toMatchObject({ sourceNumber: '0006', destType: 'Station', destNumber: '1001', data1: '0212345678' });
    }
  });
});
