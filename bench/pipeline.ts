// Throughput of the hot path: decode + filter + metrics reducer over ~1,000,000 realistic ACD frames, compared
// with a bare JSON.parse of the same frames. Run with `npx tsx bench/pipeline.ts` (not a test).
//
// The frames are a contact-centre day compressed: 60 agents log in, then inbound calls (ring, queue, station
// ring, answer, busy, sometimes hold, disconnect, CO idle, wrap-up) interleave with outbound calls, abandons,
// TIME & DATE and voice-info events, as JSON text in Buffers, as the socket box hands them over.

import { from, scan, type Observable } from 'rxjs';
import { acdPipeline } from '../src/streams/pipeline.js';
import { initialMetricsState, reduceMetrics } from '../src/metrics/reducer.js';
import { summarize } from '../src/metrics/summarize.js';
import { createSummary } from '../src/metrics/summary.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import type { RawFrame } from '../src/socket/types.js';
import type { MetricsConfig } from '../src/config/config.js';

const TARGET_FRAMES = Number(process.env['BENCH_FRAMES'] ?? 1_000_000);
const AGENTS = 60;
const TRUNKS = 40;
const metricsConfig: MetricsConfig = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };

function pad2(n: number): string {
  return n < 10 ? `0${String(n)}` : String(n);
}

