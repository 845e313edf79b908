// Issue 17 (and 18 item 2): a bridge SIGKILLed and restarted in the middle of a period keeps its KV day totals.
// `ipecs-rx bridge` runs in a child process against a real `nats-server -js`; a direct client of the same PBX (a
// second account) watches the whole period. Afterwards the bridge's KV summary equals the direct client's
// summary minus only what the marked restart gap covers: the frames the emulator sent while the bridge was down
// (its own log of sent frames says which: they went to one socket, not two), decoded and reduced in this test.
//
// The centre runs at speed 0.001 and is moved on with `advanceClock`, in bursts the test waits for.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as natsConnect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom, filter } from 'rxjs';
import { startEmulator, type Emulator, type SentFrame } from '../../src/emulator/index.js';
import { connect } from '../../src/index.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { decodeCheckpoint } from '../../src/metrics/checkpoint.js';
import { gapSubject } from '../../src/bridge/subjects.js';
import { checkpointKey } from '../../src/bridge/kv-checkpoint.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { startNatsServer, type NatsServer } from './nats-server.js';
import { waitFor } from '../connection/helpers.js';

const SPEED = 0.001;
const SITE = 'leeds';
const names = { stream: 'CKPT', bucket: 'ckpt-summary', prefix: 'ipecs' };
const metrics = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };
const accounts = ['acd', 'acd2'].map((userId) => ({ userId, password: userId, kind: 'server' as const, privileges: { acd: true, smdr: true, cti: true } }));

let nats: NatsServer;
let natsStarted = false;
let emu: Emulator | undefined;
const dir = mkdtempSync(join(tmpdir(), 'ipecs-bridge-ckpt-'));
beforeAll(async () => {
  nats = await startNatsServer();
  natsStarted = true;
});
afterAll(async () => {
  await emu?.stop();
  if (natsStarted) await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

const counts = (s: AcdSummary) => ({
  inbound: s.totalInboundCalls,
  answered: s.totalAnsweredCalls,
  abandoned: s.totalAbandonedCalls,
  outbound: s.totalOutboundCalls,
  shortAbandons: s.shortAbandons,
  stations: s.stationsConnected,
  agents: s.agentsLoggedIn,
  queue: s.callsInQueue,
  active: s.activeCalls,
});

/** The figures of these frames, decoded and reduced here in sending order. */
function reduced(frames: readonly SentFrame[]): AcdSummary {
  let state = initialMetricsState(metrics, 0);
  for (const f of frames) {
    const ev = decodeAcdFrame(Buffer.from(f.text), f.binary, f.at, DEFAULT_CONFIG.socket.maxFrameBytes);
    if (isDecodeError(ev)) throw new Error(`frame ${String(f.seq)}: ${ev.message}`);
    state = reduceMetrics(state, ev);
  }
  return summarize(state, state.at);
}

async function kvValue(key: string): Promise<string | undefined> {
  const nc = await natsConnect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).open(names.bucket, { bindOnly: true });
    const e = await kv.get(key);
    return e === null || e.operation !== 'PUT' ? undefined : e.string();
  } catch {
    return undefined;
  } finally {
    await nc.close();
  }
}

