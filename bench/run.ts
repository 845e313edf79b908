// `npm run bench`: the performance suite (issues 8 and 19). One run prints a table with the goals and writes
// bench/results.json (all figures, the machine, the load average at start and end) and bench/profile.txt.
//
// 1. End to end (bench/e2e.ts): the emulator runs in a SEPARATE PROCESS (bench/emulator-process.ts) and bursts N
//    realistic frames (bench/frames.ts); contenders, alternated, best of R rounds: the bare `ws` + `JSON.parse`
//    client over WSS, the full client (`connect()`, every stream subscribed) over WSS from the same emulator
//    process, and the bare client over plain WS from a second emulator process started with `tls: false` (same
//    frames, same send loop). Ratios: full / bare WSS (the goal) and full / bare plain WS (reported). Client CPU
//    per event is recorded for each.
// 2. Latency (bench/e2e.ts): the emulator paces 2,000 and 20,000 frames/s to the full client; per frame, receipt
//    by the socket box → the first summary$ that reflects it (coalesced summaries count for each of their frames).
// 3. CPU profile (bench/profile.ts): one burst to the full client under the V8 sampling profiler; top 10
//    functions and files by self time → bench/profile.txt.
// 4. In process (bench/in-process.ts): bare JSON.parse vs decode, + filter, + metrics reducer, + summary$ over
//    the same Buffers (a pool of 200k, cycled to 1M, so the heap stays a client's size), fed in synchronous batches
//    (one socket read each) a macrotask apart; alternated, best of runs.
//    The headline ratio is bare / (decode + filter + metrics + summary).
// 5. Replay (bench/replay.ts): a multi-hour journal of the same frames (≥ 500k in a full run) through
//    `replayJournal` to the last summary; frames/s, next to the floor of reading and parsing the same file.
// 6. Memory (bench/memory.ts): heap per tracked station and per open call; growth per summary, kept and not.
// 7. Allocations (bench/allocations.ts): bytes allocated per frame by each in-process stage, in a child with a
//    young generation big enough that no GC falls in the window.
// 8. µs per event of each stage: decode, filter, reducer, summary (differences of the in-process contenders), the
//    socket (bare WSS client CPU − JSON.parse) and the client's own wiring (full client CPU − socket − in-process
//    summary contender), all CPU time. Plain WS is reported, not subtracted: without TLS the frames per socket
//    read vary with which side is faster (4 to 230 seen on loopback; 50-70 per TLS read), so it is no floor for TLS.
//
// Options (env): BENCH_QUICK=1 (a ~1 min run: small sizes, writes bench/results.quick.json and bench/profile.quick.txt),
// BENCH_N (end-to-end events, 500000), BENCH_ROUNDS (3), BENCH_FRAMES (in-process frames, 1000000), BENCH_POOL
// (distinct in-process frames, cycled, 200000), BENCH_RUNS (3),
// BENCH_BATCH (frames per synchronous batch, 64), BENCH_LATENCY_S (15 per rate), BENCH_REPLAY_FRAMES (500000),
// BENCH_REPLAY_HOURS (6), BENCH_REPLAY_RUNS (2), BENCH_PROFILE_N (200000), BENCH_ALLOC_FRAMES (20000),
// BENCH_TIMEOUT_S (whole run, 1800), BENCH_OUT / BENCH_PROFILE_OUT ('' = do not write).
// Every child process is killed on exit, on a signal, on an error and at the timeout. Run with --expose-gc (the npm script does).

