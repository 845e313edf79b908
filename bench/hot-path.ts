// A private micro-bench of the hot path, stage by stage (issue 19): µs per frame of each stage over the same
// realistic frames, the contenders alternated so load on a shared box hits all alike, plus replay frames/s.
// Run: `node --expose-gc --import tsx bench/hot-path.ts` (BENCH_FRAMES, BENCH_RUNS, BENCH_BURST to change).

import { writeFileSync } from 'node:fs';
import { Subject, from } from 'rxjs';
import { acdPipeline, type AcdPipelineOptions } from '../src/streams/pipeline.js';
import { decodeAcdFrame } from '../src/protocol/decode.js';
import { initialMetricsState, reduceMetrics } from '../src/metrics/reducer.js';
import { createSummary } from '../src/metrics/summary.js';
import { silentLogger } from '../src/logging/logger.js';
import { encodeFrame, encodeHeader, JOURNAL_VERSION } from '../src/journal/format.js';
import { replayJournal } from '../src/journal/replay.js';
import type { RawFrame } from '../src/socket/types.js';
import { bareParse, buildFrames, metricsConfig, race } from './in-process.js';
import { getGc } from './helpers.js';

const N = Number(process.env['BENCH_FRAMES'] ?? 200_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const BURST = Number(process.env['BENCH_BURST'] ?? 16);
const frames = buildFrames(N);
const options: AcdPipelineOptions = {
  filters: { stations: ['1000-1999'], groups: [], eventsAllowed: [], eventsBlocked: [69] },
  maxFrameBytes: 1_048_576,
  logger: silentLogger,
};

function decodeOnly(fs: readonly RawFrame[]): number {
  let n = 0;
  for (const f of fs) n += 'code' in decodeAcdFrame(f.data, f.isBinary, f.at, 1_048_576) ? 1 : 0;
  return n;
}

function pipelineOnly(fs: readonly RawFrame[]): number {
  let n = 0;
  acdPipeline(from(fs), options).events$.subscribe(() => n++);
  return n;
}

function withReducer(fs: readonly RawFrame[]): number {
  const s = initialMetricsState(metricsConfig, 0);
  acdPipeline(from(fs), options).events$.subscribe((e) => reduceMetrics(s, e));
  return s.totalInboundCalls;
}

/** summary$ with every frame its own burst (the per-event summary, as before issue 19). */
function summaryPerEvent(fs: readonly RawFrame[]): number {
  let n = 0;
  const streams = createSummary(acdPipeline(from(fs), options).events$, { metrics: { ...metricsConfig, summaryPerEvent: true } });
  streams.summary$.subscribe(() => n++);
  return n;
}

/** summary$ coalesced per burst of BURST frames (one socket read), flushed explicitly at each burst's end. */
function summaryCoalesced(fs: readonly RawFrame[]): number {
  let n = 0;
  const in$ = new Subject<RawFrame>();
  const streams = createSummary(acdPipeline(in$, options).events$, { metrics: metricsConfig, burst: 'manual' });
  streams.summary$.subscribe(() => n++);
  for (let i = 0; i < fs.length; i++) {
    in$.next(fs[i] as RawFrame);
    if (i % BURST === BURST - 1) streams.flush();
  }
  streams.flush();
  return n;
}

const contenders: [string, (fs: readonly RawFrame[]) => number][] = [
  ['bare JSON.parse', bareParse],
  ['decodeAcdFrame', decodeOnly],
  ['pipeline (decode+filter)', pipelineOnly],
  ['pipeline + reducer', withReducer],
  ['pipeline + summary$ per event', summaryPerEvent],
  [`pipeline + summary$ burst ${String(BURST)}`, summaryCoalesced],
];
const hasCoalesce = process.env['BENCH_OLD'] !== '1';
const active = hasCoalesce ? contenders : contenders.slice(0, 5).map(([l, f]): [string, (fs: readonly RawFrame[]) => number] => (l.includes('per event') ? [l, (fs) => {
  let n = 0;
  createSummary(acdPipeline(from(fs), options).events$, { metrics: metricsConfig }).summary$.subscribe(() => n++);
  return n;
}] : [l, f]));

console.log(`${String(frames.length)} frames; load: ${process.env['LOAD'] ?? ''}`);
const best = race(RUNS, active.map(([l, f]) => [l, () => f(frames)] as const));
active.forEach(([l], i) => {
  const ms = best[i] ?? 0;
  console.log(`${l.padEnd(36)} ${((ms * 1000) / frames.length).toFixed(3).padStart(7)} µs/frame  ${Math.round(frames.length / (ms / 1000)).toLocaleString('en-GB').padStart(11)} frames/s`);
});

// Allocation per frame of the summary path: heap growth with GC off is not measurable; use --trace-gc externally.
const gc = getGc();
gc();

// Replay: a journal of the same frames.
const path = '/tmp/i19/hot-path.journal';
const header = encodeHeader({ journal: 'ipecs-rx', version: JOURNAL_VERSION, startedAt: 0, metrics: metricsConfig, filters: options.filters, maxFrameBytes: 1_048_576 });
writeFileSync(path, [header, ...frames.map(encodeFrame)].join('\n') + '\n');
let bestReplay = Infinity;
let summaries = 0;
for (let r = 0; r < 3; r++) {
  const t0 = process.hrtime.bigint();
  const res = await replayJournal(path);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  summaries = res.summaries;
  if (ms < bestReplay) bestReplay = ms;
}
console.log(`replay                               ${((bestReplay * 1000) / frames.length).toFixed(3).padStart(7)} µs/frame  ${Math.round(frames.length / (bestReplay / 1000)).toLocaleString('en-GB').padStart(11)} frames/s (${String(summaries)} summaries)`);

