// A centre already in mid-day state at start (issue 16 item 5): agents logged in to groups, calls ringing, queued
// and connected when the first client connects; what happened before is in the ground truth (and the SMDR store),
// never on the wire; the state and the truth of any instant can be recomputed from `centreInfo().options`.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WARM_SECONDS,
  centreStateAt,
  generateCentreEvents,
  isMidDay,
  simulateCentre,
  type Emulator,
} from '../../src/emulator/index.js';
import { acdData, body, emulatorPerTest, httpClient, openSocket, pbxMs, token, waitFor } from './helpers.js';

const { start, sockets } = emulatorPerTest();
let emu: Emulator | undefined;

describe('warm start', () => {
  it('starts mid-day: agents in groups, calls ringing, queued and connected, with the history in the truth only', async () => {
    const before = Date.now();
    emu = await start({ recordSent: true, centre: { seed: 2, warm: true } });
    const info = emu.centreInfo();
    if (info === undefined) throw new Error('no centre');
    expect(info.liveFrom).toBeGreaterThanOrEqual(DEFAULT_WARM_SECONDS);
    // The PBX clock of the instant it went live is now.
    expect(info.options.startTime + info.liveFrom * 1000).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(info.options.startTime + info.liveFrom * 1000).toBeLessThanOrEqual(Date.now() + 1000);

    const state = emu.centreState({ atSimSeconds: info.liveFrom });
    if (state === undefined) throw new Error('no state');
    expect(isMidDay(state)).toBe(true);
    expect(state.counts).toMatchObject({ ringing: expect.any(Number) as number, queued: expect.any(Number) as number });
    expect(state.counts.ringing).toBeGreaterThanOrEqual(1);
    expect(state.counts.queued).toBeGreaterThanOrEqual(1);
    expect(state.counts.connected + state.counts.held).toBeGreaterThanOrEqual(1);
    expect(state.counts.agentsLoggedIn).toBeGreaterThanOrEqual(1);
    expect(state.stations.filter((s) => s.groups.length > 0).every((s) => s.agentId !== undefined)).toBe(true);
    for (const c of state.calls) if (c.state !== 'queued') expect(c.station).toMatch(/^\d+$/);
    expect(state).toEqual(centreStateAt(info.options, info.liveFrom)); // any instant, recomputed from the options

    // The truth at the live instant holds the morning that no client saw.
    const truthAtStart = emu.groundTruth({ atSimSeconds: info.liveFrom });
    expect(truthAtStart).toEqual(simulateCentre(info.options, info.liveFrom).truth);
    expect(truthAtStart.offered).toBeGreaterThan(100);
    expect(truthAtStart.answered).toBeGreaterThan(50);
    expect(truthAtStart.agentsLoggedIn).toBe(state.counts.agentsLoggedIn);
    expect(truthAtStart.callsInQueue).toBe(state.counts.queued);
    expect(emu.smdrRecords().length).toBeGreaterThan(50); // the morning's finished calls are in the SMDR store
    expect(emu.sentFrames()).toEqual([]); // and none of it went on the wire

    // A client connecting now meets calls it never saw start.
    const rec = await openSocket(emu, await token(emu));
    sockets.push(rec);
    emu.advanceClock(900);
    const truth = emu.groundTruth();
    const log = emu;
    await waitFor(() => rec.frames.length === log.sentFrames().length, 20_000, 'fifteen minutes of events on the socket');
    const got = acdData(rec);
    expect(got.length).toBeGreaterThan(100);
    // What the socket got is the live part of the same day: the generator's events after the live instant (a few
    // of the very first may have gone out before the socket was open).
    const live = generateCentreEvents(info.options, Math.floor(truth.simSeconds) + 60).filter((e) => e.t > info.liveFrom);
    const first = got[0] ?? {};
    const k = live.findIndex((e) => e.acd.time === first['time'] && e.acd.code === first['eventCode']);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(live[k]?.t ?? Infinity).toBeLessThanOrEqual(info.liveFrom + 5);
    expect(got.map((d) => [d['time'], d['eventCode']])).toEqual(live.slice(k, k + got.length).map((e) => [e.acd.time, e.acd.code]));
    for (const d of got) expect(pbxMs(d['time'])).toBeGreaterThan(info.options.startTime + info.liveFrom * 1000);
    const rings = new Set(got.filter((d) => d['eventCode'] === 3).map((d) => d['callRefID']));
    const inProgress = state.calls.map((c) => c.callRefId);
    const endedUnseen = got.filter((d) => d['eventCode'] === 44 && inProgress.includes(Number(d['callRefID'])) && !rings.has(d['callRefID']));
    expect(endedUnseen.length).toBeGreaterThan(0); // calls that were already connected when the client came
    expect(truth.offered).toBeGreaterThan(truthAtStart.offered);
    // The sent-frame log is what the socket got (the centre runs on: compare what both had at the check).
    expect(emu.sentFrames().slice(0, got.length).map((f) => f.text)).toEqual(rec.texts().slice(0, got.length));
  });

  it('serves the state and the whole day\'s truth over /admin, and takes warm as seconds', async () => {
    emu = await start();
    const admin = httpClient(emu);
    expect(body(await admin.get('/admin/centre'))).toBeNull();
    expect((await admin.post('/admin/centre/start', JSON.stringify({ seed: 7, warm: 5 * 3600 }), { headers: { 'content-type': 'application/json' } })).status).toBe(200);
    const info = body(await admin.get('/admin/centre')) as { liveFrom: number; running: boolean; options: { seed: number; startTime: number } };
    expect(info).toMatchObject({ running: true, options: { seed: 7 } });
    expect(info.liveFrom).toBeGreaterThanOrEqual(5 * 3600);
    const state = body(await admin.get(`/admin/centre/state?at=${info.liveFrom}`)) as { counts: { queued: number; ringing: number } };
    expect(state.counts.queued).toBeGreaterThan(0);
    expect(state.counts.ringing).toBeGreaterThan(0);
    const day = body(await admin.get('/admin/ground-truth?at=86400'));
    expect(day).toEqual(JSON.parse(JSON.stringify(simulateCentre(emu.centreInfo()?.options ?? {}, 86400).truth)));
    expect((await admin.get('/admin/centre/state?at=-5')).status).toBe(400);
  });
});