/** Polls the KV bucket until `check` holds for the value of `key` (parsed); returns it. */
async function kvUntil<T>(what: string, key: string, check: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T | undefined;
  for (;;) {
    const text = await kvValue(key);
    last = text === undefined ? undefined : (JSON.parse(text) as T);
    if (last !== undefined && check(last)) return last;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${last === undefined ? 'nothing' : JSON.stringify(last).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** How many gap markers of the site the stream holds, and the last one. */
async function gapMessages(): Promise<{ count: number; last: Record<string, unknown> | undefined }> {
  const nc = await natsConnect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(names.stream, { subjects_filter: gapSubject(SITE, names.prefix) });
    const count = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
    if (count === 0) return { count, last: undefined };
    const last = await jsm.streams.getMessage(names.stream, { last_by_subj: gapSubject(SITE, names.prefix) });
    return { count, last: last?.json<Record<string, unknown>>() };
  } finally {
    await nc.close();
  }
}

describe('a bridge SIGKILLed and restarted mid-period', () => {
  it("keeps its KV day totals: the direct client's summary minus only the marked gap", async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false, recordSent: true, accounts });
    const e = emu;
    const advance = (simSeconds: number): void => {
      e.advanceClock(simSeconds / SPEED);
    };
    const conf = join(dir, 'leeds.conf');
    writeFileSync(conf, JSON.stringify({
      server: { host: e.host, port: e.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: e.fingerprint256 },
      log: { file: null },
      metrics: { timeZone: 'UTC' },
      state: { checkpointMs: 200 },
    }), { mode: 0o600 });
    const direct = connect({ server: { host: e.host, port: e.port, userId: 'acd2', password: 'acd2' }, tls: { fingerprint256: e.fingerprint256 }, log: { file: null }, metrics: { timeZone: 'UTC' } }, { logger: silentLogger, env: {} });
    await firstValueFrom(direct.connection$.pipe(filter((s) => s.kind === 'open')));

    let child: ChildProcess | undefined;
    let childErr = '';
    const startBridgeChild = (): void => {
      childErr = '';
      const p = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'bridge-child.ts'), '--config', conf, '--site', SITE, '--nats', nats.url, '--spool', 'none', '--stream', names.stream, '--bucket', names.bucket], { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr.on('data', (d: Buffer) => (childErr += d.toString()));
      child = p;
    };
    try {
      startBridgeChild();
      await waitFor('the bridge socket', () => e.counters().socketsOpen === 2, 30_000);
      e.startCentre({ seed: 21, speed: SPEED });

      // Morning: two simulated hours through the bridge.
      advance(2 * 3600);
      const morning = e.sentFrames().length;
      await waitFor('the morning on the direct client', () => direct.stats().received === morning, 20_000);
      const morningInbound = (await firstValueFrom(direct.summary$)).totalInboundCalls;
      await kvUntil<AcdSummary>('the morning in the KV summary', SITE, (s) => s.totalInboundCalls === morningInbound);
      const allSeenAt = Date.now();
      await kvUntil<{ savedAt: number }>('a checkpoint in the bucket after the morning', checkpointKey(SITE), (c) => c.savedAt > allSeenAt);

      // SIGKILL; half an hour that only the direct client sees; the bridge comes back 2 s later.
      const killed = child;
      await new Promise<void>((resolve) => {
        killed?.once('exit', () => {
          resolve();
        });
        killed?.kill('SIGKILL');
      });
      child = undefined;
      const checkpointText = await kvValue(checkpointKey(SITE));
      const checkpoint = decodeCheckpoint(checkpointText ?? '', metrics);
      if (!checkpoint.ok) throw new Error(checkpoint.problem.detail);
      advance(1800);
      const beforeRestart = e.sentFrames().length;
      expect(beforeRestart).toBeGreaterThan(morning);
      await waitFor('the gap on the direct client', () => direct.stats().received === beforeRestart, 20_000);
      await new Promise((r) => setTimeout(r, 2_000));
      startBridgeChild();
      await waitFor('the restarted bridge socket', () => e.counters().socketsOpen === 2, 30_000);

      // Afternoon: an hour more.
      advance(3600);
      const total = e.sentFrames().length;
      await waitFor('the afternoon on the direct client', () => direct.stats().received === total, 20_000);

      const sent = e.sentFrames();
      const whole = reduced(sent);
      const outsideGap = reduced(sent.filter((f) => f.sockets === 2)); // the frames the bridge's PBX socket got
      const directNow = await firstValueFrom(direct.summary$);
      expect(counts(directNow)).toEqual(counts(whole)); // the direct client saw the whole period
      const gapShare = { inbound: whole.totalInboundCalls - outsideGap.totalInboundCalls, frames: sent.filter((f) => f.sockets === 1).length };
      expect(gapShare.inbound).toBeGreaterThan(0);
      const kv = await kvUntil<AcdSummary>('the KV summary after the afternoon', SITE, (s) => s.totalInboundCalls === outsideGap.totalInboundCalls && s.totalAnsweredCalls === outsideGap.totalAnsweredCalls);
      console.log(`bridge KV inbound ${String(kv.totalInboundCalls)} = direct ${String(directNow.totalInboundCalls)} − gap ${String(gapShare.inbound)} (${String(gapShare.frames)} frames in the gap)`);
      expect(counts(kv)).toEqual(counts(outsideGap));
      expect(kv.totalInboundCalls).toBe(directNow.totalInboundCalls - gapShare.inbound);
      expect(kv.totalInboundCalls).toBeGreaterThan(morningInbound); // the morning is still in it
      expect(kv.periodStart).toBe(checkpoint.checkpoint.state.periodStart);

      // One gap marker on the stream, the site's own: from the checkpoint instant, cause 'restart'.
      const gaps = await gapMessages();
      expect(gaps.count).toBe(1);
      expect(gaps.last).toMatchObject({ kind: 'gap', siteId: SITE, from: checkpoint.checkpoint.savedAt, cause: 'restart' });
    } finally {
      child?.kill('SIGKILL');
      await direct.close();
      if (childErr !== '' && process.env['CI'] === undefined) console.log(childErr.slice(0, 2000));
    }
  }, 150_000);
});
