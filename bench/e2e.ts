// The end-to-end parts of the bench (bench/run.ts): the emulator in its own process (bench/emulator-process.ts)
// sends bench/frames.ts's realistic frames; the contenders in this process are
// - the bare client: REST login, a plain `ws` socket and `JSON.parse` of every message (no client code), over
//   WSS (the same emulator as the full client) or over plain WS (an emulator started with `tls: false`);
// - the full client: `connect()` (session, socket, decode, filter, metrics) with summary$, summaryUpdates$,
//   events$, errors$, connection$, periods$ and the nine per-event streams subscribed.
// Each contender's time runs from the burst request to its N-th message. The client's CPU time (user + system
// of this process) is recorded too: when the emulator is the slower side, both rates are the emulator's.
//
// Latency: the emulator paces the frames at a fixed rate; per FRAME, from its receipt by the socket box
// (RawFrame.at, a high-resolution clock handed to the client as its scheduler's `now`) to the first summary that
// reflects it. summary$ may coalesce the events of one synchronous burst (metrics.md §3), so one summary can
// stand for several frames: each of them gets its own sample. A frame that changes no figure gets no summary:
// once a later macrotask has run (the contract: a summary is emitted before the next macrotask), such a frame is
// counted as "no change" and left out. A summary that shows up later than that for a frame already left out is
// counted as `late` (it would break the contract; the bench prints it).

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { asyncScheduler, filter, firstValueFrom, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { connect, silentLogger, type AcdEvent, type IpecsClient } from '../src/index.js';
import type { EmulatorAddress, EmulatorProcess } from './emulator-client.js';
import { openRawSocket, resetTimeFarAway, withTimeout } from './helpers.js';

/** One contender's run. */
export interface E2eRun {
  readonly ms: number;
  readonly cpuMs: number;
  readonly received: number;
  /** Socket reads ('data' events) the bare client's socket saw, when ws exposes it. */
  readonly reads?: number;
}

/** The TCP/TLS socket under a `ws` client: a private field of ws, read only to count reads (undefined if it moved). */
function socketOf(ws: unknown): { on(event: 'data', f: () => void): unknown } | undefined {
  const s = (ws as { _socket?: unknown })._socket;
  return typeof s === 'object' && s !== null && typeof (s as { on?: unknown }).on === 'function' ? (s as { on(event: 'data', f: () => void): unknown }) : undefined;
}

/** Time allowed for one run of n events (generous: a loaded machine is slow, a lost frame must not hang). */
const runTimeoutMs = (n: number): number => 60_000 + n * 0.2;

function addressOf(emu: EmulatorProcess): EmulatorAddress {
  const a = emu.address;
  if (a === undefined) throw new Error('no emulator');
  return a;
}

/** The bare `ws` + `JSON.parse` client receives n frames of a burst from `emu` (WSS or plain WS, as `emu` serves). */
export async function bareRun(emu: EmulatorProcess, n: number): Promise<E2eRun> {
  const raw = await openRawSocket(addressOf(emu));
  try {
    const { ws } = raw;
    let got = 0;
    let codes = 0;
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    let reads = 0;
    const socket = socketOf(ws);
    socket?.on('data', () => { reads++; });
    const done = new Promise<E2eRun>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const o = JSON.parse(data.toString('utf8')) as { data: { eventCode: number } };
        codes += o.data.eventCode;
        if (++got === n) {
          const cpu = process.cpuUsage(cpu0);
          resolve({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, received: got, ...(socket ? { reads } : {}) });
        }
      });
    });
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    await emu.framesBurst(n);
    const r = await withTimeout(done, runTimeoutMs(n), `bare client, ${String(n)} events`);
    if (codes === 0) throw new Error('nothing parsed');
    return r;
  } finally {
    await raw.close();
  }
}

/** A `now()` with sub-millisecond resolution on the wall-clock scale; timers are asyncScheduler's. */
export const hiResScheduler: SchedulerLike = {
  now: () => performance.timeOrigin + performance.now(),
  schedule: (work, delay, state) => asyncScheduler.schedule(work as never, delay, state),
};

/** `connect()` to the emulator over WSS, pinned to its certificate, silent, no daily reset in the run. */
export function fullClient(emu: EmulatorProcess, scheduler?: SchedulerLike): IpecsClient {
  const a = addressOf(emu);
  return connect(
    {
      server: { host: a.host, port: a.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: a.fingerprint256 },
      log: { file: null, console: false },
      metrics: { timeZone: 'UTC', resetTime: resetTimeFarAway() },
    },
    { logger: silentLogger, env: {}, ...(scheduler ? { scheduler } : {}) },
  );
}

/** Every public stream of the client, subscribed ("all hooks attached"). */
export function attachAll(client: IpecsClient, onEvent: (e: AcdEvent) => void): Subscription {
  const subs = client.events$.subscribe(onEvent);
  const count = (): void => undefined;
  subs.add(client.summary$.subscribe(count));
  subs.add(client.summaryUpdates$.subscribe(count));
  subs.add(client.periods$.subscribe(count));
  subs.add(client.errors$.subscribe(count));
  subs.add(client.connection$.subscribe(count));
  const perEvent: Observable<unknown>[] = [client.newCall$, client.callDisconnected$, client.callAnswered$, client.callWaiting$, client.agentLoggedIn$,
    client.agentLoggedOut$, client.stationConnected$, client.stationDisconnected$, client.stationBusy$];
  for (const s$ of perEvent) subs.add(s$.subscribe(count));
  return subs;
}

