// `npm run bench`: the performance suite of issue 8. Prints a table and writes bench/results.json.
//
// 1. End to end: the emulator runs in a SEPARATE PROCESS (bench/emulator-process.ts) and bursts N events over
//    WSS (the realistic frames of bench/frames.ts, nearly every one changing a figure), alternately to a bare `ws` + `JSON.parse` client and to the full client (`connect()`: decode, filter,
//    metrics, with summary$, events$, errors$, connection$, periods$ and the nine per-event streams subscribed).
//    Same emulator process, same frames, same TLS. Each contender's time runs from the burst request to its
//    N-th message; best of R alternating rounds; ratio = full / bare events/s. The client's CPU time is recorded
//    too, because when the emulator is the slower side both rates are the emulator's.
// 2. In process: decode + filter + metrics reducer over ~1M frames against bare JSON.parse of the same Buffers.
// 3. Latency: the emulator paces 2,000 events/s to the full client; per event, from the frame's receipt by the
//    socket box (RawFrame.at, a high-resolution clock handed to the client as its scheduler's `now`) to the
//    summary$ emission that reflects it. Plus event-loop delay (monitorEventLoopDelay) over the same run.
// 4. Memory: heap after GC per tracked station (in service, agent logged in to a group) and per open call, in the
//    reducer state, and in one summary object.
//
// Options (env): BENCH_N (end-to-end events, default 500000), BENCH_ROUNDS (default 3), BENCH_FRAMES (in-process,
// default 1000000), BENCH_LATENCY_S (default 15), BENCH_OUT (default bench/results.json, '' = do not write).
// Run with --expose-gc (the npm script does).

