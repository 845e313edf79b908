// `npm run bench:bridge`: the NATS bridge's publish path against a bare `@nats-io/jetstream` publisher, and one
// site end to end at a paced rate. Needs `nats-server` (apt-get install -y nats-server).
//
// 1. Publish path, flat out, one site: N synthetic ACD events into `startBridge()` (spool on, as `ipecs-rx bridge`
//    runs by default; and spool off) until JetStream acknowledged every one, against a bare publisher of the same
//    subjects, payloads and message ids with `js.publish()` and a window of promises in flight (the usual way to
//    use the client). Same nats-server, one stream each; best of R alternating rounds; ratio = bridge / bare.
// 2. End to end, one site: an emulator in a CHILD process (this file, forked with `pbx`) paces numbered calls at
//    RATE events/s for S seconds over WSS → `connectMany` (the full client: decode, filter, metrics) → bridge (spool
//    on) in this process → nats-server → `fromJetStream()` in a second child (`consumer`), as deployed: the bridge
//    next to its PBX, consumers elsewhere. Latency per frame from the PBX child's send instant to the consumer
//    child's receipt (one machine, one wall clock): p50/p99/max, split at the client's receipt (the event's `at`).
//
// Options (env): BENCH_BRIDGE_N (publish-path events, default 200000), BENCH_BRIDGE_ROUNDS (3), BENCH_BRIDGE_RATES
// (events/s, comma-separated, default 20000,25000), BENCH_BRIDGE_S (seconds per rate, default 10),
// BENCH_BRIDGE_WINDOWS (the bare publisher's promises in flight, each tried, default 256,1024,4096; the best is the
// baseline). The warm-up runs the first rate for 2 s, unmeasured.

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { NEVER, Subject, filter, firstValueFrom } from 'rxjs';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { startEmulator, type Emulator, type EmulatorClientConfig } from '../src/emulator/index.js';
import { silentLogger } from '../src/logging/logger.js';
import { connectMany } from '../src/multi/connect-many.js';
import type { SiteEvent } from '../src/multi/types.js';
import { startBridge } from '../src/bridge/bridge.js';
import { fromJetStream } from '../src/bridge/consumer.js';
import { startNatsServer } from '../test/bridge/nats-server.js';
import { resetTimeFarAway } from './helpers.js';

// ---- the PBX child ------------------------------------------------------------------------------------------------

interface PaceRequest { readonly rate: number; readonly seconds: number }
interface PaceResult { readonly sent: number; readonly ms: number; readonly sentAt: number[] }

async function pbxChild(): Promise<void> {
  const emu: Emulator = await startEmulator({ port: 0, timeAndDate: false });
  // Ends with the bench, whatever the emulator's sockets are doing.
  const end = (): void => {
    setTimeout(() => process.exit(0), 2000).unref();
    void emu.stop().then(() => process.exit(0));
  };
  process.on('disconnect', end);
  process.on('message', (req: PaceRequest | 'stop') => {
    if (req === 'stop') {
      end();
      return;
    }
    // Calls 1, 2, 3…: ring (code 3) then trunk idle (code 2), both carrying the call id; frame i is sent at
    // t0 + i / rate, in 2 ms slices, and its instant recorded (epoch ms, sub-ms).
    const total = Math.round(req.rate * req.seconds);
    const sentAt = new Float64Array(total);
    const t0 = performance.now();
    let i = 0;
    const step = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * req.rate));
      for (; i < due; i++) {
        const ref = (i >> 1) + 1;
        const trunk = String((ref % 200) + 1);
        sentAt[i] = performance.timeOrigin + performance.now();
        if ((i & 1) === 0) emu.sendAcd({ code: 3, callRefId: ref, source: trunk, data1: 1, data2: 5 });
        else emu.sendAcd({ code: 2, callRefId: ref, source: trunk });
      }
      if (i < total) setTimeout(step, 2);
      else process.send?.({ sent: total, ms: performance.now() - t0, sentAt: Array.from(sentAt) } satisfies PaceResult);
    };
    step();
  });
  process.send?.(emu.clientConfig());
}