function frameOf(at: number, code: number, eventString: string, ref: number | '', sType: string, sNum: string, dType: string, dNum: string, d1: string, d2: string): RawFrame {
  const secs = Math.floor(at / 1000);
  const time = `2026/11/27 ${pad2(Math.floor(secs / 3600) % 24)}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  const json = JSON.stringify({
    event: 'acd',
    data: { time, callRefID: ref === '' ? ' ' : ref, eventCode: code, eventString, sourceType: sType, sourceNumber: sNum, destType: dType, destNumber: dNum === '' ? ' ' : dNum, data1: d1 === '' ? ' ' : d1, data2: d2 === '' ? ' ' : d2 },
  });
  return { at, data: Buffer.from(json, 'utf8'), isBinary: false };
}

function buildFrames(target: number): RawFrame[] {
  const out: RawFrame[] = [];
  let at = 0;
  let ref = 1;
  const push = (code: number, name: string, r: number | '', sType: string, sNum: string, dType: string, dNum: string, d1 = '', d2 = ''): void => {
    at += 7;
    out.push(frameOf(at, code, name, r, sType, sNum, dType, dNum, d1, d2));
  };
  const station = (i: number): string => String(1000 + (i % AGENTS));
  const group = (i: number): string => String(1 + (i % 3));
  for (let i = 0; i < AGENTS; i++) {
    push(84, 'AGENT IN SERVICE', '', 'Station', station(i), '', '');
    push(11, 'AGENT PRIMARY LOGIN', '', 'Station', station(i), '', '', group(i), String(4000 + i));
    if (i % 4 === 0) push(25, 'AGENT SECONDARY LOGIN', '', 'Station', station(i), '', '', group(i + 1), String(4000 + i));
  }
  let n = 0;
  while (out.length < target) {
    n++;
    const st = station(n * 7);
    const co = String(1 + (n % TRUNKS));
    const r = ref++;
    if (ref > 65_000) ref = 1; // callRefIds are reused, as on a PBX
    if (n % 5 === 4) {
      // outbound
      push(17, 'STATION BUSY', r, 'Station', st, 'CO', co);
      push(41, 'SEIZE STATION/CO', r, 'Station', st, 'CO', co);
      push(1, 'CO BUSY', r, 'CO', co, 'Station', st);
      push(67, 'NUMBER DIALED', r, 'Station', st, 'CO', co, '', '0123456789');
      push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'Station', st, 'CO', co);
      push(73, 'CONNECT TX VOICE INFO', r, 'Station', st, 'CO', co, '1a2b', '3c4d');
      push(44, 'DISCONNECT', r, 'Station', st, 'CO', co, '0');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
      push(18, 'STATION IDLE', '', 'Station', st, '', '');
      push(69, 'SMDR', r, 'Station', st, 'CO', co, '000212', '0123456789');
    } else if (n % 11 === 3) {
      // abandoned in the queue
      push(3, 'CO IN RING', r, 'CO', co, '', '', group(n), '5');
      push(62, 'UCD QUE HOLD TO', r, 'CO', co, '', '', group(n));
      push(72, 'INCOMMING CALLER INFO', r, 'CO', co, 'Station', st, '0612345678', 'CALLER');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
    } else {
      // inbound, answered
      push(3, 'CO IN RING', r, 'CO', co, '', '', group(n), '5');
      push(62, 'UCD QUE HOLD TO', r, 'CO', co, '', '', group(n));
      push(3, 'CO IN RING', r, 'CO', co, 'Station', st, '', '5');
      push(66, 'STATION RING', r, 'Station', st, 'CO', co, group(n), group(n));
      push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'CO', co, 'Station', st);
      push(17, 'STATION BUSY', r, 'Station', st, 'CO', co);
      if (n % 3 === 0) {
        push(49, 'HOLD', r, 'Station', st, 'CO', co);
        push(42, 'SEIZE ACK/CONNECT/ANSWER', r, 'Station', st, 'CO', co);
      }
      push(74, 'CONNECT RX VOICE INFO', r, 'CO', co, 'Station', st, '5e6f', '7a8b');
      push(44, 'DISCONNECT', r, 'CO', co, 'Station', st, '0');
      push(44, 'DISCONNECT', r, 'Station', st, 'CO', co, '0');
      push(2, 'CO IDLE', '', 'CO', co, '', '');
      push(18, 'STATION IDLE', '', 'Station', st, '', '');
      push(15, 'AGENT UCD WRAP UP START', '', 'Station', st, '', '');
      push(16, 'AGENT UCD WRAP UP END', '', 'Station', st, '', '');
    }
    if (n % 200 === 0) push(68, 'TIME & DATE', '', '', '', '', '', '1127', '26');
    if (n % 97 === 0) {
      push(13, 'AGENT UCD UNAVAIL', '', 'Station', st, '', '', '3', group(n));
      push(14, 'AGENT UCD AVAIL', '', 'Station', st, '', '', '', group(n));
    }
  }
  return out;
}

/** Best (minimum) wall time of each contender over `runs` rounds, alternating them so load on a shared box hits both alike. */
function race(runs: number, contenders: readonly (readonly [string, () => number])[]): number[] {
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

function bareParse(frames: readonly RawFrame[]): number {
  let codes = 0;
  for (const f of frames) {
    const o = JSON.parse(f.data.toString('utf8')) as { data: { eventCode: number } };
    codes += o.data.eventCode;
  }
  return codes;
}

function pipelineWithReducer(frames: readonly RawFrame[]): number {
  const frames$: Observable<RawFrame> = from(frames);
  const p = acdPipeline(frames$, {
    filters: { stations: ['1000-1999'], groups: [], eventsAllowed: [], eventsBlocked: [69] },
    maxFrameBytes: 1_048_576,
    logger: silentLogger,
  });
  let last = initialMetricsState(metricsConfig, 0);
  p.events$.pipe(scan((s, e) => reduceMetrics(s, e), last)).subscribe((s) => (last = s));
  const stats = p.stats();
  if (stats.received !== frames.length) throw new Error('frames lost');
  return summarize(last, last.at).totalInboundCalls;
}

function pipelineWithSummary(frames: readonly RawFrame[]): number {
  const p = acdPipeline(from(frames), {
    filters: { stations: ['1000-1999'], groups: [], eventsAllowed: [], eventsBlocked: [69] },
    maxFrameBytes: 1_048_576,
    logger: silentLogger,
  });
  let emitted = 0;
  createSummary(p.events$, { metrics: metricsConfig }).summary$.subscribe(() => {
    emitted++;
  });
  return emitted;
}

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
