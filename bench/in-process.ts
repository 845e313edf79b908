// The in-process part of the bench: realistic ACD frames, a bare JSON.parse baseline, and the client's decode +
// filter + metrics over the same frames. Used by bench/run.ts (`npm run bench`) and bench/pipeline.ts.
//
// The frames are a contact-centre day compressed: 60 agents log in, then inbound calls (ring, queue, station
// ring, answer, busy, sometimes hold, disconnect, CO idle, wrap-up) interleave with outbound calls, abandons,
// TIME & DATE and voice-info events, as JSON text in Buffers, as the socket box hands them over.

import { from, scan, type Observable } from 'rxjs';
import { acdPipeline, type AcdPipelineOptions } from '../src/streams/pipeline.js';
import { initialMetricsState, reduceMetrics } from '../src/metrics/reducer.js';
import { summarize } from '../src/metrics/summarize.js';
import { createSummary } from '../src/metrics/summary.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import type { RawFrame } from '../src/socket/types.js';
import type { MetricsConfig } from '../src/config/config.js';
import { buildFrameTexts } from './frames.js';

export const metricsConfig: MetricsConfig = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };

/** The pipeline as both in-process contenders run it: stations 1000-1999, SMDR (69) blocked. */
const pipelineOptions: AcdPipelineOptions = {
  filters: { stations: ['1000-1999'], groups: [], eventsAllowed: [], eventsBlocked: [69] },
  maxFrameBytes: 1_048_576,
  logger: silentLogger,
};

/** {@link buildFrameTexts} as the socket box hands frames over: Buffers with a receive time 7 ms apart. */
export function buildFrames(target: number): RawFrame[] {
  return buildFrameTexts(target).map((text, i) => ({ at: 7 * (i + 1), data: Buffer.from(text, 'utf8'), isBinary: false }));
}

/** Best (minimum) wall time of each contender over `runs` rounds, alternating them so load on a shared box hits both alike. */
export function race(runs: number, contenders: readonly (readonly [string, () => number])[]): number[] {
  const best = contenders.map(() => Infinity);
  const checks = contenders.map(() => 0);
  for (let r = 0; r < runs; r++) {
    contenders.forEach(([, fn], i) => {
      const t0 = process.hrtime.bigint();
      checks[i] = fn();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ms < (best[i] ?? Infinity)) best[i] = ms;
    });
  }
  contenders.forEach(([label], i) => {
    console.log(`${label.padEnd(40)} best of ${String(runs)}: ${(best[i] ?? 0).toFixed(0).padStart(6)} ms  (check ${String(checks[i])})`);
  });
  return best;
}

/** The baseline: JSON.parse of every frame, reading one field. */
export function bareParse(frames: readonly RawFrame[]): number {
  let codes = 0;
  for (const f of frames) {
    const o = JSON.parse(f.data.toString('utf8')) as { data: { eventCode: number } };
    codes += o.data.eventCode;
  }
  return codes;
}

/** decode + filter + the metrics reducer (scan), as the client runs them, over `frames`. */
export function pipelineWithReducer(frames: readonly RawFrame[]): number {
  const frames$: Observable<RawFrame> = from(frames);
  const p = acdPipeline(frames$, pipelineOptions);
  let last = initialMetricsState(metricsConfig, 0);
  p.events$.pipe(scan((s, e) => reduceMetrics(s, e), last)).subscribe((s) => (last = s));
  const stats = p.stats();
  if (stats.received !== frames.length) throw new Error('frames lost');
  return summarize(last, last.at).totalInboundCalls;
}

/** decode + filter + summary$ (a summary after every change), over `frames`; returns the summaries emitted. */
export function pipelineWithSummary(frames: readonly RawFrame[]): number {
  const p = acdPipeline(from(frames), pipelineOptions);
  let emitted = 0;
  createSummary(p.events$, { metrics: metricsConfig }).summary$.subscribe(() => {
    emitted++;
  });
  return emitted;
}

