// Two emulated PBXs → one bridge → a real `nats-server -js` → a consumer anywhere. NATS is killed and restarted
// mid-run; the bridge is SIGKILLed mid-run (with unacknowledged frames in its spool) and restarted; a crash that
// lost JetStream's acks is replayed. Nothing is lost (the consumer gets every call the emulators sent) and nothing
// is counted twice (each call once on the consumer and once in the stream).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { ConfigInput } from '../../src/config/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { connectMany, type MultiSiteClient } from '../../src/multi/connect-many.js';
import type { MultiSiteStreams, SiteConnectionState, SiteEvent } from '../../src/multi/types.js';
import { startBridge, type Bridge, type BridgeStats } from '../../src/bridge/bridge.js';
import { fromJetStream } from '../../src/bridge/consumer.js';
import { spoolPath } from '../../src/bridge/spool.js';
import { natsSourceOptions } from '../../src/bridge/serve-source.js';
import { wallboardFeed } from '../../src/multi/wallboard-source.js';
import { createWallboardServer } from '../../src/serve/server.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

let nats: NatsServer; // assigned in beforeAll, which fails the file with a clear message when nats-server is absent
let natsStarted = false;
const emus = new Map<string, Emulator>();
const SITES = ['east', 'west'] as const;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  natsStarted = true;
  for (const id of SITES) emus.set(id, await startEmulator({ port: 0, timeAndDate: false }));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await Promise.all([...emus.values()].map((e) => e.stop()));
  if (natsStarted) await nats.stop();
});

function emu(id: string): Emulator {
  const e = emus.get(id);
  if (e === undefined) throw new Error(id);
  return e;
}

function configFor(e: Emulator): ConfigInput {
  return { server: { host: e.host, port: e.port, userId: 'acd', password: 'acd' }, tls: { fingerprint256: e.fingerprint256 }, log: { file: null, console: false } };
}

let describeState: () => string = () => '';

