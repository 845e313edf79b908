// The CTI seed (docs/cold-start.md) against the emulator over real HTTPS: the terminal list, each terminal's call
// status (out of service, busy in a call), DND and forwarding (from the status when idle, asked when it hides them),
// one request per terminal more only where needed; skipped with a warning for an account without CTI.
import { afterEach, describe, expect, it } from 'vitest';
import { asyncScheduler, firstValueFrom, toArray } from 'rxjs';
import { stationSeed$ } from '../../src/cti/seed.js';
import { memoryLogger } from '../connection/helpers.js';
import { rig, type Rig } from './harness.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('stationSeed$', () => {
  it('reads every terminal: unregistered, in a call, DND, forwarded, DND over a forwarding', async () => {
    const x = await rig({ cti: { devices: 6, unregistered: ['1005'] } });
    r = x;
    await x.opened();
    const { commands } = x.cti;
    const call = await commands.makeCall({ deviceNumber: '1000', calledDN: '1001' });
    await commands.answerCall({ deviceNumber: '1001', callRefID: call.callRefID });
    await commands.setDnd({ deviceNumber: '1002', DN: '1002', svcType: 'enable' });
    await commands.setForwarding({ deviceNumber: '1003', DN: '1003', cfwdType: 'uncondition', destNumber: '1004' });
    await commands.setForwarding({ deviceNumber: '1004', DN: '1004', cfwdType: 'busy', destNumber: '1003' });
    await commands.setDnd({ deviceNumber: '1004', DN: '1004', svcType: 'enable' });
    const before = x.emu.apiRequests().length;
    const seeds = await firstValueFrom(stationSeed$(x.cti, { logger: memoryLogger(), scheduler: asyncScheduler }).pipe(toArray()));
    expect(seeds).toHaveLength(1);
    const rows = Object.fromEntries((seeds[0]?.stations ?? []).map((s) => [s.number, s]));
    expect(rows).toEqual({
      '1000': { number: '1000', inService: true, busy: true, dnd: false, forward: false },
      '1001': { number: '1001', inService: true, busy: true, dnd: false, forward: false },
      '1002': { number: '1002', inService: true, busy: false, dnd: true, forward: false },
      '1003': { number: '1003', inService: true, busy: false, dnd: false, forward: true },
      '1004': { number: '1004', inService: true, busy: false, dnd: true, forward: true },
      '1005': { number: '1005', inService: false, busy: false, dnd: false, forward: false },
    });
    // One terminal page, six statuses, and Get DND + Get Forwarding for the four whose status hides a flag (two in a
    // call, two in DND, which may hide a forwarding).
    const asked = x.emu.apiRequests().slice(before).map((q) => `${q.method} ${q.path.replace(/^.*\/call\//, '')}`);
    expect(asked.filter((a) => a === 'POST make')).toHaveLength(1);
    expect(asked.filter((a) => a === 'GET status')).toHaveLength(6);
    expect(asked.filter((a) => a === 'GET dnd').length).toBe(4);
    expect(asked.filter((a) => a === 'GET forward').length).toBe(4);
  });

  it('is skipped, with one warning, for an account without the CTI privilege', async () => {
    const x = await rig({ accounts: [{ userId: 'acd', password: 'acd', kind: 'server', privileges: { acd: true, smdr: true, cti: false } }] });
    r = x;
    await x.opened();
    const logger = memoryLogger();
    const seeds = await firstValueFrom(stationSeed$(x.cti, { logger, scheduler: asyncScheduler }).pipe(toArray()));
    expect(seeds).toEqual([]);
    const lines = logger.lines.map((l) => JSON.parse(l) as { level: string; message: string });
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['cti seed skipped: the terminal list was refused (the account needs the CTI privilege)']);
  });
});