import * as os from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { asyncScheduler, filter, firstValueFrom, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { connect, type IpecsClient } from '../src/client.js';
import { silentLogger } from '../src/logging/logger.js';
import { decodeAcdFrame } from '../src/protocol/decode.js';
import { isDecodeError, type AcdEvent } from '../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../src/metrics/reducer.js';
import { summarize } from '../src/metrics/summarize.js';
import { formatAcdFrame } from '../src/emulator/index.js';
import { EmulatorProcess } from './emulator-client.js';
import { getGc, openRawSocket, resetTimeFarAway } from './helpers.js';
import { bareParse, buildFrames, metricsConfig, pipelineWithReducer, race } from './in-process.js';

const N = Number(process.env['BENCH_N'] ?? 500_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const FRAMES = Number(process.env['BENCH_FRAMES'] ?? 1_000_000);
const LATENCY_S = Number(process.env['BENCH_LATENCY_S'] ?? 15);
const OUT = process.env['BENCH_OUT'] ?? fileURLToPath(new URL('./results.json', import.meta.url));

const gc = getGc();

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const log = (s: string): void => { console.log(s); };
const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB');

// ---- machine -----------------------------------------------------------------------------------------------

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  date: new Date().toISOString(),
};

// ---- end to end ---------------------------------------------------------------------------------------------

interface E2eRun { readonly ms: number; readonly cpuMs: number; readonly received: number }

async function bareRun(emu: EmulatorProcess, n: number): Promise<E2eRun> {
  const a = emu.address;
  if (a === undefined) throw new Error('no emulator');
  const raw = await openRawSocket(a);
  const { ws } = raw;
  let got = 0;
  let codes = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const done = new Promise<E2eRun>((resolve) => {
    ws.on('message', (data: Buffer) => {
      const o = JSON.parse(data.toString('utf8')) as { data: { eventCode: number } };
      codes += o.data.eventCode;
      if (++got === n) {
        const cpu = process.cpuUsage(cpu0);
        resolve({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, received: got });
      }
    });
  });
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  await emu.framesBurst(n);
  const r = await done;
  if (codes === 0) throw new Error('nothing parsed');
  await raw.close();
  return r;
}

/** A `now()` with sub-millisecond resolution on the wall-clock scale; timers are asyncScheduler's. */
const hiResScheduler: SchedulerLike = {
  now: () => performance.timeOrigin + performance.now(),
  schedule: (work, delay, state) => asyncScheduler.schedule(work as never, delay, state),
};

function fullClient(emu: EmulatorProcess, scheduler?: SchedulerLike): IpecsClient {
  const a = emu.address;
  if (a === undefined) throw new Error('no emulator');
  return connect(
    {
      server: { host: a.host, port: a.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: a.fingerprint256 },
      log: { file: null, console: false },
      metrics: { timeZone: 'UTC', resetTime: resetTimeFarAway() },
    },
    { logger: silentLogger, env: {}, ...(scheduler ? { scheduler } : {}) },
  );
}

/** Every public stream of the client, subscribed ("all hooks attached"). */
function attachAll(client: IpecsClient, onEvent: (e: AcdEvent) => void): Subscription {
  const subs = client.events$.subscribe(onEvent);
  const count = (): void => undefined;
  subs.add(client.summary$.subscribe(count));
  subs.add(client.periods$.subscribe(count));
  subs.add(client.errors$.subscribe(count));
  subs.add(client.connection$.subscribe(count));
  const perEvent: Observable<unknown>[] = [client.newCall$, client.callDisconnected$, client.callAnswered$, client.callWaiting$, client.agentLoggedIn$,
    client.agentLoggedOut$, client.stationConnected$, client.stationDisconnected$, client.stationBusy$];
  for (const s$ of perEvent) subs.add(s$.subscribe(count));
  return subs;
}

async function fullRun(emu: EmulatorProcess, n: number): Promise<E2eRun & { summaries: number }> {
  const client = fullClient(emu);
  let summaries = 0;
  let got = 0;
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  let resolveDone: (r: E2eRun) => void = () => undefined;
  const done = new Promise<E2eRun>((resolve) => { resolveDone = resolve; });
  const subs = attachAll(client, () => {
    if (++got === n) {
      const cpu = process.cpuUsage(cpu0);
      resolveDone({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, received: got });
    }
  });
  subs.add(client.summary$.subscribe(() => { summaries++; }));
  await firstValueFrom(client.connection$.pipe(filter((s) => s.kind === 'open')));
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  await emu.framesBurst(n);
  const r = await done;
  const stats = client.stats();
  if (stats.received !== stats.delivered + stats.filtered + stats.malformed) throw new Error('accounting identity broken');
  subs.unsubscribe();
  await client.close();
  return { ...r, summaries };
}

async function endToEnd(emu: EmulatorProcess): Promise<Record<string, unknown>> {
  log(`\n## End to end: ${fmt(N)} events over WSS from the emulator process (pid ${String(emu.pid)}), best of ${String(ROUNDS)} alternating rounds`);
  await emu.framesLoad(N);
  // Warm-up: JIT and TLS session caches of both sides.
  await bareRun(emu, 20_000);
  await fullRun(emu, 20_000);
  const bare: E2eRun[] = [];
  const full: (E2eRun & { summaries: number })[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['bare', 'full'] : ['full', 'bare'];
    for (const who of order) {
      if (who === 'bare') {
        const x = await bareRun(emu, N);
        bare.push(x);
        log(`  round ${String(r + 1)} bare ws + JSON.parse: ${fmt((N / x.ms) * 1000)} events/s (client CPU ${fmt(x.cpuMs)} ms)`);
      } else {
        const x = await fullRun(emu, N);
        full.push(x);
        log(`  round ${String(r + 1)} full client:          ${fmt((N / x.ms) * 1000)} events/s (client CPU ${fmt(x.cpuMs)} ms, ${fmt(x.summaries)} summaries)`);
      }
    }
  }
  const best = <T extends E2eRun>(xs: T[]): T => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };
  const b = best(bare);
  const f = best(full);
  return {
    events: N,
    rounds: ROUNDS,
    bareEventsPerSecond: Math.round((N / b.ms) * 1000),
    fullEventsPerSecond: Math.round((N / f.ms) * 1000),
    ratio: round3(b.ms / f.ms),
    medianRatio: round3(median(bare.map((x) => x.ms)) / median(full.map((x) => x.ms))),
    bareClientCpuUsPerEvent: round3((median(bare.map((x) => x.cpuMs)) * 1000) / N),
    fullClientCpuUsPerEvent: round3((median(full.map((x) => x.cpuMs)) * 1000) / N),
    summariesPerRun: f.summaries,
    runs: { bareMs: bare.map((x) => Math.round(x.ms)), fullMs: full.map((x) => Math.round(x.ms)) },
  };
}

