// A live run against the emulator's simulated centre (ten simulated minutes at 60×) is recorded, then the
// journal is replayed on a virtual clock: the replay's summary at the live run's last event instant is the live
// summary, figure for figure (same frames, same `at`, same pipeline).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { resolveConfig } from '../../src/config/load.js';
import { createConnection, type PbxConnection } from '../../src/socket/connection.js';
import { acdPipeline } from '../../src/streams/pipeline.js';
import { createSummary } from '../../src/metrics/summary.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { recordJournal, type JournalRecordResult } from '../../src/journal/record.js';
import { replayJournal, type ReplayResult } from '../../src/journal/replay.js';
import { decodeEntry, decodeHeader } from '../../src/journal/format.js';
import { waitFor } from '../connection/helpers.js';

const SIM_SECONDS = 600;
const SPEED = 60;

describe('record a live run, replay it', () => {
  let emu: Emulator | undefined;
  let connection: PbxConnection | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-journal-'));
  const file = join(dir, 'live.ndjson');
  const live: AcdSummary[] = [];
  let marker: AcdSummary | undefined;
  let recorded: JournalRecordResult | undefined;
  let startedAt = 0;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, centre: { seed: 3, speed: SPEED, arrivalPerHour: 240 } });
    // One summary per event (metrics.summaryPerEvent): this test compares the live summary at an event's instant
    // with a replay up to that instant, and a coalesced live summary may hold frames of a later socket read of the
    // same millisecond (metrics.md §3). The journal's header carries the setting, so the replay does the same.
    const { config } = resolveConfig(
      { ...emu.clientConfig(), metrics: { summaryPerEvent: true }, log: { file: null, console: false } },
      {},
    );
    const conn = createConnection(config, { logger: silentLogger });
    connection = conn;
    // The live run: the same boxes connect() wires, on the real clock.
    const pipeline = acdPipeline(conn.frames$, { filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, logger: silentLogger });
    const metrics = createSummary(pipeline.events$, { metrics: config.metrics });
    metrics.summary$.subscribe((s) => live.push(s));
    startedAt = live[0]?.periodStart ?? Number.NaN;
    const recorder = recordJournal(conn.frames$, {
      out: file,
      // The replay must start its summary where the live one started.
      header: { startedAt, metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, source: 'emulator seed 3' },
      connection$: conn.connection$,
    });
    expect(recorder.header.startedAt).toBe(startedAt);

    await waitFor('ten simulated minutes', () => (emu?.groundTruth().simSeconds ?? 0) >= SIM_SECONDS, 60_000);
    emu.stopCentre();
    // The marker: a station no one has seen enters service; its summary is the live run's last event summary.
    emu.sendAcd({ code: 84, source: '7777' });
    await waitFor('the marker event in the live summary', () => live.some((s) => s.stations.some((st) => st.station === '7777')), 20_000);
    const firstWithMarker = live.find((s) => s.stations.some((st) => st.station === '7777'));
    marker = [...live].reverse().find((s) => s.at === firstWithMarker?.at);
    recorded = await recorder.close();
    await conn.close();
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('recorded every frame with a header and an end line', () => {
    expect(recorded?.error).toBeUndefined();
    expect(recorded?.dropped).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const header = decodeHeader(lines[0] ?? '');
    expect('error' in header ? header.error : header.startedAt).toBe(startedAt);
    const entries = lines.slice(1).map((l) => decodeEntry(l));
    expect(entries.every((e) => e !== undefined)).toBe(true);
    const frames = entries.filter((e) => e?.kind === 'frame');
    expect(frames.length).toBe(recorded?.frames);
    // Ten simulated minutes of a busy centre: calls, TIME & DATE every simulated minute, logins.
    expect(frames.length).toBeGreaterThan(150);
    expect(entries.at(-1)?.kind).toBe('end');
    expect(entries.some((e) => e?.kind === 'connection' && e.state.kind === 'open')).toBe(true);
  });

  it('replays to exactly the live summary at the last event', async () => {
    const m = marker;
    expect(m).toBeDefined();
    if (m === undefined) return;
    expect(m.totalInboundCalls).toBeGreaterThan(5);
    expect(m.totalAnsweredCalls).toBeGreaterThan(0);
    const t0 = performance.now();
    const replayed: ReplayResult = await replayJournal(file, { until: m.at });
    const ms = performance.now() - t0;
    console.log(`replayed ${replayed.frames} frames (${replayed.summaries} summaries) in ${ms.toFixed(0)} ms; live run took ${((m.at - m.periodStart) / 1000).toFixed(1)} s`);
    expect(replayed.final).toEqual(m);
    expect(replayed.endedAt).toBe(m.at);
    expect(replayed.stats.malformed).toBe(0);
    expect(replayed.badLines).toBe(0);
    expect(replayed.outOfOrder).toBe(0);
  });

  it('the live summary at each new call is reproduced by the replay', async () => {
    // Ticks fire on the real clock live and on exact multiples in the replay, so only event instants compare, and
    // only where the event surely changed a figure: a new inbound call (a tick at the same millisecond, before or
    // after the frame, cannot hide it).
    const lastAt = new Map(live.map((s) => [s.at, s]));
    const instants: number[] = [];
    let inbound = live[0]?.totalInboundCalls ?? 0;
    for (const s of live) {
      if (s.totalInboundCalls > inbound && !instants.includes(s.at)) instants.push(s.at);
      inbound = s.totalInboundCalls;
    }
    expect(instants.length).toBeGreaterThan(5);
    const picked = instants.filter((_, i) => i % Math.max(1, Math.floor(instants.length / 12)) === 0);
    const replayed: AcdSummary[] = [];
    for (const at of picked) replayed.push((await replayJournal(file, { until: at })).final);
    expect(replayed).toEqual(picked.map((at) => lastAt.get(at)));
  });
});
