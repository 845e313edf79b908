// Click to Call (§8) for a station user over real HTTPS: POST /client/v1/users/{station}/clickcall {From, To} →
// 200 empty; the call it starts is seen by a server account monitoring the station; errors are typed with the
// click-to-call table.
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { CtiError, CtiRequestError } from '../../src/cti/errors.js';
import { rig, waitFor, type Rig } from './harness.js';

let emu: Emulator | undefined;
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
  await emu?.stop();
  emu = undefined;
});

describe('click to call', () => {
  it('a station starts a call with From/To; the monitoring server account sees it; errors are typed', async () => {
    emu = await startEmulator({
      port: 0, timeAndDate: false,
      accounts: [{ userId: 'acd', password: 'acd', kind: 'server' }, { userId: '1003', password: '1234', kind: 'station' }],
    });
    const acd = await rig(emu);
    rigs.push(acd);
    await acd.opened();
    await firstValueFrom(acd.cti.monitor(['1003']));
    const station = await rig(emu, { userId: '1003', password: '1234', type: 'client' });
    rigs.push(station);

    await expect(station.cti.clickCall('0123456789')).resolves.toBeUndefined();
    expect(emu.apiRequests().at(-1)).toEqual({ method: 'POST', path: '/ipxapi/client/v1/users/1003/clickcall', query: {}, body: { From: '1003', To: '0123456789' } });
    await waitFor('the call on the monitor', () => acd.events.map((e) => e.type).join() === 'proceeding,alerting,connected');

    const busy: unknown = await station.cti.clickCall('0999').catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(CtiError);
    expect(busy).toMatchObject({ resource: 'clickcall', status: 403, apiCode: 110, name: 'Caller busy' });
    const wrongFrom: unknown = await station.cti.clickCall('0999', '1004').catch((e: unknown) => e);
    expect(wrongFrom).toMatchObject({ resource: 'clickcall', apiCode: 105, name: 'Parameter error' });
    const n = emu.apiRequests().length;
    await expect(station.cti.clickCall('not-a-number')).rejects.toBeInstanceOf(CtiRequestError);
    expect(emu.apiRequests()).toHaveLength(n);
  }, 30_000);
});