// ---- latency ------------------------------------------------------------------------------------------------

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function latency(emu: EmulatorProcess): Promise<Record<string, unknown>> {
  const rate = 2000;
  log(`\n## Latency: ${String(rate)} events/s for ${String(LATENCY_S)} s, frame received → summary$ emitted`);
  const client = fullClient(emu, hiResScheduler);
  const samples = new Float64Array(rate * LATENCY_S + 1000);
  let count = 0;
  let measuring = false;
  const subs = attachAll(client, () => undefined);
  subs.add(client.summary$.subscribe((s) => {
    if (!measuring) return;
    const now = performance.timeOrigin + performance.now();
    if (count < samples.length) samples[count++] = now - s.at;
  }));
  await firstValueFrom(client.connection$.pipe(filter((s) => s.kind === 'open')));
  await emu.framesPace(rate, 1); // warm-up
  const h = monitorEventLoopDelay({ resolution: 5 });
  measuring = true;
  h.enable();
  const paced = await emu.framesPace(rate, LATENCY_S);
  await new Promise((r) => setTimeout(r, 200));
  h.disable();
  measuring = false;
  subs.unsubscribe();
  await client.close();
  const sorted = samples.slice(0, count).sort();
  const r = {
    rate,
    seconds: LATENCY_S,
    sent: paced.sent,
    summaries: count,
    p50Ms: round3(percentile(sorted, 50)),
    p99Ms: round3(percentile(sorted, 99)),
    maxMs: round3(sorted[sorted.length - 1] ?? NaN),
    eventLoopDelayP99Ms: round3(h.percentile(99) / 1e6),
    eventLoopDelayMaxMs: round3(h.max / 1e6),
  };
  log(`  p50 ${String(r.p50Ms)} ms, p99 ${String(r.p99Ms)} ms, max ${String(r.maxMs)} ms over ${fmt(count)} summaries; event-loop delay p99 ${String(r.eventLoopDelayP99Ms)} ms`);
  return r;
}

// ---- memory -------------------------------------------------------------------------------------------------

function decoded(frames: readonly string[]): AcdEvent[] {
  return frames.map((f, i) => {
    const e = decodeAcdFrame(Buffer.from(f), false, i, 1 << 20);
    if (isDecodeError(e)) throw new Error(e.message);
    return e;
  });
}

function memory(): Record<string, unknown> {
  const n = 5000;
  log(`\n## Memory: heap after GC, ${fmt(n)} stations / ${fmt(n)} open calls`);
  // Stations: in service, an agent logged in to one of 10 groups, idle.
  const stationEvents = decoded(
    Array.from({ length: n }, (_, i) => [
      formatAcdFrame({ code: 84, source: String(10000 + i) }, { padBlanks: true }),
      formatAcdFrame({ code: 11, source: String(10000 + i), data1: 1 + (i % 10), data2: String(20000 + i) }, { padBlanks: true }),
    ]).flat(),
  );
  let state = initialMetricsState(metricsConfig, 0);
  const h0 = heapAfterGc();
  for (const e of stationEvents) reduceMetrics(state, e);
  const h1 = heapAfterGc();
  const summary = summarize(state, 1);
  const h2 = heapAfterGc();
  const perStation = (h1 - h0) / n;
  const summaryPerStation = (h2 - h1) / n;
  if (summary.stationsConnected !== n) throw new Error(`expected ${String(n)} stations, got ${String(summary.stationsConnected)}`);

  // Open calls: n inbound calls ringing in a queue, each on its own trunk.
  const callEvents = decoded(
    Array.from({ length: n }, (_, i) => [
      formatAcdFrame({ code: 3, callRefId: 1 + i, source: String(1 + i), data1: 1 + (i % 10), data2: 5 }, { padBlanks: true }),
      formatAcdFrame({ code: 62, callRefId: 1 + i, source: String(1 + i), data1: 1 + (i % 10) }, { padBlanks: true }),
    ]).flat(),
  );
  state = initialMetricsState(metricsConfig, 0);
  const c0 = heapAfterGc();
  for (const e of callEvents) reduceMetrics(state, e);
  const c1 = heapAfterGc();
  const open = summarize(state, 1);
  const perCall = (c1 - c0) / n;
  const r = {
    stations: n,
    bytesPerStation: Math.round(perStation),
    summaryBytesPerStation: Math.round(summaryPerStation),
    calls: n,
    bytesPerOpenCall: Math.round(perCall),
    activeCallsSeen: open.activeCalls,
  };
  log(`  ${fmt(r.bytesPerStation)} B per tracked station in the state (+${fmt(r.summaryBytesPerStation)} B in each summary), ${fmt(r.bytesPerOpenCall)} B per open call`);
  return r;
}

