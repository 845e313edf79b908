// The summary stage on its own (issue 19). Two measurements, each alternating its contenders, best of BENCH_RUNS:
// - over frames: decode + filter + reducer against the same plus summary$ (bench/in-process.ts's contenders); the
//   difference in CPU µs per frame is what createSummary costs on the in-process path;
// - over events decoded once beforehand: a plain scan over reduceMetrics against createSummary with summary$
//   subscribed, and with summary$ and changes$ subscribed (as connect() runs it): the stage without the decoder's noise.
// Then the memory figures of bench/memory.ts (per summary kept, per tracked station). Not a test: run with
// `npx tsx bench/summary-stage.ts` (BENCH_MEMORY=0 skips the memory part).

import { Subject, scan, type Observable } from 'rxjs';
import { acdPipeline, createSummary, initialMetricsState, reduceMetrics, type AcdEvent, type RawFrame } from '../src/index.js';
import { buildFrames, metricsConfig, pipelineOptions, raceAsync, reducerContender, summaryContender, type Contender, type Sink } from './in-process.js';
import { memory } from './memory.js';

const FRAMES = Number(process.env['BENCH_FRAMES'] ?? 1_000_000);
const POOL = Number(process.env['BENCH_POOL'] ?? 200_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 64);
const log = (s: string): void => { console.log(s); };
const us = (ms: number, n: number): string => ((ms * 1000) / n).toFixed(3);

const frames = buildFrames(Math.min(FRAMES, POOL));
const total = Math.max(FRAMES, frames.length);
log(`## Over frames: ${String(total)} (a pool of ${String(frames.length)}), batches of ${String(BATCH)}, best of ${String(RUNS)}`);
const [reducer, summary] = await raceAsync(RUNS, frames, total, BATCH, [
  ['decode + filter + metrics reducer', reducerContender],
  ['decode + filter + metrics + summary$', summaryContender],
], log);
if (reducer !== undefined && summary !== undefined) {
  log(`  summary stage over the reducer: ${us(summary.cpuMs - reducer.cpuMs, total)} µs/frame CPU, ${us(summary.ms - reducer.ms, total)} µs/frame wall`);
}

// The same frames decoded once: the events as the pipeline delivers them, fed again as RawFrame-shaped items so
// raceAsync's drive can cycle them (each contender below reads `data` as the event).
const events: AcdEvent[] = [];
{
  const frames$ = new Subject<RawFrame>();
  const sub = acdPipeline(frames$, pipelineOptions).events$.subscribe((e) => events.push(e));
  for (const f of frames) frames$.next(f);
  sub.unsubscribe();
}
// drive() moves `at` on for each later pass of the pool: the events are rebuilt around it the same way.
const asFrames = events.map((e) => ({ at: e.at, data: e as unknown as Buffer, isBinary: false }));
const toEvents = (frames$: Observable<RawFrame>): Observable<AcdEvent> => {
  const out = new Subject<AcdEvent>();
  frames$.subscribe((f) => {
    const e = f.data as unknown as AcdEvent;
    out.next(f.at === e.at ? e : { ...e, at: f.at });
  });
  return out;
};
const scanContender: Contender = (frames$): Sink => {
  let last = initialMetricsState(metricsConfig, 0);
  const sub = toEvents(frames$).pipe(scan((s, e) => reduceMetrics(s, e), last)).subscribe((s) => { last = s; });
  return { check: () => last.totalInboundCalls, close: () => { sub.unsubscribe(); } };
};
const stageContender = (withChanges: boolean): Contender => (frames$): Sink => {
  let n = 0;
  const s = createSummary(toEvents(frames$), { metrics: metricsConfig });
  const sub = s.summary$.subscribe(() => { n++; });
  if (withChanges) sub.add(s.changes$.subscribe(() => { n++; }));
  return { check: () => n, close: () => { sub.unsubscribe(); } };
};
const eventTotal = Math.round((total * events.length) / frames.length);
log(`\n## Over ${String(events.length)} decoded events (${String(eventTotal)} fed), batches of ${String(BATCH)}, best of ${String(RUNS)}`);
const [scanned, staged, stagedChanges] = await raceAsync(RUNS, asFrames, eventTotal, BATCH, [
  ['scan over reduceMetrics', scanContender],
  ['createSummary, summary$', stageContender(false)],
  ['createSummary, summary$ + changes$', stageContender(true)],
], log);
if (scanned !== undefined && staged !== undefined && stagedChanges !== undefined) {
  log(`  summary stage over the scan: ${us(staged.cpuMs - scanned.cpuMs, eventTotal)} µs/event CPU (summary$), ${us(stagedChanges.cpuMs - scanned.cpuMs, eventTotal)} µs/event (summary$ + changes$)`);
}
if (process.env['BENCH_MEMORY'] !== '0') await memory(log);
