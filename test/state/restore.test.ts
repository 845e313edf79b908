// connect() with `state.file` against the emulator over real HTTPS + WSS (issue 17): a checkpoint of the same PBX
// and period is restored with a restart gap marker; a corrupt one, one of another PBX or account and one of
// yesterday are each handled as docs/state-continuity.md says, reported, and never crash the client.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type IpecsClient } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { ConfigInput } from '../../src/config/config.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/metrics/checkpoint.js';
import { initialMetricsState } from '../../src/metrics/reducer.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { memoryLogger, waitFor } from '../connection/helpers.js';

let emulator: Emulator | undefined;
const clients: IpecsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.stop();
  emulator = undefined;
});

const metrics = { timeZone: 'UTC', resetTime: '00:00' };

function open(emu: Emulator, file: string, lines: string[] = []): IpecsClient {
  const config: ConfigInput = {
    server: { host: emu.host, port: emu.port, userId: 'acd', password: 'acd' },
    tls: { fingerprint256: emu.fingerprint256 },
    log: { file: null },
    metrics,
    state: { file, checkpointMs: 60_000 },
  };
  const client = connect(config, { logger: memoryLogger(lines), env: {} });
  clients.push(client);
  return client;
}

const opened = (c: IpecsClient): Promise<ConnectionState> => firstValueFrom(c.connection$.pipe(filter((s) => s.kind === 'open')));
const tmpFile = (): string => join(mkdtempSync(join(tmpdir(), 'ipecs-state-')), 'checkpoint.json');

describe('state.file', () => {
  it('a client closed and started again goes on from its checkpoint, with a restart gap marker', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const file = tmpFile();
    const first = open(emulator, file);
    expect(first.restored).toEqual({ kind: 'none' });
    await opened(first);
    await emulator.playScenario('inbound-answered', { speed: 50 });
    await emulator.playScenario('outbound', { speed: 50 });
    await waitFor('the scenarios', () => first.stats().delivered >= 10, 15_000);
    const before = await firstValueFrom(first.summary$);
    expect(before.totalInboundCalls).toBe(1);
    await first.close();
    const saved = decodeCheckpoint(readFileSync(file, 'utf8'), { ...DEFAULT_CONFIG.metrics, ...metrics });
    if (!saved.ok) throw new Error(saved.problem.detail);

    const lines: string[] = [];
    const second = open(emulator, file, lines);
    const states = firstValueFrom(second.connection$.pipe(filter((s) => s.kind === 'gap' || s.kind === 'open'), take(2), toArray()));
    expect(second.restored).toEqual({ kind: 'restored', savedAt: saved.checkpoint.savedAt, periodStart: before.periodStart });
    const [gap, openState] = await states;
    expect(gap).toEqual({ kind: 'gap', at: openState?.at, from: saved.checkpoint.savedAt, to: openState?.at, cause: 'restart' });
    expect(second.stats().gaps).toBe(1); // counted like a socket's gap
    const after = await firstValueFrom(second.summary$);
    expect(after).toMatchObject({
      totalInboundCalls: before.totalInboundCalls,
      totalAnsweredCalls: before.totalAnsweredCalls,
      totalOutboundCalls: before.totalOutboundCalls,
      stationsConnected: before.stationsConnected,
      periodStart: before.periodStart,
    });
    expect(lines.some((l) => l.includes('metrics restored from checkpoint') && l.includes(file))).toBe(true);
  });

  it('a corrupt checkpoint is reported with its file, set aside and ignored: the figures start at zero', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const file = tmpFile();
    writeFileSync(file, '{"format":"ipecs-rx.metrics-checkpoint","version":1,"identity":{"host":');
    const lines: string[] = [];
    const client = open(emulator, file, lines);
    expect(client.restored).toMatchObject({ kind: 'ignored', reason: 'corrupt', detail: expect.stringMatching(/^not JSON/) as string });
    const warn = lines.find((l) => l.includes('checkpoint ignored (corrupt)'));
    expect(warn).toContain(file);
    expect(JSON.parse(warn ?? '{}')).toMatchObject({ level: 'warn' });
    expect(existsSync(`${file}.rejected`)).toBe(true);
    await opened(client);
    await emulator.playScenario('inbound-answered', { speed: 50 });
    await waitFor('the scenario', () => client.stats().delivered >= 5, 15_000);
    expect((await firstValueFrom(client.summary$)).totalInboundCalls).toBe(1);
    await client.close();
    expect(decodeCheckpoint(readFileSync(file, 'utf8'), { ...DEFAULT_CONFIG.metrics, ...metrics }).ok).toBe(true); // a good one replaces it
  });

  it('a checkpoint of another PBX or another account is reported as such and ignored', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const state = initialMetricsState({ ...DEFAULT_CONFIG.metrics, ...metrics }, Date.now() - 60_000);
    state.totalInboundCalls = 42;
    for (const [identity, which] of [
      [{ host: '10.9.9.9', port: emulator.port, userId: 'acd' }, 'another PBX'],
      [{ host: emulator.host, port: emulator.port, userId: 'acd2' }, 'another account'],
    ] as const) {
      const file = tmpFile();
      writeFileSync(file, encodeCheckpoint(state, identity, Date.now() - 30_000));
      const lines: string[] = [];
      const client = open(emulator, file, lines);
      expect(client.restored).toMatchObject({ kind: 'ignored', reason: 'foreign', detail: expect.stringContaining(which) as string });
      expect(lines.some((l) => l.includes('checkpoint ignored (foreign)') && l.includes(which))).toBe(true);
      expect((await firstValueFrom(client.summary$)).totalInboundCalls).toBe(0);
      await client.close();
    }
  });

  it('a checkpoint that cannot be read or written (a folder in its place) is reported once and never crashes', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const folder = mkdtempSync(join(tmpdir(), 'ipecs-state-dir-'));
    const lines: string[] = [];
    const client = open(emulator, folder, lines);
    expect(client.restored).toMatchObject({ kind: 'ignored', reason: 'unreadable', detail: expect.stringContaining('EISDIR') as string });
    await opened(client);
    await client.close(); // a checkpoint at start and one on close: both fail, one warning
    expect(lines.filter((l) => l.includes('checkpoint not written'))).toHaveLength(1);
  });

  it("yesterday's checkpoint is closed into periods$ (marked) and not restored", async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const file = tmpFile();
    const yesterday = Date.now() - 86_400_000;
    const state = initialMetricsState({ ...DEFAULT_CONFIG.metrics, ...metrics }, yesterday - 3_600_000);
    state.totalInboundCalls = 17;
    state.totalAnsweredCalls = 15;
    writeFileSync(file, encodeCheckpoint(state, { host: emulator.host, port: emulator.port, userId: 'acd' }, yesterday));
    const client = open(emulator, file);
    const period = firstValueFrom(client.periods$); // subscribed right after connect(): the closed period still comes
    expect(client.restored).toEqual({ kind: 'closed', savedAt: yesterday, periodStart: yesterday - 3_600_000 });
    expect(await period).toMatchObject({ closedBy: 'checkpoint', totalInboundCalls: 17, totalAnsweredCalls: 15, periodStart: yesterday - 3_600_000, at: yesterday });
    const now = await firstValueFrom(client.summary$);
    expect(now.totalInboundCalls).toBe(0);
    expect(now.periodStart).toBeGreaterThan(yesterday);
  });
});