// ---- in process ---------------------------------------------------------------------------------------------

function inProcess(): Record<string, unknown> {
  const frames = buildFrames(FRAMES);
  log(`\n## In process: decode + filter + metrics reducer vs bare JSON.parse, ${fmt(frames.length)} frames`);
  const runs = Number(process.env['BENCH_RUNS'] ?? 5);
  const [parseMs = 0, hotMs = 0] = race(runs, [
    ['  bare JSON.parse', () => bareParse(frames)],
    ['  decode + filter + metrics reducer', () => pipelineWithReducer(frames)],
  ]);
  return {
    frames: frames.length,
    runs,
    bareEventsPerSecond: Math.round((frames.length / parseMs) * 1000),
    pipelineEventsPerSecond: Math.round((frames.length / hotMs) * 1000),
    ratio: round3(parseMs / hotMs),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---- main ---------------------------------------------------------------------------------------------------

log(`machine: ${machine.cpu}, ${String(machine.cores)} cores, node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`);
const emu = await EmulatorProcess.start({ tls: true, timeAndDate: false });
let e2e: Record<string, unknown>;
let lat: Record<string, unknown>;
try {
  e2e = await endToEnd(emu);
  lat = await latency(emu);
} finally {
  await emu.stop();
}
const inproc = inProcess();
const mem = memory();

const results = {
  endToEndRatio: e2e['ratio'],
  inProcessRatio: inproc['ratio'],
  p50Ms: lat['p50Ms'],
  p99Ms: lat['p99Ms'],
  bytesPerStation: mem['bytesPerStation'],
  bytesPerOpenCall: mem['bytesPerOpenCall'],
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  endToEnd: e2e,
  inProcess: inproc,
  latency: lat,
  memory: mem,
};

const ok = (v: unknown, goal: (x: number) => boolean): string => (typeof v === 'number' && goal(v) ? 'met' : 'NOT met');
log('\n| measurement | result | goal | |');
log('|---|---|---|---|');
log(`| end to end (full client / bare ws + JSON.parse) | ${String(e2e['ratio'])} (${fmt(Number(e2e['fullEventsPerSecond']))} vs ${fmt(Number(e2e['bareEventsPerSecond']))} events/s) | ≥ 0.9 | ${ok(e2e['ratio'], (x) => x >= 0.9)} |`);
log(`| in process (decode + filter + metrics / JSON.parse) | ${String(inproc['ratio'])} (${fmt(Number(inproc['pipelineEventsPerSecond']))} vs ${fmt(Number(inproc['bareEventsPerSecond']))} events/s) | ≥ 0.5 | ${ok(inproc['ratio'], (x) => x >= 0.5)} |`);
log(`| latency at 2,000 events/s, p50 / p99 | ${String(lat['p50Ms'])} / ${String(lat['p99Ms'])} ms | p99 < 5 ms | ${ok(lat['p99Ms'], (x) => x < 5)} |`);
log(`| heap per tracked station / per open call | ${fmt(Number(mem['bytesPerStation']))} B / ${fmt(Number(mem['bytesPerOpenCall']))} B | (reported) | |`);
if (OUT !== '') {
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${OUT}`);
}