import * as os from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EmulatorProcess } from './emulator-client.js';
import { bareRun, fullRun, latency, type E2eRun, type LatencyResult } from './e2e.js';
import { profileFullClient, profileText, type ProfileSummary } from './profile.js';
import {
  bareContender,
  buildFrames,
  decodeContender,
  pipelineContender,
  raceAsync,
  reducerContender,
  summaryContender,
  summaryPerEventContender,
} from './in-process.js';
import { removeJournal, timeBareRead, timeReplay, writeJournal, type ReplayRun } from './replay.js';
import { memory } from './memory.js';
import { measureAllocations, type Allocations } from './allocations.js';
import { withTimeout } from './helpers.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const opt = (name: string, full: number, quick: number): number => {
  const v = process.env[`BENCH_${name}`];
  const n = v === undefined || v === '' ? (QUICK ? quick : full) : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`BENCH_${name}: a positive number expected, got ${String(v)}`);
  return n;
};
const N = opt('N', 500_000, 50_000);
const ROUNDS = opt('ROUNDS', 3, 2);
const FRAMES = opt('FRAMES', 1_000_000, 100_000);
const POOL = opt('POOL', 200_000, 100_000);
const RUNS = opt('RUNS', 3, 2);
const BATCH = opt('BATCH', 64, 64);
const LATENCY_S = opt('LATENCY_S', 15, 3);
const REPLAY_FRAMES = opt('REPLAY_FRAMES', 500_000, 100_000);
const REPLAY_HOURS = opt('REPLAY_HOURS', 6, 6);
const REPLAY_RUNS = opt('REPLAY_RUNS', 2, 1);
const PROFILE_N = opt('PROFILE_N', 200_000, 50_000);
const ALLOC_FRAMES = opt('ALLOC_FRAMES', 20_000, 5_000);
const TIMEOUT_S = opt('TIMEOUT_S', 1800, 300);
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const OUT = process.env['BENCH_OUT'] ?? here(QUICK ? './results.quick.json' : './results.json');
const PROFILE_OUT = process.env['BENCH_PROFILE_OUT'] ?? here(QUICK ? './profile.quick.txt' : './profile.txt');

const log = (s: string): void => { console.log(s); };
const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB');
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const load = (): number[] => os.loadavg().map((x) => Math.round(x * 100) / 100);

// ---- children (and the temporary journal): gone whatever happens ----------------------------------------------

const kills = new Set<() => void>();
const killChildren = (): void => {
  for (const k of kills) k();
};
process.on('exit', killChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    console.error(`bench: ${sig}, children killed`);
    killChildren();
    process.exit(130);
  });
}
setTimeout(() => {
  console.error(`bench: no result after ${String(TIMEOUT_S)} s (BENCH_TIMEOUT_S), children killed`);
  killChildren();
  process.exit(1);
}, TIMEOUT_S * 1000).unref();

async function startEmulator(tls: boolean): Promise<EmulatorProcess> {
  const emu = await withTimeout(EmulatorProcess.start({ tls, timeAndDate: false }), 60_000, `emulator process (tls ${String(tls)})`);
  kills.add(() => { emu.kill(); });
  return emu;
}

// ---- machine -----------------------------------------------------------------------------------------------

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: load(),
  totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  date: new Date().toISOString(),
  quick: QUICK,
};

// ---- end to end ---------------------------------------------------------------------------------------------

const rate = (n: number, ms: number): number => Math.round((n / ms) * 1000);
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const best = <T extends E2eRun>(xs: readonly T[]): T => xs.reduce((a, b) => (b.ms < a.ms ? b : a));

type Who = 'bareWss' | 'full' | 'bareWs';

