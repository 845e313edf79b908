// Memory (bench/run.ts), heap after a full GC (twice), in this process:
// - per tracked station (in service, agent logged in to one of 10 groups) and per open call (ringing in a
//   queue) in the reducer state alone (initialMetricsState / reduceMetrics), plus one summary of them;
// - per tracked station in the live pipeline as connect() runs it (acdPipeline → createSummary, summary$
//   subscribed): the state, the operators and the one latest summary they keep;
// - no growth per summary: with those stations tracked, K events that each change one station's state, a
//   macrotask apart (so each can yield a summary): heap growth per summary when the subscriber keeps none of them
//   (must be ~0: nothing accumulates), and per summary when it keeps every one (what a summary costs beyond the
//   previous one). Kept summaries are measured with 500 and with 1,000 stations: the difference per station is
//   what a summary costs per tracked station. A full snapshot costs a row per station (hundreds of bytes); a
//   summary that shares its untouched rows with the previous one costs what changed, ~0 B per station.

import { Subject } from 'rxjs';
import {
  acdPipeline,
  createSummary,
  initialMetricsState,
  reduceMetrics,
  summarize,
  type AcdEvent,
  type AcdSummary,
  type RawFrame,
} from '../src/index.js';
import { formatAcdFrame } from '../src/emulator/index.js';
import { getGc } from './helpers.js';
import { metricsConfig, pipelineOptions } from './in-process.js';

const gc = getGc();

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

const frameOf = (text: string, at: number): RawFrame => ({ at, data: Buffer.from(text, 'utf8'), isBinary: false });

/** Frames that put n stations in service with an agent logged in to one of 10 groups. */
function stationFrames(n: number): RawFrame[] {
  return Array.from({ length: n }, (_, i) => [
    formatAcdFrame({ code: 84, source: String(1000 + i) }, { padBlanks: true }),
    formatAcdFrame({ code: 11, source: String(1000 + i), data1: 1 + (i % 10), data2: String(20000 + i) }, { padBlanks: true }),
  ]).flat().map((t, i) => frameOf(t, 1 + i));
}

/** Frames of n inbound calls ringing in a queue, each on its own trunk. */
function callFrames(n: number): RawFrame[] {
  return Array.from({ length: n }, (_, i) => [
    formatAcdFrame({ code: 3, callRefId: 1 + i, source: String(1 + i), data1: 1 + (i % 10), data2: 5 }, { padBlanks: true }),
    formatAcdFrame({ code: 62, callRefId: 1 + i, source: String(1 + i), data1: 1 + (i % 10) }, { padBlanks: true }),
  ]).flat().map((t, i) => frameOf(t, 1 + i));
}

/** The frames decoded through the public pipeline (no filter). */
function decoded(frames: readonly RawFrame[]): AcdEvent[] {
  const frames$ = new Subject<RawFrame>();
  const out: AcdEvent[] = [];
  const p = acdPipeline(frames$, { ...pipelineOptions, filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] } });
  const sub = p.events$.subscribe((e) => out.push(e));
  for (const f of frames) frames$.next(f);
  sub.unsubscribe();
  if (out.length !== frames.length) throw new Error(`decoded ${String(out.length)} of ${String(frames.length)} frames`);
  return out;
}

/** Heap growth per item when `events` go through the reducer from an empty state; `check` sees the summary of the result. */
function reducerBytesPer(events: readonly AcdEvent[], items: number, check: (s: AcdSummary) => void): { perItem: number; summaryPerItem: number } {
  let state = initialMetricsState(metricsConfig, 0);
  const h0 = heapAfterGc();
  for (const e of events) state = reduceMetrics(state, e);
  const h1 = heapAfterGc();
  const summary = summarize(state, 1);
  const h2 = heapAfterGc();
  check(summary);
  return { perItem: (h1 - h0) / items, summaryPerItem: (h2 - h1) / items };
}

