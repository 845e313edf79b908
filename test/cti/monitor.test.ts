// Monitor and presence against the emulator over real sockets: the subscriptions survive an emulator restart
// (re-issued by themselves, events flow again, the gap reported), serials restart per session, events go
// only to the monitor set, unregistered/registered (§7.3), presence on change only (§7.7.1), serial gaps.
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { rig, waitFor, type Rig } from './harness.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('monitor / presence', () => {
  it('survives an emulator restart: re-issued, events flow again, serials restart at 1, the gap is reported', async () => {
    r = await rig();
    const { cti, emu } = r;
    await r.opened();
    expect(await firstValueFrom(cti.monitor(['1000', '1001', '12345']))).toEqual([
      { device: '1000', result: 'OK', ok: true }, { device: '1001', result: 'OK', ok: true }, { device: '12345', result: 'invalidParameterValue', ok: false },
    ]);
    expect([...cti.monitored()]).toEqual(['1000', '1001']);
    await firstValueFrom(cti.presenceStart(['1002']));
    await cti.commands.makeCall({ deviceNumber: '1000', calledDN: '0123' });
    await waitFor('events before the restart', () => r?.events.length === 3);
    expect(r.events.map((e) => e.evtSerialNum)).toEqual([1, 2, 3]);

    await emu.restart({ downMs: 300 });
    await r.opened(2);
    const reissued = (): number => emu.apiRequests().filter((q) => q.method === 'POST' && /call\/(monitor|presence)$/.test(q.path)).length;
    await waitFor('monitor and presence re-issued', () => reissued() === 4, 15_000);
    expect(r.gaps.filter((g) => g.kind === 'socket')).toHaveLength(1);

    await cti.commands.makeCall({ deviceNumber: '1001', calledDN: '0456' });
    await waitFor('events after the restart', () => r?.events.length === 6);
    expect(r.events.slice(3).map((e) => [e.type, e.evtSerialNum])).toEqual([['proceeding', 1], ['alerting', 2], ['connected', 3]]);
    await cti.commands.setDnd({ deviceNumber: '1002', DN: '1002', svcType: 'enable' });
    await waitFor('presence after the restart', () => r?.presence.length === 1);
    expect(r.presence[0]).toMatchObject({ deviceNumber: '1002', status: 'DND', evtSerialNum: 4 });
    expect(r.gaps.filter((g) => g.kind === 'serial')).toEqual([]);
  }, 60_000);

  it('sends events only for the monitor set, and stops after Monitor Stop', async () => {
    r = await rig();
    const { cti, emu } = r;
    await r.opened();
    await firstValueFrom(cti.monitor(['1010']));
    await cti.commands.makeCall({ deviceNumber: '1011', calledDN: '0999' }); // not monitored
    await cti.commands.makeCall({ deviceNumber: '1010', calledDN: '0999' });
    await waitFor('1010 connected', () => r?.events.some((e) => e.type === 'connected') === true);
    expect(new Set(r.events.map((e) => ('deviceNumber' in e ? e.deviceNumber : '')))).toEqual(new Set(['1010']));
    expect(await firstValueFrom(cti.unmonitor(['1010']))).toEqual([]); // Monitor Stop answers {}
    expect(emu.apiRequests().at(-1)).toMatchObject({ method: 'DELETE', body: { deviceNumber: ['1010'] } });
    const n = r.events.length;
    await cti.commands.setDnd({ deviceNumber: '1010', DN: '1010', svcType: 'enable' });
    await firstValueFrom(cti.monitor(['1012']));
    await cti.commands.setDnd({ deviceNumber: '1012', DN: '1012', svcType: 'enable' });
    await waitFor('1012 dnd', () => r?.events.some((e) => e.type === 'dnd' && e.deviceNumber === '1012') === true);
    expect(r.events.slice(n).map((e) => e.type === 'dnd' && e.deviceNumber)).toEqual(['1012']);
  }, 30_000);

  it('an unregistered device gets "OK" then unregistered, later registered (§7.3); presence block/idle on change only', async () => {
    r = await rig({ cti: { unregistered: ['1020'] } });
    const { cti, emu } = r;
    await r.opened();
    await firstValueFrom(cti.presenceStart(['1020']));
    expect(await firstValueFrom(cti.monitor(['1020']))).toEqual([{ device: '1020', result: 'OK', ok: true }]);
    await waitFor('unregistered', () => r?.events.some((e) => e.type === 'unregistered') === true);
    emu.setRegistered('1020', true);
    await waitFor('registered', () => r?.events.some((e) => e.type === 'registered') === true);
    await cti.commands.setDnd({ deviceNumber: '1020', DN: '1020', svcType: 'enable' });
    await cti.commands.setDnd({ deviceNumber: '1020', DN: '1020', svcType: 'enable' }); // no change: no presence event
    await cti.commands.setDnd({ deviceNumber: '1020', DN: '1020', svcType: 'disable' });
    await waitFor('presence idle', () => r?.presence.at(-1)?.status === 'idle');
    expect(r.presence.map((p) => p.status)).toEqual(['idle', 'DND', 'idle']);
    expect(await cti.commands.getCallStatus({ deviceNumber: '1020' })).toEqual({ state: 'idle' });
  }, 30_000);

  it('reports a jump of evtSerialNum as a serial gap', async () => {
    r = await rig();
    const { cti, emu } = r;
    await r.opened();
    await firstValueFrom(cti.monitor(['1030']));
    await cti.commands.setDnd({ deviceNumber: '1030', DN: '1030', svcType: 'enable' });
    await waitFor('dnd', () => r?.events.length === 1);
    emu.sendRaw(JSON.stringify({ event: 'call', data: { type: 'registered', deviceNumber: '1030', evtSerialNum: 7 } }));
    await waitFor('gap', () => r?.gaps.length === 1);
    expect(r.gaps[0]).toMatchObject({ kind: 'serial', expected: 2, received: 7, deviceNumber: '1030' });
  }, 30_000);

  it('pages Get Terminal Information up to terminalCount, and refuses more than 100 devices per request client-side', async () => {
    r = await rig({ cti: { devices: 130 } });
    const { cti, emu } = r;
    const terminals = await firstValueFrom(cti.terminals$());
    expect(terminals).toHaveLength(130);
    expect(terminals[129]).toMatchObject({ deviceIndex: 130, deviceNumber: '1129' });
    expect(emu.apiRequests().map((q) => q.body)).toEqual([{ startIndex: 1, count: 100 }, { startIndex: 101, count: 30 }]);
    await expect(firstValueFrom(cti.monitor(['12a']))).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  }, 30_000);

  it('Get Terminal Information takes a configurable path (A-3); after close() monitor() errors with ClientClosedError', async () => {
    r = await rig({}, {}, { terminalPath: 'terminals' });
    const page = await r.cti.commands.getTerminalInformation({ startIndex: 1, count: 2 });
    expect(page.terminals.map((t) => t.deviceNumber)).toEqual(['1000', '1001']);
    expect(r.emu.apiRequests().at(-1)?.path).toBe('/ipxapi/server/v1/users/acd/call/terminals');
    r.cti.close();
    await expect(firstValueFrom(r.cti.monitor(['1000']))).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  }, 30_000);
});
