// The in-process part of the bench: realistic ACD frames, a bare JSON.parse baseline, and the client's stages
// over the same frames. Used by bench/run.ts (`npm run bench`), bench/allocations.ts and bench/pipeline.ts.
//
// The frames are a contact-centre day compressed: 60 agents log in, then inbound calls (ring, queue, station
// ring, answer, busy, sometimes hold, disconnect, CO idle, wrap-up) interleave with outbound calls, abandons,
// TIME & DATE and voice-info events, as JSON text in Buffers, as the socket box hands them over.
//
// Every contender is a sink subscribed to the same kind of Subject of frames, fed the same way by `drive`: in
// batches of `batch` frames (one synchronous burst each, as one socket read delivers them), with a macrotask
// (setImmediate) between batches. The batching matters because summary$ may coalesce the events of one
// synchronous burst into one summary (metrics.md §3): feeding a million frames synchronously would measure one
// summary. The bare baseline pays the same Subject and the same macrotasks, so the ratio compares the work only.
// Only the public pipeline pieces are used (acdPipeline, decodeFrames, createSummary, reduceMetrics).

import { Subject, from, scan, type Observable } from 'rxjs';
import {
  DEFAULT_CONFIG,
  acdPipeline,
  createSummary,
  decodeFrames,
  initialMetricsState,
  reduceMetrics,
  silentLogger,
  summarize,
  type AcdPipelineOptions,
  type MetricsConfig,
  type RawFrame,
} from '../src/index.js';
import { buildFrameTexts } from './frames.js';
import { resetTimeFarAway } from './helpers.js';

/** Metrics as the bench runs them: UTC, no daily reset inside a run. */
export const metricsConfig: MetricsConfig = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC', resetTime: resetTimeFarAway() };

/** The pipeline as every in-process contender runs it: stations 1000-1999, SMDR (69) blocked. */
export const pipelineOptions: AcdPipelineOptions = {
  filters: { stations: ['1000-1999'], groups: [], eventsAllowed: [], eventsBlocked: [69] },
  maxFrameBytes: 1_048_576,
  logger: silentLogger,
};

/** {@link buildFrameTexts} as the socket box hands frames over: Buffers with a receive time 7 ms apart. */
export function buildFrames(target: number): RawFrame[] {
  return buildFrameTexts(target).map((text, i) => ({ at: 7 * (i + 1), data: Buffer.from(text, 'utf8'), isBinary: false }));
}

// ---- contenders ---------------------------------------------------------------------------------------------

/** A sink over a stream of frames: `check()` returns a number derived from the work (printed, so nothing is dead code). */
export interface Sink {
  readonly check: () => number;
  readonly close: () => void;
}

/** Builds a sink subscribed to `frames$`. */
export type Contender = (frames$: Observable<RawFrame>) => Sink;

/** The baseline: JSON.parse of every frame, reading one field. */
export const bareContender: Contender = (frames$) => {
  let codes = 0;
  const sub = frames$.subscribe((f) => {
    const o = JSON.parse(f.data.toString('utf8')) as { data: { eventCode: number } };
    codes += o.data.eventCode;
  });
  return { check: () => codes, close: () => { sub.unsubscribe(); } };
};

/** The decoder alone (decodeFrames: UTF-8 check, JSON.parse, envelope and field decoding). */
export const decodeContender: Contender = (frames$) => {
  let n = 0;
  const sub = frames$.pipe(decodeFrames(pipelineOptions)).subscribe(() => { n++; });
  return { check: () => n, close: () => { sub.unsubscribe(); } };
};

/** decode + filter (acdPipeline), counting delivered events. */
export const pipelineContender: Contender = (frames$) => {
  let n = 0;
  const sub = acdPipeline(frames$, pipelineOptions).events$.subscribe(() => { n++; });
  return { check: () => n, close: () => { sub.unsubscribe(); } };
};

/** decode + filter + the metrics reducer (a scan, no summary): the reducer's cost on its own. */
export const reducerContender: Contender = (frames$) => {
  let last = initialMetricsState(metricsConfig, 0);
  const sub = acdPipeline(frames$, pipelineOptions).events$.pipe(scan((s, e) => reduceMetrics(s, e), last)).subscribe((s) => { last = s; });
  return { check: () => summarize(last, last.at).totalInboundCalls, close: () => { sub.unsubscribe(); } };
};