// ---- the consumer child: fromJetStream() in its own process, as a consumer runs elsewhere ---------------------------

interface Receipts { readonly refs: number[]; readonly codes: number[]; readonly at: number[]; readonly clientAt: number[] }

function consumerChild(url: string): void {
  const feed = fromJetStream({ url, sites: ['site01'], durable: 'bench' });
  let r: { refs: number[]; codes: number[]; at: number[]; clientAt: number[] } = { refs: [], codes: [], at: [], clientAt: [] };
  feed.events$.subscribe((e) => {
    if (e.callRefId === undefined) return;
    r.refs.push(e.callRefId);
    r.codes.push(e.code);
    r.at.push(performance.timeOrigin + performance.now());
    r.clientAt.push(e.at);
  });
  const end = (): void => {
    setTimeout(() => process.exit(0), 2000).unref();
    void feed.close().then(() => process.exit(0));
  };
  process.on('disconnect', end);
  process.on('message', (req: { count: number } | 'stop') => {
    if (req === 'stop') {
      end();
      return;
    }
    // Answers once `count` events arrived (or 120 s passed), with what arrived, and starts afresh.
    const t0 = Date.now();
    const check = (): void => {
      if (r.refs.length >= req.count || Date.now() - t0 > 120_000) {
        process.send?.(r satisfies Receipts);
        r = { refs: [], codes: [], at: [], clientAt: [] };
      } else setTimeout(check, 5);
    };
    check();
  });
  process.send?.('ready');
}

if (process.argv[2] === 'pbx') {
  await pbxChild();
} else if (process.argv[2] === 'consumer') {
  consumerChild(process.argv[3] ?? '');
} else {
  await main();
}

