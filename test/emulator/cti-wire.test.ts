// The emulator's CTI and SMDR wire rules with plain axios + ws (no client code): evtSerialNum per session from 1,
// events only for the session's monitor set, the 100-device limit, Monitor/Presence Stop bodies, parameters
// by query, q= or JSON body, transactionID echo, SMDR DELETE by q=, raw JSON or URL-encoded body
// countOnly inside q, maxCount default 50, a station's own records only, live SMDR frames.
import { describe, expect, it } from 'vitest';
import { type Emulator } from '../../src/emulator/index.js';
import { body, emulatorPerTest, httpClient, openSocket, token, waitFor, type Recorder } from './helpers.js';

const ACCOUNTS = [
  { userId: 'acd', password: 'acd', kind: 'server' as const },
  { userId: 'acd2', password: 'acd2', kind: 'server' as const },
  { userId: '1003', password: '1234', kind: 'station' as const },
];
const { start, sockets } = emulatorPerTest({ accounts: ACCOUNTS });
let emu: Emulator | undefined;

async function server(user = 'acd'): Promise<{ tok: string; http: ReturnType<typeof httpClient>; rec: Recorder; auth: { headers: Record<string, string> } }> {
  if (emu === undefined) throw new Error('no emulator');
  const tok = await token(emu, user, user);
  const rec = await openSocket(emu, tok);
  sockets.push(rec);
  return { tok, http: httpClient(emu), rec, auth: { headers: { Authorization: `Bearer ${tok}` } } };
}
const calls = (rec: Recorder): Record<string, unknown>[] =>
  rec.texts().map((t) => JSON.parse(t) as { event: string; data: Record<string, unknown> }).filter((f) => f.event === 'call').map((f) => f.data);

describe('emulator CTI wire', () => {
  it('numbers events per session from 1 and sends only the monitored devices', async () => {
    emu = await start();
    const a = await server('acd');
    const b = await server('acd2');
    const base = (u: string): string => `/ipxapi/server/v1/users/${u}/call`;
    expect(body(await a.http.post(`${base('acd')}/monitor`, { deviceNumber: ['1000', '1001'] }, a.auth))).toEqual({ result: [{ 1000: 'OK' }, { 1001: 'OK' }] });
    await b.http.post(`${base('acd2')}/monitor`, { deviceNumber: ['1001'] }, b.auth);
    await a.http.post(`${base('acd')}/dnd`, { deviceNumber: '1000', DN: '1000', svcType: 'enable' }, a.auth);
    await a.http.post(`${base('acd')}/dnd`, { deviceNumber: '1001', DN: '1001', svcType: 'enable' }, a.auth);
    await waitFor(() => calls(a.rec).length === 2 && calls(b.rec).length === 1);
    expect(calls(a.rec)).toEqual([
      { type: 'dnd', deviceNumber: '1000', serviceDN: '1000', svcType: 'enable', evtSerialNum: 1 },
      { type: 'dnd', deviceNumber: '1001', serviceDN: '1001', svcType: 'enable', evtSerialNum: 2 },
    ]);
    expect(calls(b.rec)).toEqual([{ type: 'dnd', deviceNumber: '1001', serviceDN: '1001', svcType: 'enable', evtSerialNum: 1 }]);
    // Monitor Stop → {}; Presence Stop → the result list.
    expect(body(await a.http.delete(`${base('acd')}/monitor`, { ...a.auth, data: { deviceNumber: ['1000'] } }))).toEqual({});
    expect(body(await a.http.delete(`${base('acd')}/presence`, { ...a.auth, data: { deviceNumber: ['1000'] } }))).toEqual({ result: [{ 1000: 'OK' }] });
    // More than 100 devices → 403 code 1.
    const many = Array.from({ length: 101 }, (_, i) => String(1000 + i));
    const res = await a.http.post(`${base('acd')}/monitor`, { deviceNumber: many }, a.auth);
    expect([res.status, body(res)]).toEqual([403, { error: { code: 1, message: 'Parameter error' } }]);
  });

  it('takes GET parameters by query string, q= or JSON body (A-28), echoes transactionID (A-30), answers 404/403 with the CTI code', async () => {
    emu = await start();
    const a = await server();
    const url = '/ipxapi/server/v1/users/acd/call';
    expect(body(await a.http.get(`${url}/dnd?deviceNumber=1005&DN=1005`, a.auth))).toEqual({ data: { svcType: 'disable' } });
    expect(body(await a.http.get(`${url}/dnd?q=${encodeURIComponent('{"deviceNumber":"1005"}')}`, a.auth))).toEqual({ data: { svcType: 'disable' } });
    expect(body(await a.http.request({ method: 'GET', url: `${url}/mwi`, data: { deviceNumber: '1001' }, ...a.auth }))).toEqual({ data: { msgStatus: 'true', newMsg: 1, oldMsg: 1, newUrgentMsg: 0 } });
    expect(body(await a.http.post(`${url}/make`, { deviceNumber: '1000', calledDN: '0123', transactionID: 7 }, a.auth))).toEqual({ data: { callRefID: 1, transactionID: 7 }, transactionID: 7 });
    const unknown = await a.http.post(`${url}/answer`, { deviceNumber: '1000', callRefID: 42 }, a.auth);
    expect([unknown.status, body(unknown)]).toEqual([404, { error: { code: 106, message: 'invalidConnectionIdentifier' } }]);
    const state = await a.http.post(`${url}/answer`, { deviceNumber: '1000', callRefID: 1 }, a.auth);
    expect([state.status, body(state)]).toEqual([403, { error: { code: 204, message: 'noCallToAnswer' } }]);
    // Get Terminal Information on the make path, paged.
    expect(body(await a.http.post(`${url}/make`, { startIndex: 120, count: 100 }, a.auth))).toEqual({
      data: { terminals: [{ deviceIndex: 120, deviceNumber: '1119', deviceType: 'LIP-9040C', tenantNumber: 1, callControl: 'enable' }] },
    });
  });
});