async function until(what: string, predicate: () => boolean, ms = 30_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}: ${describeState()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Inbound calls `from..from+n-1` (code 3 CO IN RING, one call each), sent by the site's PBX. */
function sendCalls(site: string, from: number, n: number): void {
  for (let i = from; i < from + n; i++) emu(site).sendAcd({ code: 3, callRefId: i, source: String((i % 8) + 1), data1: 1, data2: 5 });
}

/** The call ids each site's consumer received, in order (duplicates would show twice). */
function collect(feed: MultiSiteStreams): Map<string, number[]> {
  const got = new Map<string, number[]>(feed.siteIds.map((id) => [id, []]));
  const sub = feed.events$.subscribe((e: SiteEvent) => {
    if (e.code === 3 && e.callRefId !== undefined) got.get(e.siteId)?.push(e.callRefId);
  });
  cleanups.push(() => {
    sub.unsubscribe();
  });
  return got;
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

async function acdMessagesInStream(stream: string, prefix: string): Promise<number> {
  const nc = await natsConnect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(stream, { subjects_filter: `${prefix}.*.acd.>` });
    return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  } finally {
    await nc.close();
  }
}

describe('bridge: two sites through one bridge to a consumer over JetStream', () => {
  it('loses nothing and counts nothing twice while NATS is killed and restarted', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'ipecs-spool-'));
    const names = { stream: 'INPROC', bucket: 'inproc-summary', prefix: 'inproc' };
    const many: MultiSiteClient = connectMany(
      SITES.map((id) => ({ id, config: configFor(emu(id)) })),
      { logger: silentLogger, env: {} },
    );
    cleanups.push(() => many.close());
    const bridge: Bridge = startBridge({ source: many, servers: nats.url, spoolDir, retryMs: 200, publishTimeoutMs: 2000, summaryIntervalMs: 50, ...names });
    cleanups.push(async () => {
      await bridge.close(2000);
      rmSync(spoolDir, { recursive: true, force: true });
    });
    const feed = fromJetStream({ url: nats.url, sites: [...SITES], durable: 'wallboard', ...names });
    cleanups.push(() => feed.close());
    const got = collect(feed);
    await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));

    for (const id of SITES) sendCalls(id, 1, 150);
    await until('phase 1 at the consumer', () => SITES.every((id) => got.get(id)?.length === 150));

    await nats.kill();
    for (const id of SITES) sendCalls(id, 151, 150);
    // The PBX side is not blocked: the bridge takes every frame and buffers it.
    await until('frames buffered by the bridge', () => SITES.every((id) => (bridge.stats().sites[id]?.offered ?? 0) >= 302 && (bridge.stats().sites[id]?.pending ?? 0) >= 150));
    expect(bridge.stats().connected).toBe(false);
    await nats.start();
    await until('phase 2 at the consumer', () => SITES.every((id) => (got.get(id)?.length ?? 0) >= 300));
    expect(await bridge.flush(20_000)).toBe(true);

    for (const id of SITES) {
      expect(got.get(id)).toEqual(range(1, 300));
      const s = bridge.stats().sites[id];
      expect(s?.dropped).toBe(0);
      expect(s?.pending).toBe(0);
    }
    expect(await acdMessagesInStream(names.stream, names.prefix)).toBe(600);
    expect(feed.stats().sites['east']?.delivered).toBe(300);

    // The summaries travel through the KV bucket; the combined one sums the two sites.
    const combined = await firstValueFrom(feed.summaries$.pipe(filter((m) => m.combined.totalInboundCalls === 600)));
    expect(combined.sites['east']?.totalInboundCalls).toBe(300);
    expect(combined.sites['west']?.siteId).toBe('west');
    expect(combined.combined.groups.map((g) => g.group).sort()).toEqual(['east:1', 'west:1']);
  }, 120_000);

  it('a SIGKILLed bridge replays its spool on restart; a replay of stored frames is dropped by JetStream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipecs-bridge-'));
    const spoolDir = join(dir, 'spool');
    const sitesFile = join(dir, 'sites.json');
    writeFileSync(sitesFile, JSON.stringify({ sites: SITES.map((id) => ({ id, config: configFor(emu(id)) })) }));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    let latest: BridgeStats | undefined;
    let child: ChildProcess | undefined;
    const startChild = (): void => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'bridge-child.ts'), '--config', sitesFile, '--nats', nats.url, '--spool', spoolDir, '--stats-ms', '50'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      latest = undefined;
      createInterface({ input: p.stdout }).on('line', (line) => {
        try {
          latest = (JSON.parse(line) as { bridge: BridgeStats }).bridge;
        } catch {
          // not a stats line
        }
      });
      child = p;
    };
    const killChild = async (): Promise<void> => {
      const p = child;
      child = undefined;
      if (p === undefined || p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => {
          resolve();
        });
        p.kill('SIGKILL');
      });
    };
    cleanups.push(async () => {
      await killChild();
      // The killed bridge's sessions stay logged in on the PBX: log them out for the next test.
      for (const id of SITES) emu(id).faults.expireSessions();
    });
    // The child's PBX sockets are open: one more socket opened since `before`, and exactly one open now.
    const openedSince = (before: readonly number[]) => (): boolean => SITES.every((id, i) => emu(id).counters().socketsOpened > (before[i] ?? 0) && emu(id).counters().socketsOpen === 1);
    const socketsOpened = (): number[] => SITES.map((id) => emu(id).counters().socketsOpened);
    const site = (id: string) => latest?.sites[id];

    const feed = fromJetStream({ url: nats.url, sites: [...SITES], durable: 'crm' });
    cleanups.push(() => feed.close());
    const got = collect(feed);
    describeState = () => JSON.stringify({ got: SITES.map((id) => got.get(id)?.length), bridge: latest, feed: feed.stats(), emus: SITES.map((id) => emu(id).counters()) });

    const before1 = socketsOpened();
    startChild();
    await until('the bridge child to open both PBX sockets', openedSince(before1), 60_000);
    for (const id of SITES) sendCalls(id, 1001, 100);
    await until('phase 1 at the consumer', () => SITES.every((id) => got.get(id)?.length === 100), 60_000);

    // NATS down: the bridge spools; then it is SIGKILLed with 100 unacknowledged frames per site.
    await nats.kill();
    for (const id of SITES) sendCalls(id, 1101, 100);
    // (offered: 2 states + 100 calls of phase 1 + these 100; the stats line may lag, so both figures are checked)
    await until('frames spooled by the bridge', () => SITES.every((id) => (site(id)?.offered ?? 0) >= 202 && (site(id)?.pending ?? 0) >= 100));
    await killChild();
    const saved = SITES.map((id) => {
      const kept = join(dir, `${id}.saved`);
      copyFileSync(spoolPath(spoolDir, id), kept);
      return [id, kept] as const;
    });
    await nats.start();
    // The killed bridge's sessions are still logged in on the PBX: log them out, as an administrator would.
    for (const id of SITES) emu(id).faults.expireSessions();

    startChild();
    await until('the restarted bridge to replay its spool', () => SITES.every((id) => site(id)?.replayed === 100));
    await until('phase 2 at the consumer', () => SITES.every((id) => (got.get(id)?.length ?? 0) >= 200), 60_000);

    // A crash after JetStream stored the frames but before the acks reached the bridge: the same spool again.
    await killChild();
    for (const [id, kept] of saved) copyFileSync(kept, spoolPath(spoolDir, id));
    for (const id of SITES) emu(id).faults.expireSessions();
    const before3 = socketsOpened();
    startChild();
    await until('the replay to be acknowledged as duplicates', () => SITES.every((id) => site(id)?.duplicates === 100 && site(id)?.pending === 0), 60_000);
    await until('the bridge child to open both PBX sockets again', openedSince(before3), 60_000);
    for (const id of SITES) sendCalls(id, 1201, 100);
    await until('phase 3 at the consumer', () => SITES.every((id) => (got.get(id)?.length ?? 0) >= 300), 60_000);

    for (const id of SITES) expect(got.get(id)).toEqual(range(1001, 300));
    expect(await acdMessagesInStream('IPECS', 'ipecs')).toBe(600);
    // A SIGKILLed nats-server may forget the consumer's latest acks and redeliver: the consumer drops those by id
    // (feed.stats().duplicates), so each call was delivered exactly once.
    for (const id of SITES) expect(feed.stats().sites[id]?.delivered).toBe(300);
    // Each restart of the bridge is a gap marker (what the PBX sent while it was down was not seen).
    await until('the restart gaps at the consumer', () => SITES.every((id) => feed.stats().sites[id]?.gaps === 2));
  }, 240_000);

  it('started while NATS is down, buffers up to its bound, then drops the newest and reports them as a gap', async () => {
    const names = { stream: 'BOUND', bucket: 'bound-summary', prefix: 'bound' };
    await nats.kill();
    const many = connectMany(
      SITES.map((id) => ({ id, config: configFor(emu(id)) })),
      { logger: silentLogger, env: {} },
    );
    cleanups.push(() => many.close());
    const bridge = startBridge({ source: many, servers: nats.url, maxBuffered: 50, retryMs: 200, ...names });
    cleanups.push(() => bridge.close(2000));
    await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
    for (const id of SITES) sendCalls(id, 5001, 80);
    await until('frames offered to the bridge', () => SITES.every((id) => (bridge.stats().sites[id]?.dropped ?? 0) > 0 && (bridge.stats().sites[id]?.pending ?? 0) === 50));

    await nats.start();
    const feed = fromJetStream({ url: nats.url, sites: [...SITES], durable: 'late', ...names });
    cleanups.push(() => feed.close());
    const got = collect(feed);
    const gaps: SiteConnectionState[] = [];
    const sub = feed.connection$.subscribe((s) => {
      if (s.kind === 'gap') gaps.push(s);
    });
    cleanups.push(() => {
      sub.unsubscribe();
    });
    await until('the gap markers at the consumer', () => gaps.length === 2);
    for (const id of SITES) {
      const st = bridge.stats().sites[id];
      const calls = got.get(id) ?? [];
      // What waited is a contiguous run from the first call; the rest is one reported gap.
      expect(calls).toEqual(range(5001, calls.length));
      expect(calls.length + (st?.dropped ?? 0)).toBe(80);
      const gap = gaps.find((g) => g.siteId === id) as (SiteConnectionState & { dropped?: number }) | undefined;
      expect(gap?.dropped).toBe(st?.dropped);
    }
    expect(feed.stats().sites['east']?.gaps).toBe(1);
  }, 120_000);

  it('serves the wallboard from NATS: combined summary and health of both sites (serve --source nats://…)', async () => {
    const many = connectMany(
      SITES.map((id) => ({ id, config: configFor(emu(id)) })),
      { logger: silentLogger, env: {} },
    );
    cleanups.push(() => many.close());
    const bridge = startBridge({ source: many, servers: nats.url, summaryIntervalMs: 50 });
    cleanups.push(() => bridge.close(2000));
    await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));

    const options = natsSourceOptions(nats.url, 'east,west');
    if (typeof options === 'string') throw new Error(options);
    const feed = fromJetStream(options);
    cleanups.push(() => feed.close());
    const server = createWallboardServer({ ...wallboardFeed(feed), logger: silentLogger });
    cleanups.push(() => server.close());
    const { url } = await server.listen(0, '127.0.0.1');

    sendCalls('east', 9001, 2);
    sendCalls('west', 9001, 1);
    let summary: { totalInboundCalls?: number } = {};
    for (let i = 0; i < 300 && summary.totalInboundCalls !== 3; i++) {
      const r = await fetch(`${url}/summary`);
      if (r.ok) summary = (await r.json()) as { totalInboundCalls?: number };
      await new Promise((r2) => setTimeout(r2, 100));
    }
    expect(summary.totalInboundCalls).toBe(3);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(natsSourceOptions('http://x', 'a')).toMatch(/nats:/);
    expect(natsSourceOptions(nats.url, undefined)).toMatch(/--sites/);
  }, 120_000);

  it('sets the stream up again when NATS comes back without its store (the last test: it wipes every stream)', async () => {
    const names = { stream: 'WIPE', bucket: 'wipe-summary', prefix: 'wipe' };
    const many = connectMany(
      SITES.map((id) => ({ id, config: configFor(emu(id)) })),
      { logger: silentLogger, env: {} },
    );
    cleanups.push(() => many.close());
    const bridge = startBridge({ source: many, servers: nats.url, retryMs: 200, publishTimeoutMs: 2000, ...names });
    cleanups.push(() => bridge.close(2000));
    const feed = fromJetStream({ url: nats.url, sites: [...SITES], durable: 'wiped', ...names });
    cleanups.push(() => feed.close());
    const got = collect(feed);
    describeState = () => JSON.stringify({ got: SITES.map((id) => got.get(id)?.length), bridge: bridge.stats(), feed: feed.stats() });
    await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
    for (const id of SITES) sendCalls(id, 7001, 50);
    await until('phase 1 at the consumer', () => SITES.every((id) => got.get(id)?.length === 50));

    await nats.wipe();
    for (const id of SITES) sendCalls(id, 7051, 50);
    await until('phase 2 at the consumer', () => SITES.every((id) => (got.get(id)?.length ?? 0) >= 100), 90_000);
    for (const id of SITES) expect(got.get(id)).toEqual(range(7001, 100));
    expect(await acdMessagesInStream(names.stream, names.prefix)).toBe(100);
  }, 150_000);
});