const opened = (client: IpecsClient): Promise<unknown> =>
  withTimeout(firstValueFrom(client.connection$.pipe(filter((s) => s.kind === 'open'))), 30_000, 'full client: socket open');

/** The full client receives n frames of a burst from `emu` (WSS). */
export async function fullRun(emu: EmulatorProcess, n: number): Promise<E2eRun & { summaries: number }> {
  const client = fullClient(emu);
  try {
    let summaries = 0;
    let got = 0;
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    let resolveDone: (r: E2eRun) => void = () => undefined;
    const done = new Promise<E2eRun>((resolve) => { resolveDone = resolve; });
    const subs = attachAll(client, () => {
      if (++got === n) {
        const cpu = process.cpuUsage(cpu0);
        resolveDone({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, received: got });
      }
    });
    subs.add(client.summary$.subscribe(() => { summaries++; }));
    await opened(client);
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    await emu.framesBurst(n);
    const r = await withTimeout(done, runTimeoutMs(n), `full client, ${String(n)} events`);
    const stats = client.stats();
    if (stats.received !== stats.delivered + stats.filtered + stats.malformed) throw new Error('accounting identity broken');
    subs.unsubscribe();
    return { ...r, summaries };
  } finally {
    await client.close();
  }
}

// ---- latency ------------------------------------------------------------------------------------------------

/** The p-th percentile of sorted samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Latency figures of one paced run (ms). */
export interface LatencyResult {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly framesSeen: number;
  readonly samples: number;
  readonly framesWithoutChange: number;
  readonly lateSummaries: number;
  readonly summaries: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Event-loop delay over the same run (monitorEventLoopDelay, 5 ms resolution). */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Frame → summary latency of the full client while `emu` paces `rate` frames/s for `seconds` (after 1 s of warm-up). */
export async function latency(emu: EmulatorProcess, rate: number, seconds: number): Promise<LatencyResult> {
  const client = fullClient(emu, hiResScheduler);
  try {
    const now = (): number => hiResScheduler.now();
    const samples = new Float64Array(Math.ceil(rate * seconds * 1.2) + 1000);
    let count = 0;
    let measuring = false;
    let framesSeen = 0;
    let noChange = 0;
    let late = 0;
    let summaries = 0;
    /** Receipt instants of frames not yet reflected by a summary, in order. */
    let pending: number[] = [];
    let lastReflectedAt = -Infinity;
    let lastSummaryWall = 0;
    let droppedMaxAt = -Infinity;
    let settleQueued = false;
    const sample = (ms: number): void => {
      if (measuring && count < samples.length) samples[count++] = ms;
    };
    // A later macrotask has run: every frame still pending changed no figure.
    const settle = (): void => {
      settleQueued = false;
      if (measuring) noChange += pending.length;
      const lastAt = pending[pending.length - 1];
      if (lastAt !== undefined && lastAt > droppedMaxAt) droppedMaxAt = lastAt;
      pending = [];
    };
    // frames$ is subscribed first; whatever the order of the client's own subscriptions, a frame seen after the
    // summary that reflects it is caught by `lastReflectedAt`.
    const subs = client.frames$.subscribe((f) => {
      if (measuring) framesSeen++;
      if (f.at <= lastReflectedAt) {
        sample(lastSummaryWall - f.at);
        return;
      }
      pending.push(f.at);
      if (!settleQueued) {
        settleQueued = true;
        setTimeout(() => { setImmediate(settle); }, 0);
      }
    });
    subs.add(attachAll(client, () => undefined));
    subs.add(client.summaryUpdates$.subscribe((u) => {
      if (u.event === undefined) return; // the initial summary, ticks, resets
      const t = now();
      if (measuring) summaries++;
      lastSummaryWall = t;
      if (u.at > lastReflectedAt) lastReflectedAt = u.at;
      // Every pending frame has been through the pipeline (frames$ sees a frame just before the pipeline does, or
      // just after): this summary reflects them all, whatever instant a coalesced summary carries.
      if (pending.length > 0) {
        for (const at of pending) sample(t - at);
        pending = [];
      } else if (measuring && u.at <= droppedMaxAt) late++;
    }));
    await opened(client);
    await emu.framesPace(rate, 1); // warm-up
    await new Promise((r) => setTimeout(r, 100));
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    measuring = true;
    const paced = await withTimeout(emu.framesPace(rate, seconds), seconds * 1000 + 60_000, `latency at ${String(rate)}/s`);
    await new Promise((r) => setTimeout(r, 200));
    measuring = false;
    h.disable();
    subs.unsubscribe();
    const sorted = samples.slice(0, count).sort();
    return {
      rate,
      seconds,
      sent: paced.sent,
      framesSeen,
      samples: count,
      framesWithoutChange: noChange,
      lateSummaries: late,
      summaries,
      p50Ms: round3(percentile(sorted, 50)),
      p99Ms: round3(percentile(sorted, 99)),
      maxMs: round3(sorted[sorted.length - 1] ?? NaN),
      eventLoopDelayP99Ms: round3(h.percentile(99) / 1e6),
      eventLoopDelayMaxMs: round3(h.max / 1e6),
    };
  } finally {
    await client.close();
  }
}