describe('emulator SMDR wire', () => {
  const seed = (e: Emulator): void => {
    for (let i = 0; i < 60; i++) e.smdrAdd({ StationNumber: i % 2 === 0 ? '1003' : '1004', StartTime: '2026-01-05 08:00', Duration: '00:00:10' });
  };

  it('DELETE takes the filter as q=, a raw JSON body or a URL-encoded body; answers {}', async () => {
    emu = await start();
    seed(emu);
    const a = await server();
    const url = '/ipxapi/server/v1/users/acd/smdr';
    const del = (extra: object) => a.http.request({ method: 'DELETE', url, ...a.auth, ...extra });
    expect(body(await del({ params: { q: '{"Index":1}' } }))).toEqual({});
    await del({ data: '{"Index":2}', headers: { ...a.auth.headers, 'Content-Type': 'application/json' } });
    await del({ data: encodeURIComponent('{"$or":[{"Index":3},{"Index":4}]}'), headers: { ...a.auth.headers, 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(emu.smdrRecords().slice(0, 2).map((x) => x['Index'])).toEqual(['5', '6']);
    const none = await del({});
    expect([none.status, body(none)]).toEqual([403, { error: { code: 1, message: 'Parameter error' } }]);
  });

  it('GET: maxCount default 50, countOnly as a pair or inside q, a station sees its own records only and cannot delete', async () => {
    emu = await start();
    seed(emu);
    const a = await server();
    const url = '/ipxapi/server/v1/users/acd/smdr';
    const page = body(await a.http.get(url, a.auth)) as { count: number; items: { Index: string }[] };
    expect([page.count, page.items[0]?.Index, page.items[49]?.Index]).toEqual([50, '1', '50']);
    expect(body(await a.http.get(`${url}?countOnly=true`, a.auth))).toEqual({ count: 60 });
    expect(body(await a.http.get(`${url}?q=${encodeURIComponent('{"countOnly":true,"StationNumber":"1004"}')}`, a.auth))).toEqual({ count: 30 });
    const st = await token(emu, '1003', '1234', 'client');
    const stAuth = { headers: { Authorization: `Bearer ${st}` } };
    expect(body(await a.http.get('/ipxapi/client/v1/users/1003/smdr?countOnly=true', stAuth))).toEqual({ count: 30 });
    expect((await a.http.delete('/ipxapi/client/v1/users/1003/smdr?q=%7B%7D', stAuth)).status).toBe(403);
  });

  it('sends each new record live as {"event":"smdr","data":{record}} (A-12)', async () => {
    emu = await start();
    const a = await server();
    emu.smdrAdd({ StationNumber: '1003', DialedNumber1: '0123' });
    await waitFor(() => a.rec.texts().length === 1);
    expect(JSON.parse(a.rec.texts()[0] ?? '')).toEqual({ event: 'smdr', data: { StationNumber: '1003', DialedNumber1: '0123', Index: '1' } });
  });

  it('admin: POST/GET /admin/smdr, /admin/cti/registered, GET /admin/api-requests', async () => {
    emu = await start({ cti: { unregistered: ['1009'] } });
    const a = await server();
    await a.http.post('/ipxapi/server/v1/users/acd/call/monitor', { deviceNumber: ['1009'] }, a.auth);
    expect(body(await a.http.post('/admin/smdr', [{ StationNumber: '1003' }, { StationNumber: '1004' }]))).toEqual([{ StationNumber: '1003', Index: '1' }, { StationNumber: '1004', Index: '2' }]);
    expect((body(await a.http.get('/admin/smdr')) as unknown[]).length).toBe(2);
    await a.http.post('/admin/cti/registered?dn=1009&on=1');
    await waitFor(() => calls(a.rec).some((c) => c['type'] === 'registered'));
    expect(calls(a.rec).map((c) => c['type'])).toEqual(['unregistered', 'registered']);
    expect((body(await a.http.get('/admin/api-requests')) as { path: string }[]).map((x) => x.path)).toEqual(['/ipxapi/server/v1/users/acd/call/monitor']);
  });
});
