// connect() exposes the CTI box as `client.cti` over the same session and socket: call events flow next to the ACD
// events, and close() completes the CTI streams.
import { firstValueFrom, filter, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type IpecsClient } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { waitFor } from './harness.js';

let emu: Emulator | undefined;
let client: IpecsClient | undefined;
afterEach(async () => {
  await client?.close();
  await emu?.stop();
  client = undefined;
  emu = undefined;
});

describe('client.cti', () => {
  it('monitors, commands and streams over the client connection; completes on close()', async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false });
    const c = connect({ ...emu.clientConfig(), log: { file: null } }, { logger: silentLogger, env: {} });
    client = c;
    const events: string[] = [];
    const ended = lastValueFrom(c.cti.callEvents$.pipe(toArray()));
    c.cti.callEvents$.subscribe((e) => events.push(e.type));
    await firstValueFrom(c.connection$.pipe(filter((s) => s.kind === 'open')));
    await firstValueFrom(c.cti.monitor(['1000']));
    await c.cti.commands.makeCall({ deviceNumber: '1000', calledDN: '0123' });
    emu.sendAcd({ code: 18, source: '1000' });
    await waitFor('CTI and ACD events', () => events.length === 3 && c.stats().delivered === 1);
    expect(events).toEqual(['proceeding', 'alerting', 'connected']);
    expect(c.stats().malformed).toBe(0); // the call frames are not malformed ACD frames
    await c.close();
    await expect(ended).resolves.toHaveLength(3);
  }, 30_000);
});
