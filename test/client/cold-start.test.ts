// An honest cold start (issue 17): a client started against a centre already mid-day shows `coverage` (since its own
// start; the agents that act without a login seen), and with `cti.seed` the stations in service and busy as the Web
// API reports them (checked against the emulator's own state of its centre). It never invents an agent login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { connect, type IpecsClient } from '../../src/client.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { waitFor } from '../connection/helpers.js';

describe('a client started mid-day', () => {
  let emu: Emulator;
  let client: IpecsClient | undefined;
  const summaries: AcdSummary[] = [];
  const latest = (): AcdSummary | undefined => summaries.at(-1);
  let startedAt = 0;

  beforeAll(async () => {
    // The CTI terminals are the centre's twelve stations (1000-1011); speed 1: the centre barely moves by itself.
    emu = await startEmulator({ port: 0, cti: { devices: 12 }, centre: { seed: 7, speed: 1, warm: true } });
    startedAt = Date.now();
    client = connect({ ...emu.clientConfig(), log: { file: null }, cti: { seed: true } }, { env: {} });
    client.summary$.subscribe((s) => summaries.push(s));
    await waitFor('the seed', () => (latest()?.coverage.unseenStations.length ?? 0) > 0, 20_000);
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    await emu.stop();
  });

  it('is complete only since its own start, and says so', () => {
    const c = latest()?.coverage;
    expect(c?.since).toBe(latest()?.periodStart);
    expect(c?.since).toBeGreaterThanOrEqual(startedAt - 5);
    expect(c?.wholePeriod).toBe(false);
  });

  it('seeds each station no event named with the in-service and busy state the centre has', () => {
    const s = latest();
    const truth = emu.centreState();
    expect(s).toBeDefined();
    expect(truth).toBeDefined();
    if (s === undefined || truth === undefined) return;
    const unseen = s.coverage.unseenStations;
    expect(unseen.length).toBeGreaterThan(0);
    for (const n of unseen) {
      const t = truth.stations.find((x) => x.station === n);
      const row = s.stations.find((x) => x.station === n);
      // An unregistered station has no row until its first event; the others have the centre's state.
      expect({ n, inService: row?.inService ?? false, busy: row?.busy ?? false }).toEqual({ n, inService: t?.inService, busy: t?.busy });
    }
    // Mid-day: the seed found calls in progress (the warm centre goes live with one connected at least).
    expect(s.busyStations).toBeGreaterThan(0);
    expect(s.stationsConnected).toBe(truth.counts.stationsInService);
    // No agent login is invented, while the centre has agents logged in.
    expect(truth.counts.agentsLoggedIn).toBeGreaterThan(0);
    expect(s.agentsLoggedIn).toBe(0);
  });

  it('lists the agents that act without a login seen, and never counts them logged in', async () => {
    emu.advanceClock(5400); // an hour and a half of the centre, sent at once
    await waitFor('an agent acting without a login seen', () => (latest()?.coverage.unknownAgents.length ?? 0) > 0, 20_000);
    const s = latest();
    const truth = emu.centreState();
    if (s === undefined || truth === undefined) return;
    const agents = new Set(truth.stations.filter((x) => x.agentId !== undefined).map((x) => x.station));
    for (const n of s.coverage.unknownAgents) expect(agents.has(n)).toBe(true);
    const counted = s.stations.filter((x) => x.agentGroups.length > 0).map((x) => x.station);
    // An agent counted logged in was seen logging in; an unknown one is not counted.
    for (const n of s.coverage.unknownAgents) expect(counted).not.toContain(n);
    expect(s.agentsLoggedIn).toBeLessThanOrEqual(truth.counts.agentsLoggedIn);
    console.log(`mid-day client: ${s.coverage.unknownAgents.length} agents known only from acting, ${s.agentsLoggedIn} seen logging in, ${truth.counts.agentsLoggedIn} logged in on the PBX`);
  });
});