/** Heap in the reducer state alone (each measurement in its own call: nothing of one is live in the other). */
function reducerMemory(n: number): Record<string, number> {
  const stations = reducerBytesPer(decoded(stationFrames(n)), n, (s) => {
    if (s.stationsConnected !== n) throw new Error(`expected ${String(n)} stations, got ${String(s.stationsConnected)}`);
  });
  const calls = reducerBytesPer(decoded(callFrames(n)), n, (s) => {
    if (s.activeCalls !== n) throw new Error(`expected ${String(n)} open calls, got ${String(s.activeCalls)}`);
  });
  return {
    stations: n,
    bytesPerStation: Math.round(stations.perItem),
    summaryBytesPerStation: Math.round(stations.summaryPerItem),
    calls: n,
    bytesPerOpenCall: Math.round(calls.perItem),
  };
}

/** Heap per station in the live pipeline, and per summary not kept (`k` summaries) and kept (`kept` summaries). */
async function liveMemory(n: number, k: number, kept: number): Promise<Record<string, number>> {
  const frames$ = new Subject<RawFrame>();
  const p = acdPipeline(frames$, { ...pipelineOptions, filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] } });
  let latest: AcdSummary | undefined;
  let summaries = 0;
  let held: AcdSummary[] | undefined;
  const sub = createSummary(p.events$, { metrics: metricsConfig }).summary$.subscribe((s) => {
    latest = s;
    summaries++;
    held?.push(s);
  });
  const stations = stationFrames(n);
  // Busy/idle on station (j mod n): every event changes one station's state.
  const changes = Array.from({ length: k + kept }, (_, j) =>
    frameOf(formatAcdFrame({ code: j % (2 * n) < n ? 17 : 18, source: String(1000 + (j % n)) }, { padBlanks: true }), 1e6 + j));
  await nextMacrotask();
  const h0 = heapAfterGc();
  for (const f of stations) frames$.next(f);
  await nextMacrotask();
  const h1 = heapAfterGc();
  if (latest?.stationsConnected !== n) throw new Error(`live: expected ${String(n)} stations, got ${String(latest?.stationsConnected)}`);
  const s0 = summaries;
  for (const f of changes.slice(0, k)) {
    frames$.next(f);
    await nextMacrotask();
  }
  const h2 = heapAfterGc();
  const s1 = summaries;
  held = [];
  for (const f of changes.slice(k)) {
    frames$.next(f);
    await nextMacrotask();
  }
  const h3 = heapAfterGc();
  const s2 = summaries;
  const keptSummaries = held.length;
  held = undefined;
  sub.unsubscribe();
  frames$.complete();
  return {
    stations: n,
    bytesPerStation: Math.round((h1 - h0) / n),
    summariesNotKept: s1 - s0,
    bytesPerSummaryNotKept: Math.round((h2 - h1) / Math.max(1, s1 - s0)),
    summariesKept: keptSummaries,
    bytesPerSummaryKept: Math.round((h3 - h2) / Math.max(1, s2 - s1)),
  };
}

/** All memory figures. */
export async function memory(log: (s: string) => void): Promise<Record<string, unknown>> {
  const n = 5000;
  log(`\n## Memory: heap after GC, ${String(n)} stations / ${String(n)} open calls; live pipeline with 500 and 1,000 stations, 1,000 summaries not kept, 200 kept`);
  const reducer = reducerMemory(n);
  const small = await liveMemory(500, 1000, 200);
  const live = await liveMemory(1000, 1000, 200);
  const keptBytesPerStation = Math.round((live['bytesPerSummaryKept']! - small['bytesPerSummaryKept']!) / 500);
  log(`  reducer state: ${String(reducer['bytesPerStation'])} B per tracked station (+${String(reducer['summaryBytesPerStation'])} B in one summary), ${String(reducer['bytesPerOpenCall'])} B per open call`);
  log(`  live pipeline (state + operators + latest summary): ${String(live['bytesPerStation'])} B per tracked station`);
  log(`  per summary: not kept ${String(small['bytesPerSummaryNotKept'])} B (500 stations) / ${String(live['bytesPerSummaryNotKept'])} B (1,000); kept ${String(small['bytesPerSummaryKept'])} B / ${String(live['bytesPerSummaryKept'])} B → ${String(keptBytesPerStation)} B per tracked station per summary kept`);
  return { bytesPerStation: reducer['bytesPerStation'], reducer, live, small, keptBytesPerStationPerSummary: keptBytesPerStation };
}
