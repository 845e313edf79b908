// Throughput of the hot path alone: bare JSON.parse, decode + filter + metrics reducer, and decode + filter +
// metrics + summary$ over ~1,000,000 realistic ACD frames. Run with `npx tsx bench/pipeline.ts` (not a test);
// `npm run bench` runs the same measurements (and more) as part of the whole suite.

import { bareParse, buildFrames, drive, pipelineWithReducer, race, summaryContender } from './in-process.js';

const TARGET_FRAMES = Number(process.env['BENCH_FRAMES'] ?? 1_000_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 64);
const t0 = Date.now();
const frames = buildFrames(TARGET_FRAMES);
const bytes = frames.reduce((a, f) => a + f.data.length, 0);
console.log(`built ${String(frames.length)} frames (${(bytes / 1e6).toFixed(1)} MB, ~${String(Math.round(bytes / frames.length))} B each) in ${String(Date.now() - t0)} ms`);

const runs = Number(process.env['BENCH_RUNS'] ?? 5);
const [parseMs = 0, hotMs = 0] = race(runs, [
  ['bare JSON.parse', () => bareParse(frames)],
  ['decode + filter + metrics reducer', () => pipelineWithReducer(frames)],
]);
const full = await drive(frames, BATCH, summaryContender);

const rate = (ms: number, n: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-GB')} events/s`;
console.log('');
console.log(`bare JSON.parse:                   ${rate(parseMs, frames.length)}`);
console.log(`decode + filter + metrics:         ${rate(hotMs, frames.length)}`);
console.log(`ratio (pipeline / bare parse):     ${(parseMs / hotMs).toFixed(2)}`);
console.log(`with summary$ (batches of ${String(BATCH)}):      ${rate(full.ms, frames.length)} (${String(full.check)} summaries)`);
