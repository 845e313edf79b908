// Throughput of the hot path: decode + filter + metrics reducer over ~1,000,000 realistic ACD frames, compared
// with a bare JSON.parse of the same frames. Run with `npx tsx bench/pipeline.ts` (not a test); `npm run bench`
// runs the same measurement as part of the whole suite.

import { bareParse, buildFrames, pipelineWithReducer, pipelineWithSummary, race } from './in-process.js';

const TARGET_FRAMES = Number(process.env['BENCH_FRAMES'] ?? 1_000_000);
const t0 = Date.now();
const frames = buildFrames(TARGET_FRAMES);
const bytes = frames.reduce((a, f) => a + f.data.length, 0);
console.log(`built ${String(frames.length)} frames (${(bytes / 1e6).toFixed(1)} MB, ~${String(Math.round(bytes / frames.length))} B each) in ${String(Date.now() - t0)} ms`);

const runs = Number(process.env['BENCH_RUNS'] ?? 5);
const [parseMs = 0, hotMs = 0] = race(runs, [
  ['bare JSON.parse', () => bareParse(frames)],
  ['decode + filter + metrics reducer', () => pipelineWithReducer(frames)],
]);
const FULL = Math.min(200_000, frames.length);
const [fullMs = 0] = race(1, [['decode + filter + summary$ (per change)', () => pipelineWithSummary(frames.slice(0, FULL))]]);

const rate = (ms: number, n: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-GB')} events/s`;
console.log('');
console.log(`bare JSON.parse:                   ${rate(parseMs, frames.length)}`);
console.log(`decode + filter + metrics:         ${rate(hotMs, frames.length)}`);
console.log(`ratio (pipeline / bare parse):     ${(parseMs / hotMs).toFixed(2)}  (goal >= 0.5)`);
console.log(`with summary$ after every change:  ${rate(fullMs, FULL)} (${String(FULL)} frames; summaries include per-station breakdowns)`);