/** decode + filter + metrics + summary$ (createSummary, as connect() builds it), counting summaries. */
export const summaryContender: Contender = (frames$) => {
  let summaries = 0;
  const p = acdPipeline(frames$, pipelineOptions);
  const sub = createSummary(p.events$, { metrics: metricsConfig }).summary$.subscribe(() => { summaries++; });
  return {
    check: () => {
      const s = p.stats();
      if (s.received !== s.delivered + s.filtered + s.malformed) throw new Error('accounting identity broken');
      return summaries;
    },
    close: () => { sub.unsubscribe(); },
  };
};

/** The same with `metrics.summaryPerEvent: true`: one summary per figure-changing event (no coalescing). */
export const summaryPerEventContender: Contender = (frames$) => {
  let summaries = 0;
  const p = acdPipeline(frames$, pipelineOptions);
  const sub = createSummary(p.events$, { metrics: { ...metricsConfig, summaryPerEvent: true } }).summary$.subscribe(() => { summaries++; });
  return { check: () => summaries, close: () => { sub.unsubscribe(); } };
};

const nextMacrotask = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

/** Wall time and this process's CPU time (user + system, ms) of one run. */
export interface Timed {
  readonly ms: number;
  readonly cpuMs: number;
}

/**
 * Feeds `total` frames (default: `frames` once) to a fresh sink of `contender` in synchronous batches of `batch`, a
 * macrotask apart; resolves with its times. Past the end of `frames` it starts again, each later pass moved on in
 * time by the span of `frames` (a new RawFrame around the same Buffer, so the clock never runs back): a pool of a
 * few hundred thousand frames keeps the heap small, as a live client's is, where a million held frames would
 * make every major GC of the run slower.
 */
export async function drive(frames: readonly RawFrame[], batch: number, contender: Contender, total = frames.length): Promise<Timed & { check: number }> {
  const frames$ = new Subject<RawFrame>();
  const sink = contender(frames$);
  const len = frames.length;
  const span = (frames[len - 1]?.at ?? 0) + 7;
  await nextMacrotask();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < total; ) {
    const end = Math.min(total, i + batch);
    for (; i < end; i++) {
      const f = frames[i % len]!;
      frames$.next(i < len ? f : { at: f.at + Math.floor(i / len) * span, data: f.data, isBinary: f.isBinary });
    }
    await nextMacrotask();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const check = sink.check();
  sink.close();
  frames$.complete();
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, check };
}

/**
 * Best (minimum) wall time and best CPU time of each contender over `runs` rounds, alternating them so load on a
 * shared box hits all alike. Wall time makes the ratios; CPU time (which a busy neighbour inflates less) the µs per stage.
 */
export async function raceAsync(
  runs: number,
  frames: readonly RawFrame[],
  total: number,
  batch: number,
  contenders: readonly (readonly [string, Contender])[],
  log: (s: string) => void,
): Promise<Timed[]> {
  const best = contenders.map(() => ({ ms: Infinity, cpuMs: Infinity }));
  const checks = contenders.map(() => 0);
  for (let r = 0; r < runs; r++) {
    for (const [i, [, c]] of contenders.entries()) {
      const x = await drive(frames, batch, c, total);
      checks[i] = x.check;
      const b = best[i]!;
      best[i] = { ms: Math.min(b.ms, x.ms), cpuMs: Math.min(b.cpuMs, x.cpuMs) };
    }
  }
  const us = (ms: number): string => ((ms * 1000) / total).toFixed(3).padStart(7);
  for (const [i, [label]] of contenders.entries()) {
    const b = best[i]!;
    log(`  ${label.padEnd(40)} best of ${String(runs)}: ${b.ms.toFixed(0).padStart(6)} ms, ${us(b.ms)} µs/frame wall, ${us(b.cpuMs)} µs/frame CPU  (check ${String(checks[i])})`);
  }
  return best;
}

// ---- synchronous contenders of bench/pipeline.ts --------------------------------------------------------------

/** Best (minimum) wall time of each synchronous contender over `runs` rounds, alternating them. */
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

/** JSON.parse of every frame, synchronously. */
export function bareParse(frames: readonly RawFrame[]): number {
  const sink = bareContender(from(frames));
  return sink.check();
}

/** decode + filter + the metrics reducer over `frames`, synchronously. */
export function pipelineWithReducer(frames: readonly RawFrame[]): number {
  const sink = reducerContender(from(frames));
  return sink.check();
}