async function endToEnd(wss: EmulatorProcess, ws: EmulatorProcess): Promise<Record<string, unknown>> {
  log(`\n## End to end: ${fmt(N)} events from the emulator processes (WSS pid ${String(wss.pid)}, plain WS pid ${String(ws.pid)}), best of ${String(ROUNDS)} alternating rounds`);
  log('  plain WS: the bare client against a second emulator process started with tls: false (same frames, same send loop); the full client is WSS only');
  await Promise.all([wss.framesLoad(N), ws.framesLoad(N)]);
  // Warm-up: JIT and TLS session caches of both sides.
  await bareRun(wss, 20_000);
  await bareRun(ws, 20_000);
  await fullRun(wss, 20_000);
  const runs: Record<Who, E2eRun[]> = { bareWss: [], full: [], bareWs: [] };
  let summaries = 0;
  const label: Record<Who, string> = { bareWss: 'bare ws + JSON.parse, WSS', full: 'full client, WSS', bareWs: 'bare ws + JSON.parse, plain WS' };
  const order: Who[] = ['bareWss', 'full', 'bareWs'];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < order.length; i++) {
      const who = order[(i + r) % order.length]!;
      let x: E2eRun;
      if (who === 'full') {
        const f = await fullRun(wss, N);
        summaries = f.summaries;
        x = f;
      } else {
        x = await bareRun(who === 'bareWss' ? wss : ws, N);
      }
      runs[who].push(x);
      const detail = who === 'full' ? `, ${fmt(summaries)} summaries` : x.reads === undefined ? '' : `, ${(N / x.reads).toFixed(1)} frames per socket read`;
      log(`  round ${String(r + 1)} ${label[who].padEnd(32)} ${fmt(rate(N, x.ms)).padStart(9)} events/s (client CPU ${fmt(x.cpuMs)} ms${detail})`);
    }
  }
  const b = best(runs.bareWss);
  const f = best(runs.full);
  const p = best(runs.bareWs);
  const cpuPerEvent = (xs: readonly E2eRun[]): number => round3((median(xs.map((x) => x.cpuMs)) * 1000) / N);
  return {
    events: N,
    rounds: ROUNDS,
    bareWssEventsPerSecond: rate(N, b.ms),
    bareWsEventsPerSecond: rate(N, p.ms),
    fullEventsPerSecond: rate(N, f.ms),
    ratio: round3(b.ms / f.ms),
    ratioVsPlainWs: round3(p.ms / f.ms),
    ratioCpu: round3(cpuPerEvent(runs.bareWss) / cpuPerEvent(runs.full)),
    medianRatio: round3(median(runs.bareWss.map((x) => x.ms)) / median(runs.full.map((x) => x.ms))),
    bareWssClientCpuUsPerEvent: cpuPerEvent(runs.bareWss),
    bareWsClientCpuUsPerEvent: cpuPerEvent(runs.bareWs),
    fullClientCpuUsPerEvent: cpuPerEvent(runs.full),
    summariesPerRun: summaries,
    framesPerSocketRead: {
      bareWss: round3(N / median(runs.bareWss.map((x) => x.reads ?? NaN))),
      bareWs: round3(N / median(runs.bareWs.map((x) => x.reads ?? NaN))),
    },
    plainWs: 'bare client against a second emulator process with tls: false (same frames, same send loop)',
    runsMs: Object.fromEntries(order.map((w) => [w, runs[w].map((x) => Math.round(x.ms))])),
  };
}

