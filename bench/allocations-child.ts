// The allocation counter of bench/allocations.ts, run in a child started with --expose-gc and a young
// generation big enough (--min-semi-space-size / --max-semi-space-size) that no scavenge falls inside a
// measured window. See bench/allocations.ts for the method; prints one `ALLOC {json}` line.

import { PerformanceObserver, performance } from 'node:perf_hooks';
import { Subject } from 'rxjs';
import type { RawFrame } from '../src/index.js';
import { getGc } from './helpers.js';
import {
  bareContender,
  buildFrames,
  decodeContender,
  drive,
  pipelineContender,
  reducerContender,
  summaryContender,
  type Contender,
} from './in-process.js';

const gc = getGc();
const FRAMES = Number(process.env['BENCH_ALLOC_FRAMES'] ?? 20_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 64);

const gcStarts: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
}).observe({ entryTypes: ['gc'] });

const nextMacrotask = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

/** Heap growth per frame while `contender` handles `frames` (batched as in the in-process bench), and the GCs inside the window. */
async function window(contender: Contender, frames: readonly RawFrame[]): Promise<{ bytesPerFrame: number; gcs: number; check: number }> {
  const frames$ = new Subject<RawFrame>();
  const sink = contender(frames$);
  await nextMacrotask();
  gc();
  gc();
  const t0 = performance.now();
  const h0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < frames.length; ) {
    const end = Math.min(frames.length, i + BATCH);
    for (; i < end; i++) frames$.next(frames[i]!);
    await nextMacrotask();
  }
  const h1 = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  const check = sink.check();
  sink.close();
  await new Promise((r) => setTimeout(r, 50)); // the gc observer reports asynchronously
  const gcs = gcStarts.filter((t) => t >= t0 && t <= t1).length;
  return { bytesPerFrame: (h1 - h0) / frames.length, gcs, check };
}

const contenders: readonly (readonly [string, Contender])[] = [
  ['bare', bareContender],
  ['decode', decodeContender],
  ['pipeline', pipelineContender],
  ['reducer', reducerContender],
  ['summary', summaryContender],
];

const all = buildFrames(FRAMES);
const out: Record<string, { bytesPerFrame: number; frames: number }> = {};
for (const [name, c] of contenders) {
  // Warm-up on the same frames (optimised code allocates less than the interpreter: measure the steady state).
  for (let i = 0; i < 3; i++) await drive(all, BATCH, c);
  let n = all.length;
  for (;;) {
    const w = await window(c, all.slice(0, n));
    if (w.gcs === 0) {
      out[name] = { bytesPerFrame: Math.round(w.bytesPerFrame * 10) / 10, frames: n };
      break;
    }
    if (n < 500) throw new Error(`allocations: a GC fell inside every window of ${name}`);
    n = Math.floor(n / 2);
  }
}
console.log(`ALLOC ${JSON.stringify(out)}`);