// ---- the bench ----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const N = Number(process.env['BENCH_BRIDGE_N'] ?? 200_000);
  const ROUNDS = Number(process.env['BENCH_BRIDGE_ROUNDS'] ?? 3);
  const RATES = (process.env['BENCH_BRIDGE_RATES'] ?? '20000,25000').split(',').map(Number);
  const SECONDS = Number(process.env['BENCH_BRIDGE_S'] ?? 10);
  const WINDOWS = (process.env['BENCH_BRIDGE_WINDOWS'] ?? '256,1024,4096').split(',').map(Number);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB');
  const load = (): string => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const pct = (xs: readonly number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
  };
  const until = async (check: () => boolean, ms: number): Promise<boolean> => {
    const t0 = Date.now();
    while (!check()) {
      if (Date.now() - t0 > ms) return false;
      await new Promise((r) => setTimeout(r, 2));
    }
    return true;
  };

  console.log(`machine: ${os.cpus()[0]?.model ?? '?'}, ${String(os.cpus().length)} cores, node ${process.version}, load average ${load()}`);
  const nats = await startNatsServer();
  const nc: NatsConnection = await natsConnect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  const addStream = async (name: string, prefix: string): Promise<void> => {
    await jsm.streams.add({ name, subjects: [`${prefix}.>`], storage: StorageType.File, retention: RetentionPolicy.Limits, duplicate_window: 600_000_000_000 });
  };
  const event = (ref: number): Omit<SiteEvent, 'siteId'> => ({ at: Date.now(), pbxTime: '2026/11/27 12:00:00', code: 3, name: 'CO IN RING', eventString: 'CO IN RING', callRefId: ref, source: { type: 'co', number: '0001' }, data1: '0001', data2: '0005' });

  // ---- 1. publish path ----
  console.log(`\n## Publish path, one site, ${fmt(N)} events flat out (best of ${String(ROUNDS)} alternating rounds)`);
  let run = 0;
  async function bare(window: number): Promise<number> {
    const prefix = `bare${String(++run)}`;
    await addStream(prefix.toUpperCase(), prefix);
    const js = jetstream(nc);
    const subject = `${prefix}.site01.acd.3`;
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const t0 = performance.now();
    let failed = 0;
    for (let i = 1; i <= N; i++) {
      while (inFlight >= window) await new Promise<void>((r) => { wake = r; });
      inFlight++;
      js.publish(subject, JSON.stringify(event(i)), { msgID: `site01:1:${String(i)}` }).then(
        () => undefined,
        () => { failed++; },
      ).finally(() => {
        inFlight--;
        const w = wake;
        wake = undefined;
        w?.();
      });
    }
    await until(() => inFlight === 0, 120_000);
    const ms = performance.now() - t0;
    if (failed > 0) console.log(`  (bare: ${String(failed)} publishes failed)`);
    return (N / ms) * 1000;
  }
  async function bridged(spool: boolean): Promise<number> {
    const prefix = `bridge${String(++run)}`;
    const events$ = new Subject<SiteEvent>();
    const spoolDir = spool ? mkdtempSync(join(tmpdir(), 'ipecs-bench-spool-')) : undefined;
    const bridge = startBridge({ source: { siteIds: ['site01'], events$, connection$: NEVER, siteSummary$: NEVER }, servers: nats.url, stream: prefix.toUpperCase(), bucket: `${prefix}-summary`, prefix, ...(spoolDir === undefined ? {} : { spoolDir }) });
    await until(() => bridge.stats().connected, 10_000);
    const acked = (): number => bridge.stats().sites['site01']?.acked ?? 0;
    const t0 = performance.now();
    for (let i = 1; i <= N; i++) {
      events$.next({ ...event(i), siteId: 'site01' });
      // As frames come from a socket: a read's worth at a time, then the event loop turns.
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => acked() >= N, 120_000);
    const ms = performance.now() - t0;
    const s = bridge.stats().sites['site01'];
    if ((s?.failures ?? 0) > 0 || (s?.dropped ?? 0) > 0) console.log(`  (bridge: ${JSON.stringify(s)})`);
    await bridge.close(2000);
    if (spoolDir !== undefined) rmSync(spoolDir, { recursive: true, force: true });
    return (N / ms) * 1000;
  }
  // Warm-up (JIT, the server's file store).
  await bare(1024);
  await bridged(true);
  // The bare publisher at each window; its best is the baseline (so the ratio is not flattered by a poor window).
  const results = { bare: [] as number[], spool: [] as number[], memory: [] as number[] };
  const bareByWindow = new Map<number, number[]>(WINDOWS.map((w) => [w, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['bare', 'spool', 'memory'] as const) : (['memory', 'spool', 'bare'] as const);
    for (const who of order) {
      if (who === 'bare') {
        for (const w of WINDOWS) {
          const rate = await bare(w);
          results.bare.push(rate);
          bareByWindow.get(w)?.push(rate);
          console.log(`  round ${String(r + 1)} bare js.publish, window ${String(w)}: ${fmt(rate)} events/s acked   (load ${load()})`);
        }
        continue;
      }
      const rate = await bridged(who === 'spool');
      results[who].push(rate);
      console.log(`  round ${String(r + 1)} bridge, spool ${who === 'spool' ? 'on ' : 'off'}: ${fmt(rate)} events/s acked   (load ${load()})`);
    }
  }
  const best = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), 0);
  console.log(
    `  best: bare ${fmt(best(results.bare))} (by window: ${[...bareByWindow].map(([w, xs]) => `${String(w)}: ${fmt(best(xs))}`).join(', ')}), ` +
      `bridge spool on ${fmt(best(results.spool))} (ratio ${(best(results.spool) / best(results.bare)).toFixed(2)}), ` +
      `spool off ${fmt(best(results.memory))} (ratio ${(best(results.memory) / best(results.bare)).toFixed(2)}) events/s`,
  );

  // ---- 2. end to end ----
  const child = fork(fileURLToPath(import.meta.url), ['pbx'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const config = await new Promise<EmulatorClientConfig>((resolve) => child.once('message', (m: EmulatorClientConfig) => { resolve(m); }));
  const pace = (rate: number, seconds: number): Promise<PaceResult> =>
    new Promise((resolve) => {
      child.once('message', (m: PaceResult) => { resolve(m); });
      child.send({ rate, seconds } satisfies PaceRequest);
    });
  const spoolDir = mkdtempSync(join(tmpdir(), 'ipecs-bench-spool-'));
  const many = connectMany([{ id: 'site01', config: { ...config, log: { file: null, console: false }, metrics: { timeZone: 'UTC', resetTime: resetTimeFarAway() } } }], { logger: silentLogger, env: {} });
  await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
  const bridge = startBridge({ source: many, servers: nats.url, spoolDir });
  const consumer = fork(fileURLToPath(import.meta.url), ['consumer', nats.url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => consumer.once('message', () => { resolve(); }));
  const receipts = (count: number): Promise<Receipts> =>
    new Promise((resolve) => {
      consumer.once('message', (m: Receipts) => { resolve(m); });
      consumer.send({ count });
    });
  // Warm-up at the first rate (JIT of every stage), not measured.
  const warm = receipts(Math.round((RATES[0] ?? 20_000) * 2));
  await pace(RATES[0] ?? 20_000, 2);
  await warm;
  for (const rate of RATES) {
    const acked0 = bridge.stats().sites['site01']?.acked ?? 0;
    const loadBefore = load();
    const t0 = performance.now();
    const got = receipts(Math.round(rate * SECONDS));
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu0 = process.cpuUsage();
    const paced = await pace(rate, SECONDS);
    const sentMs = performance.now() - t0;
    const r = await got;
    loop.disable();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / ms;
    const ok = r.refs.length >= paced.sent;
    const ackedNow = (bridge.stats().sites['site01']?.acked ?? 0) - acked0;
    // Frame i of the pace is call (i >> 1) + 1, ring first: its send instant is sentAt[i].
    const base = r.refs.reduce((a, b) => Math.min(a, b), Infinity);
    const sentOf = (k: number): number => paced.sentAt[((r.refs[k] ?? base) - base) * 2 + (r.codes[k] === 3 ? 0 : 1)] ?? NaN;
    const lat = r.at.map((at, k) => at - sentOf(k));
    // Where it was spent: PBX send → the client's receipt (the event's `at`, ms), and from there to the consumer.
    const toClient = r.clientAt.map((at, k) => at - sentOf(k));
    const clientToConsumer = r.at.map((at, k) => at - (r.clientAt[k] ?? NaN));
    console.log(
      `\n## End to end, one site at ${fmt(rate)} events/s for ${String(SECONDS)} s (emulator process → client + bridge (spool on) in this process → nats-server → consumer process)\n` +
        `  PBX sent ${fmt(paced.sent)} in ${(sentMs / 1000).toFixed(2)} s (${fmt((paced.sent / paced.ms) * 1000)} events/s); consumer got ${fmt(r.refs.length)} by ${(ms / 1000).toFixed(2)} s${ok ? '' : ' (TIMED OUT)'}; ` +
        `bridge acked ${fmt(ackedNow)}\n` +
        `  latency PBX send → consumer: p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${lat.reduce((a, b) => Math.max(a, b), 0).toFixed(1)} ms   (load before ${loadBefore}, after ${load()})\n` +
        `  of which PBX → client p50 ${pct(toClient, 50).toFixed(1)} / p99 ${pct(toClient, 99).toFixed(1)} ms, client → bridge → JetStream → consumer p50 ${pct(clientToConsumer, 50).toFixed(1)} / p99 ${pct(clientToConsumer, 99).toFixed(1)} ms; ` +
        `event-loop delay of the client + bridge process p99 ${(loop.percentile(99) / 1e6).toFixed(1)} / max ${(loop.max / 1e6).toFixed(1)} ms, its CPU ${(cpuShare * 100).toFixed(0)}% of a core ` +
        `(${((cpu.user + cpu.system) / r.refs.length).toFixed(1)} µs per event)`,
    );
  }
  console.log(`\nbridge: ${JSON.stringify(bridge.stats().sites['site01'])}`);
  const exited = (p: ReturnType<typeof fork>): Promise<void> => new Promise((resolve) => { if (p.exitCode !== null) resolve(); else p.once('exit', () => { resolve(); }); });
  consumer.send('stop');
  await many.close();
  await bridge.close(2000);
  child.send('stop');
  await Promise.all([exited(consumer), exited(child)]);
  rmSync(spoolDir, { recursive: true, force: true });
  await nc.close();
  await nats.stop();
}