// ---- main ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  log(`machine: ${machine.cpu}, ${String(machine.cores)} cores, node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}${QUICK ? ' (BENCH_QUICK: small sizes)' : ''}`);
  const t0 = performance.now();
  const [wss, ws] = await Promise.all([startEmulator(true), startEmulator(false)]);
  let e2e: Record<string, unknown>;
  const lat: LatencyResult[] = [];
  let prof: ProfileSummary;
  try {
    e2e = await endToEnd(wss, ws);
    for (const r of [2000, 20_000]) {
      log(`\n## Latency: ${fmt(r)} frames/s for ${String(LATENCY_S)} s, frame received → first summary$ that reflects it`);
      const x = await latency(wss, r, LATENCY_S);
      lat.push(x);
      log(`  p50 ${String(x.p50Ms)} ms, p99 ${String(x.p99Ms)} ms, max ${String(x.maxMs)} ms over ${fmt(x.samples)} frames (${fmt(x.framesWithoutChange)} changed no figure; ${fmt(x.summaries)} summaries, ${String(x.lateSummaries)} late); event-loop delay p99 ${String(x.eventLoopDelayP99Ms)} ms`);
    }
    log(`\n## CPU profile: full client, one burst of ${fmt(PROFILE_N)} events`);
    await wss.framesLoad(PROFILE_N);
    prof = await profileFullClient(wss, PROFILE_N);
    for (const s of prof.topFunctions.slice(0, 5)) log(`  ${s.share.toFixed(1).padStart(5)} %  ${s.name}`);
  } finally {
    await Promise.all([wss.stop(), ws.stop()]);
  }

  const frames = buildFrames(Math.min(FRAMES, POOL));
  const total = Math.max(FRAMES, frames.length);
  const pooled = total > frames.length ? ` (a pool of ${fmt(frames.length)}, cycled)` : '';
  log(`\n## In process: ${fmt(total)} frames${pooled} in synchronous batches of ${String(BATCH)}, a macrotask apart; best of ${String(RUNS)} alternating runs`);
  const none = { ms: NaN, cpuMs: NaN };
  const [bare = none, decode = none, pipeline = none, reducer = none, summary = none, perEvent = none] = await raceAsync(RUNS, frames, total, BATCH, [
    ['bare JSON.parse', bareContender],
    ['decode', decodeContender],
    ['decode + filter', pipelineContender],
    ['decode + filter + metrics reducer', reducerContender],
    ['decode + filter + metrics + summary$', summaryContender],
    ['… with metrics.summaryPerEvent', summaryPerEventContender],
  ], log);
  const us = (ms: number): number => round3((ms * 1000) / total);
  const inproc = {
    frames: total,
    pool: frames.length,
    runs: RUNS,
    batch: BATCH,
    bareEventsPerSecond: rate(total, bare.ms),
    fullEventsPerSecond: rate(total, summary.ms),
    ratio: round3(bare.ms / summary.ms),
    ratioCpu: round3(bare.cpuMs / summary.cpuMs),
    reducerOnlyRatio: round3(bare.ms / reducer.ms),
    // metrics.summaryPerEvent: one summary per figure-changing event, for a host that needs them all.
    summaryPerEventEventsPerSecond: rate(total, perEvent.ms),
    summaryPerEventRatio: round3(bare.ms / perEvent.ms),
    usPerFrameWall: { bare: us(bare.ms), decode: us(decode.ms), decodeFilter: us(pipeline.ms), decodeFilterReducer: us(reducer.ms), decodeFilterReducerSummary: us(summary.ms), summaryPerEvent: us(perEvent.ms) },
    usPerFrameCpu: { bare: us(bare.cpuMs), decode: us(decode.cpuMs), decodeFilter: us(pipeline.cpuMs), decodeFilterReducer: us(reducer.cpuMs), decodeFilterReducerSummary: us(summary.cpuMs), summaryPerEvent: us(perEvent.cpuMs) },
  };
  frames.length = 0;

  log(`\n## Replay: a ${String(REPLAY_HOURS)}-hour journal of ${fmt(REPLAY_FRAMES)} frames through replayJournal, best of ${String(REPLAY_RUNS)}`);
  const journal = writeJournal(REPLAY_FRAMES, REPLAY_HOURS);
  const dropJournal = (): void => { removeJournal(journal); };
  kills.add(dropJournal); // a signal or the timeout during the replay leaves no journal behind
  let replay: Record<string, unknown>;
  try {
    const floor = await timeBareRead(journal);
    const replays: ReplayRun[] = [];
    for (let i = 0; i < REPLAY_RUNS; i++) replays.push(await timeReplay(journal));
    const r = replays.reduce((a, b) => (b.ms < a.ms ? b : a));
    replay = {
      frames: journal.frames,
      hours: journal.hours,
      bytes: journal.bytes,
      framesPerSecond: rate(r.frames, r.ms),
      floorFramesPerSecond: rate(floor.frames, floor.ms),
      runsMs: replays.map((x) => Math.round(x.ms)),
      summaries: r.summaries,
      periods: r.periods,
      changes: r.changes,
    };
    log(`  ${fmt(Number(replay['framesPerSecond']))} frames/s (${fmt(r.ms)} ms; ${(journal.bytes / 1e6).toFixed(0)} MB, ${fmt(r.summaries)} summaries, ${String(r.periods)} period closed); floor (readline + JSON.parse of line and frame): ${fmt(Number(replay['floorFramesPerSecond']))} frames/s`);
  } finally {
    removeJournal(journal);
    kills.delete(dropJournal);
  }

  const mem = await memory(log);

  log(`\n## Allocations per frame (child with a 512 MB young generation, no GC in the window)`);
  const alloc: Allocations = await measureAllocations({ BENCH_ALLOC_FRAMES: String(ALLOC_FRAMES), BENCH_BATCH: String(BATCH) }, 300_000, (k) => kills.add(k));
  const a = (k: string): number => alloc[k]?.bytesPerFrame ?? NaN;
  const allocations = {
    bytesPerFrame: Object.fromEntries(Object.entries(alloc).map(([k, v]) => [k, v.bytesPerFrame])),
    framesInWindow: Object.fromEntries(Object.entries(alloc).map(([k, v]) => [k, v.frames])),
    perStage: { decode: round3(a('decode') - a('bare')), filter: round3(a('pipeline') - a('decode')), reducer: round3(a('reducer') - a('pipeline')), summary: round3(a('summary') - a('reducer')) },
  };
  log(`  cumulative B/frame: ${Object.entries(allocations.bytesPerFrame).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);

  // µs per event of each stage.
  const ip = inproc.usPerFrameCpu;
  const bareWssCpu = Number(e2e['bareWssClientCpuUsPerEvent']);
  const bareWsCpu = Number(e2e['bareWsClientCpuUsPerEvent']);
  const fullCpu = Number(e2e['fullClientCpuUsPerEvent']);
  const stages = {
    // The bare client's JSON.parse (with its UTF-8 decoding), and the client's decoder, which does instead of it.
    bareJsonParse: ip.bare,
    decode: ip.decode,
    filter: round3(ip.decodeFilter - ip.decode),
    reducer: round3(ip.decodeFilterReducer - ip.decodeFilter),
    summary: round3(ip.decodeFilterReducerSummary - ip.decodeFilterReducer),
    socketWss: round3(bareWssCpu - ip.bare),
    clientWiring: round3(fullCpu - (bareWssCpu - ip.bare) - ip.decodeFilterReducerSummary),
    fullClientCpu: fullCpu,
    bareWsClientCpu: bareWsCpu,
    note: 'CPU µs per event (the in-process ones include the feeding Subject and batches, as the bare contender does). In-process stages: differences of the best-of CPU times of the cumulative contenders; socket (ws + TLS receive) and wiring: from the end-to-end client CPU (medians); wiring is a difference of measured figures, so near zero or below zero means within the noise. Plain WS is reported, not subtracted: its frames per socket read vary with which side is faster (endToEnd.framesPerSocketRead), so it is no floor for TLS',
  };
  log(`\n## µs per event by stage`);
  for (const [k, v] of Object.entries(stages)) if (typeof v === 'number') log(`  ${k.padEnd(18)} ${v.toFixed(3).padStart(8)}`);

  const loadAtEnd = load();
  const lat2k = lat[0];
  const lat20k = lat[1];
  const live = (mem['live'] ?? {}) as Record<string, number>;
  const goals: { measurement: string; value: number | undefined; goal: string; met: boolean | null }[] = [];
  const rows: string[] = [];
  /** One table row; with a test, the verdict goes to the table and to results.json's `goals`. */
  const row = (measurement: string, result: string, goal: string, value?: number, test?: (x: number) => boolean): void => {
    const met = test === undefined ? null : value !== undefined && Number.isFinite(value) && test(value);
    rows.push(`| ${measurement} | ${result} | ${goal} | ${met === null ? '' : met ? 'met' : 'NOT met'} |`);
    goals.push({ measurement, value, goal, met });
  };
  const num = (v: unknown): number => Number(v);
  row('end to end, full client / bare ws + JSON.parse over WSS',
    `${String(e2e['ratio'])} (${fmt(num(e2e['fullEventsPerSecond']))} vs ${fmt(num(e2e['bareWssEventsPerSecond']))} events/s; CPU ${String(fullCpu)} vs ${String(bareWssCpu)} µs/event, CPU ratio ${String(e2e['ratioCpu'])})`,
    '≥ 0.9', num(e2e['ratio']), (x) => x >= 0.9);
  row('end to end, full client (WSS) / bare client over plain WS',
    `${String(e2e['ratioVsPlainWs'])} (bare WS ${fmt(num(e2e['bareWsEventsPerSecond']))} events/s, CPU ${String(bareWsCpu)} µs/event)`, '(reported)', num(e2e['ratioVsPlainWs']));
  row('in process, decode + filter + metrics + summary$ / JSON.parse',
    `${String(inproc.ratio)} (${fmt(inproc.fullEventsPerSecond)} vs ${fmt(inproc.bareEventsPerSecond)} events/s; CPU ratio ${String(inproc.ratioCpu)})`, '≥ 0.8', inproc.ratio, (x) => x >= 0.8);
  row('in process, the same with metrics.summaryPerEvent (one summary per event) / JSON.parse',
    `${String(inproc.summaryPerEventRatio)} (${fmt(inproc.summaryPerEventEventsPerSecond)} events/s)`, '(reported)', inproc.summaryPerEventRatio);
  row(`replay of a ${String(REPLAY_HOURS)} h journal, frames/s`,
    `${fmt(num(replay['framesPerSecond']))} (floor ${fmt(num(replay['floorFramesPerSecond']))})`, '≥ 200,000', num(replay['framesPerSecond']), (x) => x >= 200_000);
  row('latency frame → summary at 2,000/s, p50 / p99', `${String(lat2k?.p50Ms)} / ${String(lat2k?.p99Ms)} ms`, 'p99 < 1 ms', lat2k?.p99Ms, (x) => x < 1);
  row('latency frame → summary at 20,000/s, p50 / p99', `${String(lat20k?.p50Ms)} / ${String(lat20k?.p99Ms)} ms`, '(reported)', lat20k?.p99Ms);
  row('heap per tracked station, reducer state / live pipeline',
    `${fmt(num(mem['bytesPerStation']))} B / ${fmt(live['bytesPerStation'] ?? NaN)} B`, '≤ 700 B', num(mem['bytesPerStation']), (x) => x <= 700);
  const notKept = Math.max(live['bytesPerSummaryNotKept'] ?? NaN, ((mem['small'] ?? {}) as Record<string, number>)['bytesPerSummaryNotKept'] ?? NaN);
  row('heap growth per summary, none kept (500 / 1,000 stations, the larger)', `${fmt(notKept)} B`, '≤ 1,000 B (no growth; the noise is ±1 KB)', notKept, (x) => x <= 1000);
  row('heap per summary kept, per tracked station (1,000 vs 500 stations)',
    `${fmt(num(mem['keptBytesPerStationPerSummary']))} B (${fmt(live['bytesPerSummaryKept'] ?? NaN)} B per summary, 1,000 stations)`, '≤ 10 B (shared rows)', num(mem['keptBytesPerStationPerSummary']), (x) => x <= 10);
  row('allocations per frame, decode + filter + metrics + summary$ (bare JSON.parse)', `${fmt(a('summary'))} B (${fmt(a('bare'))} B)`, '(reported)', a('summary'));
  row('CPU profile, top function', `${prof.topFunctions[0]?.name ?? '?'} ${String(prof.topFunctions[0]?.share)} %`, '(bench/profile.txt)');

  const results = {
    endToEndRatio: e2e['ratio'],
    endToEndRatioVsPlainWs: e2e['ratioVsPlainWs'],
    inProcessRatio: inproc.ratio,
    replayFramesPerSecond: replay['framesPerSecond'],
    p99MsAt2k: lat2k?.p99Ms,
    p99MsAt20k: lat20k?.p99Ms,
    bytesPerStation: mem['bytesPerStation'],
    goals,
    machine: { ...machine, loadAverageAtEnd: loadAtEnd, runSeconds: Math.round((performance.now() - t0) / 1000) },
    endToEnd: e2e,
    latency: lat,
    inProcess: inproc,
    replay,
    memory: mem,
    allocations,
    usPerEventByStage: stages,
    profile: prof,
  };

  log('\n| measurement | result | goal | |');
  log('|---|---|---|---|');
  for (const r of rows) log(r);
  log(`\nload average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}; ${String(results.machine.runSeconds)} s`);

  if (OUT !== '') {
    writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${OUT}`);
  }
  if (PROFILE_OUT !== '') {
    const header = [
      `# CPU profile of the full client: \`npm run bench\`${QUICK ? ' (BENCH_QUICK=1)' : ''}, ${machine.date}`,
      `# ${machine.cpu}, ${String(machine.cores)} cores, node ${machine.node}; load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadAtEnd.join(' ')}`,
      '',
    ];
    writeFileSync(PROFILE_OUT, profileText(prof, header));
    log(`wrote ${PROFILE_OUT}`);
  }
}

try {
  await main();
} catch (e: unknown) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  killChildren();
  process.exitCode = 1;
}
