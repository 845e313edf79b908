// The endurance soak (issue 8, reliability-anchors.md §3.2, §3.4, R1, R15, R16): an accelerated contact-centre day
// from the emulator, in its own process (bench/emulator-process.ts), to the full client (`connect()`), with a
// seeded fault every few simulated minutes. Used by `npm run soak` (test/soak/run.ts) and, shortened, by
// test/soak/soak-short.test.ts.
//
// How "the final totals equal the ground truth for the periods without gaps" is made checkable:
// before every fault the soak FREEZES the centre's simulated clock (no event is generated while frozen), sends an
// in-band marker event after everything sent so far, and waits until the client has delivered that marker. Only
// then is the fault injected; the clock resumes once the client's socket is open again. So every centre event is
// generated while the client's socket is open and no event falls into an outage: the periods without gaps cover
// the whole simulated day, and at every checkpoint (each marker) the client's figures must EQUAL the centre's
// ground truth — counts (offered, answered, abandoned, outbound) and gauges (stations in service, agents logged
// in, calls in queue) — and the events delivered must equal the events the centre sent plus the markers. Time
// totals are not compared: the client clocks wall time, the centre simulated time with freezes.
// What this does not test: events generated DURING an outage (they are lost by design; the gap marker says so).

import { performance } from 'node:perf_hooks';
import type { Observable, Subscription } from 'rxjs';
import { connect, type IpecsClient } from '../../src/client.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createRng, type CentreOptions, type EmulatorCounters } from '../../src/emulator/index.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { EmulatorProcess, MARKER_CODE, type CentreTruth } from '../../bench/emulator-client.js';
import { getGc, resetTimeFarAway } from '../../bench/helpers.js';

/** The faults the soak injects (weights in {@link FAULT_WEIGHTS}). */
export type SoakFault =
  | 'drop' // every socket killed (1006); the session stays: reconnect with the same token
  | 'half-open' // TCP stays up, nothing flows, pings unanswered: the heartbeat must notice
  | 'expire' // session dropped ("log out other users"): upgrade 401, one re-login
  | 'already-login' // session dropped and logins answered "Already Login" for a while
  | 'refuse-logins' // session dropped and logins answered 503 for a while
  | 'restart' // the emulator stops listening for a while and forgets every session
  | 'oversized' // a frame over the client's maxFrameBytes: closed with 1009, reconnect
  | 'invalid-utf8' // a text frame with invalid UTF-8: counted (invalid-utf8), the socket stays
  | 'malformed'; // invalid JSON, a non-object, no event code, a binary frame: counted, no reconnect

const FAULT_WEIGHTS: readonly (readonly [SoakFault, number])[] = [
  ['drop', 4], ['half-open', 2], ['expire', 2], ['already-login', 1], ['refuse-logins', 1], ['restart', 1],
  ['oversized', 1], ['invalid-utf8', 1], ['malformed', 2],
];

/** Faults after which the client must reconnect. */
const RECONNECTS = new Set<SoakFault>(['drop', 'half-open', 'expire', 'already-login', 'refuse-logins', 'restart', 'oversized']);
/** Faults after which the reconnect needs a new login (the session is gone). */
const NEEDS_LOGIN = new Set<SoakFault>(['expire', 'already-login', 'refuse-logins', 'restart']);

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Simulated seconds to run (default 86,400: one day). */
  readonly simSeconds?: number;
  /** Simulated seconds per real second (default 400). */
  readonly speed?: number;
  /** Simulated seconds between faults, drawn uniformly from this range (default [60, 180]). */
  readonly faultEvery?: readonly [number, number];
  /** Seed of the fault schedule and of the centre (default 1). */
  readonly seed?: number;
  /** The centre (defaults: 40 stations, 30 agents, 3 groups, 20 trunks, 400 calls/h, 60 outbound/h). */
  readonly centre?: CentreOptions;
  /** Heap samples: one after GC every this many cycles (default 10). */
  readonly heapEvery?: number;
  /** Progress lines (default none). */
  readonly log?: (line: string) => void;
  /** Client heartbeat: ping interval and pong timeout, ms (default 300 and 300). */
  readonly heartbeat?: readonly [number, number];
  /** Only these fault kinds (default all, weighted as FAULT_WEIGHTS). */
  readonly only?: readonly SoakFault[];
  /** Stop after this many cycles whatever the simulated time (default unbounded). */
  readonly maxCycles?: number;
}

/** One heap sample. */
export interface HeapSample { readonly cycle: number; readonly seconds: number; readonly heapUsed: number }

/** What {@link runSoak} found. `failures` empty = pass (the heap bar is judged by the caller: see heapGrowth). */
export interface SoakReport {
  readonly seed: number;
  readonly simSeconds: number;
  readonly realSeconds: number;
  readonly cycles: number;
  readonly faults: Readonly<Record<SoakFault, number>>;
  readonly reconnects: number;
  readonly gaps: number;
  readonly clientLogins: number;
  readonly emulatorLogins: number;
  readonly clientSockets: number;
  readonly emulatorSockets: number;
  readonly checkpoints: number;
  readonly stats: ReturnType<IpecsClient['stats']>;
  readonly truth: CentreTruth;
  readonly summary: Pick<AcdSummary, 'totalInboundCalls' | 'totalAnsweredCalls' | 'totalAbandonedCalls' | 'totalOutboundCalls' | 'stationsConnected' | 'agentsLoggedIn' | 'callsInQueue'>;
  readonly heap: readonly HeapSample[];
  /** Least-squares growth of post-GC heapUsed over the last 80% of the samples (bytes over that span). */
  readonly heapGrowthLast80: number;
  /** Last minus first sample of the last 80%. */
  readonly heapDeltaLast80: number;
  readonly emulatorCounters: EmulatorCounters;
  readonly failures: readonly string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Slope × span of a least-squares line through the samples. */
function regressionGrowth(samples: readonly HeapSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.seconds, 0) / n;
  const my = samples.reduce((a, s) => a + s.heapUsed, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.seconds - mx) * (s.heapUsed - my);
    den += (s.seconds - mx) ** 2;
  }
  const first = samples[0]?.seconds ?? 0;
  const last = samples[n - 1]?.seconds ?? 0;
  return den === 0 ? 0 : (num / den) * (last - first);
}

/** Runs the soak and reports. Never throws for a failed criterion: it lists it in `failures`. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const seed = options.seed ?? 1;
  const simTarget = options.simSeconds ?? 86_400;
  const speed = options.speed ?? 400;
  const [faultMin, faultMax] = options.faultEvery ?? [60, 180];
  const heapEvery = options.heapEvery ?? 10;
  const log = options.log ?? ((): void => undefined);
  const gc = getGc();
  const rng = createRng(seed * 7919 + 13);
  const failures: string[] = [];
  const fail = (msg: string): void => {
    if (failures.length < 50) failures.push(msg);
    log(`FAIL ${msg}`);
  };

  const jitter = createRng(seed);
  const emu = await EmulatorProcess.start({ tls: true, timeAndDate: false, sessionTimeoutSeconds: 1 });
  const a = emu.address;
  if (a === undefined) throw new Error('emulator did not start');
  let client: IpecsClient;
  try {
    client = connectClient();
  } catch (e) {
    await emu.stop();
    throw e;
  }
  function connectClient(): IpecsClient {
    if (a === undefined) throw new Error('emulator did not start');
    return connect(
    {
      server: { host: a.host, port: a.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: a.fingerprint256 },
      session: { loginRetryBaseMs: 20, loginRetryCapMs: 300, alreadyLoginGiveUpMs: 60_000, loginBudget: 1_000, loginWindowMs: 60_000, requestTimeoutMs: 3_000, logoutTimeoutMs: 1_000 },
      socket: {
        backoffBaseMs: 30, backoffCapMs: 300, backoffFloorMs: 10, minUptimeMs: 500,
        heartbeatIntervalMs: options.heartbeat?.[0] ?? 300, heartbeatTimeoutMs: options.heartbeat?.[1] ?? 300, handshakeTimeoutMs: 3_000, maxFrameBytes: 65_536, shareGraceMs: 100,
      },
      metrics: { timeZone: 'UTC', resetTime: resetTimeFarAway() },
      log: { file: null, console: false },
    },
    { logger: silentLogger, env: {}, random: () => jitter.next() },
  );
  }

  // ---- what the client shows ------------------------------------------------------------------------------
  let latest: AcdSummary | undefined;
  let opens = 0;
  let gaps = 0;
  let lastGap: Extract<ConnectionState, { kind: 'gap' }> | undefined;
  let stateKind = 'connecting' as ConnectionState['kind'];
  let seenMarker = 0;
  let markerWaiter: { marker: number; resolve: () => void } | undefined;
  const subs: Subscription = client.summary$.subscribe((s) => { latest = s; });
  subs.add(client.connection$.subscribe((s) => {
    if (s.kind !== 'gap') stateKind = s.kind;
    if (s.kind === 'open') opens++;
    if (s.kind === 'gap') { gaps++; lastGap = s; }
  }));
  subs.add(client.events$.subscribe((e) => {
    if (e.code !== MARKER_CODE) return;
    seenMarker = Number(e.data1);
    if (markerWaiter !== undefined && seenMarker >= markerWaiter.marker) {
      const w = markerWaiter;
      markerWaiter = undefined;
      w.resolve();
    }
  }));
  for (const s$ of [client.newCall$, client.callAnswered$, client.callDisconnected$, client.errors$, client.periods$]) subs.add((s$ as Observable<unknown>).subscribe());

  const waitOpen = async (after: number, ms = 20_000): Promise<boolean> => {
    const t0 = performance.now();
    while (opens <= after) {
      if (performance.now() - t0 > ms) return false;
      await sleep(5);
    }
    return true;
  };
  const waitMarker = (marker: number, ms = 20_000): Promise<boolean> => {
    if (seenMarker >= marker) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { markerWaiter = undefined; resolve(false); }, ms);
      markerWaiter = { marker, resolve: () => { clearTimeout(timer); resolve(true); } };
    });
  };

  const faults = Object.fromEntries(FAULT_WEIGHTS.map(([k]) => [k, 0])) as Record<SoakFault, number>;
  const weights = FAULT_WEIGHTS.filter(([k]) => options.only?.includes(k) ?? true);
  const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
  const pickFault = (): SoakFault => {
    let x = rng.next() * totalWeight;
    for (const [k, w] of weights) { x -= w; if (x < 0) return k; }
    return weights[0]?.[0] ?? 'drop';
  };

  const heap: HeapSample[] = [];
  const t0 = performance.now();
  let marker = 0;
  let checkpoints = 0;
  let cycles = 0;
  let truth: CentreTruth | undefined;
  let expectedMalformed = 0;
  let expectedLogins = 1;

  /** Freeze, sync, compare the client with the ground truth. Returns the truth. */
  const checkpoint = async (label: string): Promise<CentreTruth> => {
    await emu.freeze();
    const t = await emu.sync(++marker);
    if (!(await waitMarker(marker))) fail(`${label}: marker ${String(marker)} not delivered within 20 s`);
    checkpoints++;
    const st = client.stats();
    if (st.received !== st.delivered + st.filtered + st.malformed) fail(`${label}: received ${String(st.received)} ≠ delivered ${String(st.delivered)} + filtered ${String(st.filtered)} + malformed ${String(st.malformed)}`);
    if (st.delivered !== t.sent + t.markers) fail(`${label}: delivered ${String(st.delivered)} ≠ centre events ${String(t.sent)} + markers ${String(t.markers)}`);
    if (st.malformed !== expectedMalformed) fail(`${label}: malformed ${String(st.malformed)} ≠ expected ${String(expectedMalformed)}`);
    if (t.sentWithoutSocket !== 0) fail(`${label}: ${String(t.sentWithoutSocket)} centre events were sent with no socket open`);
    const s = latest;
    if (s === undefined) fail(`${label}: no summary`);
    else {
      const pairs: [string, number, number][] = [
        ['totalInboundCalls/offered', s.totalInboundCalls, t.offered],
        ['totalAnsweredCalls/answered', s.totalAnsweredCalls, t.answered],
        ['totalAbandonedCalls/abandoned', s.totalAbandonedCalls, t.abandoned],
        ['totalOutboundCalls/outbound', s.totalOutboundCalls, t.outbound],
        ['stationsConnected/stationsInService', s.stationsConnected, t.stationsInService],
        ['agentsLoggedIn', s.agentsLoggedIn, t.agentsLoggedIn],
        ['callsInQueue', s.callsInQueue, t.callsInQueue],
      ];
      for (const [name, got, want] of pairs) if (got !== want) fail(`${label}: ${name} client ${String(got)} ≠ truth ${String(want)}`);
    }
    return t;
  };

  let emuCounters: EmulatorCounters;
  try {
    if (!(await waitOpen(0))) throw new Error('the client never connected');
    await emu.centreStart({ seed, speed, stations: 40, agents: 30, groups: 3, trunks: 20, arrivalPerHour: 400, outboundPerHour: 60, ...options.centre });
    heap.push({ cycle: 0, seconds: 0, heapUsed: (gc(), process.memoryUsage().heapUsed) });

    for (;;) {
      const sim = truth?.simSeconds ?? 0;
      if (sim >= simTarget || (options.maxCycles !== undefined && cycles >= options.maxCycles)) break;
      // Traffic until the next fault.
      const gapSim = faultMin + rng.next() * (faultMax - faultMin);
      await sleep(Math.max(1, Math.min(gapSim, simTarget - sim) / speed * 1000));
      cycles++;
      const label = `cycle ${String(cycles)}`;
      truth = await checkpoint(label);
      if (cycles % heapEvery === 0) {
        gc();
        heap.push({ cycle: cycles, seconds: (performance.now() - t0) / 1000, heapUsed: process.memoryUsage().heapUsed });
      }
      if (truth.simSeconds >= simTarget) break;

      // The fault, with the clock frozen.
      const kind = pickFault();
      faults[kind]++;
      const before = { opens, gaps, stats: client.stats(), emu: await emu.counters() };
      const faultAt = Date.now();
      switch (kind) {
        case 'drop': await emu.fault('drop'); break;
        case 'half-open': {
          await emu.fault('half-open-on');
          // Until the client notices (heartbeat), then back to normal so its next socket works.
          const t = performance.now();
          while (stateKind === 'open' && opens === before.opens && performance.now() - t < 10_000) await sleep(2);
          await emu.fault('half-open-off');
          break;
        }
        case 'expire': await emu.fault('expire'); break;
        case 'already-login':
          await emu.fault('already-login-on');
          await emu.fault('expire');
          await sleep(100 + rng.next() * 300);
          await emu.fault('already-login-off');
          break;
        case 'refuse-logins':
          await emu.refuseLogins(0.1 + rng.next() * 0.3);
          await emu.fault('expire');
          break;
        case 'restart': await emu.restart(Math.round(50 + rng.next() * 400)); break;
        case 'oversized': await emu.malformed('oversized', 100_000); break;
        case 'invalid-utf8':
          await emu.malformed('invalid-utf8');
          expectedMalformed += 1;
          break;
        case 'malformed':
          await emu.malformed('invalid-json');
          await emu.malformed('not-object');
          await emu.malformed('no-event-code');
          await emu.malformed('binary');
          expectedMalformed += 4;
          break;
      }
      if (RECONNECTS.has(kind)) {
        if (!(await waitOpen(before.opens, 30_000))) {
          fail(`${label}: no reconnect within 30 s after ${kind}`);
          break;
        }
        if (NEEDS_LOGIN.has(kind)) expectedLogins++;
        // Let a possible second attempt show itself before counting.
        const after = { opens, gaps, stats: client.stats(), emu: await emu.counters() };
        const dOpen = after.opens - before.opens;
        const dGaps = after.gaps - before.gaps;
        const dLogins = after.emu.logins - before.emu.logins;
        const dSockets = after.emu.socketsOpened - before.emu.socketsOpened;
        if (dOpen !== 1 || dSockets !== 1) fail(`${label} (${kind}): ${String(dOpen)} opens, ${String(dSockets)} sockets accepted by the emulator (expected 1 and 1)`);
        if (dLogins !== (NEEDS_LOGIN.has(kind) ? 1 : 0)) fail(`${label} (${kind}): ${String(dLogins)} logins (expected ${NEEDS_LOGIN.has(kind) ? '1' : '0'})`);
        if (dGaps !== 1) fail(`${label} (${kind}): ${String(dGaps)} gap markers (expected 1)`);
        else if (lastGap === undefined || lastGap.from < faultAt - 50 || lastGap.to < lastGap.from || lastGap.to > Date.now() + 50) {
          fail(`${label} (${kind}): gap ${JSON.stringify(lastGap)} does not cover the outage from ${String(faultAt)}`);
        }
      }
      await emu.resume();
      if (cycles % 50 === 0) {
        const s = client.stats();
        log(`${label}: sim ${String(Math.round(truth.simSeconds))} s, ${String(s.reconnects)} reconnects, ${String(s.logins)} logins, ${String(s.delivered)} events, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MiB`);
      }
    }
    truth = await checkpoint('final');
    gc();
    heap.push({ cycle: cycles, seconds: (performance.now() - t0) / 1000, heapUsed: process.memoryUsage().heapUsed });
    emuCounters = await emu.counters();
  } finally {
    subs.unsubscribe();
    await client.close();
    await emu.stop();
  }

  const stats = client.stats();
  if (stats.logins !== emuCounters.logins) fail(`client logins ${String(stats.logins)} ≠ emulator logins ${String(emuCounters.logins)}`);
  if (emuCounters.logins !== expectedLogins) fail(`emulator logins ${String(emuCounters.logins)} ≠ expected ${String(expectedLogins)} (1 + one per session-losing fault)`);
  if (stats.socketsOpened !== emuCounters.socketsOpened) fail(`client sockets ${String(stats.socketsOpened)} ≠ emulator sockets ${String(emuCounters.socketsOpened)}`);
  if (stats.reconnects !== stats.socketsOpened - 1) fail(`reconnects ${String(stats.reconnects)} ≠ sockets - 1`);
  if (stats.gaps !== stats.reconnects) fail(`gaps ${String(stats.gaps)} ≠ reconnects ${String(stats.reconnects)}`);

  const tail = heap.slice(Math.floor(heap.length * 0.2));
  const s = latest;
  return {
    seed,
    simSeconds: truth.simSeconds,
    realSeconds: (performance.now() - t0) / 1000,
    cycles,
    faults,
    reconnects: stats.reconnects,
    gaps: stats.gaps,
    clientLogins: stats.logins,
    emulatorLogins: emuCounters.logins,
    clientSockets: stats.socketsOpened,
    emulatorSockets: emuCounters.socketsOpened,
    checkpoints,
    stats,
    truth,
    summary: {
      totalInboundCalls: s?.totalInboundCalls ?? -1,
      totalAnsweredCalls: s?.totalAnsweredCalls ?? -1,
      totalAbandonedCalls: s?.totalAbandonedCalls ?? -1,
      totalOutboundCalls: s?.totalOutboundCalls ?? -1,
      stationsConnected: s?.stationsConnected ?? -1,
      agentsLoggedIn: s?.agentsLoggedIn ?? -1,
      callsInQueue: s?.callsInQueue ?? -1,
    },
    heap,
    heapGrowthLast80: regressionGrowth(tail),
    heapDeltaLast80: (tail[tail.length - 1]?.heapUsed ?? 0) - (tail[0]?.heapUsed ?? 0),
    emulatorCounters: emuCounters,
    failures,
  };
}

/** The report as text. */
export function formatSoakReport(r: SoakReport, heapLimitBytes: number | undefined): string {
  const mib = (b: number): string => `${(b / 2 ** 20).toFixed(3)} MiB`;
  const lines = [
    `seed ${String(r.seed)}: ${String(Math.round(r.simSeconds))} simulated s (${(r.simSeconds / 3600).toFixed(1)} h) in ${r.realSeconds.toFixed(0)} s real, ${String(r.cycles)} fault cycles, ${String(r.checkpoints)} checkpoints`,
    `faults: ${Object.entries(r.faults).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`,
    `reconnects ${String(r.reconnects)}, gap markers ${String(r.gaps)}; logins client ${String(r.clientLogins)} / emulator ${String(r.emulatorLogins)}; sockets client ${String(r.clientSockets)} / emulator ${String(r.emulatorSockets)}`,
    `frames: received ${String(r.stats.received)} = delivered ${String(r.stats.delivered)} + filtered ${String(r.stats.filtered)} + malformed ${String(r.stats.malformed)}; oversized ${String((r.stats as { oversizedFrames?: number }).oversizedFrames ?? 'n/a')}`,
    `centre: ${String(r.truth.sent)} events sent (+${String(r.truth.markers)} markers), offered ${String(r.truth.offered)}, answered ${String(r.truth.answered)}, abandoned ${String(r.truth.abandoned)}, outbound ${String(r.truth.outbound)}`,
    `client: inbound ${String(r.summary.totalInboundCalls)}, answered ${String(r.summary.totalAnsweredCalls)}, abandoned ${String(r.summary.totalAbandonedCalls)}, outbound ${String(r.summary.totalOutboundCalls)}, stations ${String(r.summary.stationsConnected)}, agents ${String(r.summary.agentsLoggedIn)}, queue ${String(r.summary.callsInQueue)}`,
    `heap after GC: ${r.heap.map((h) => (h.heapUsed / 2 ** 20).toFixed(2)).filter((_, i, all) => all.length <= 12 || i % Math.ceil(all.length / 12) === 0 || i === all.length - 1).join(' → ')} MiB`,
    `heap growth over the last 80%: regression ${mib(r.heapGrowthLast80)}, last − first ${mib(r.heapDeltaLast80)}${heapLimitBytes === undefined ? ' (not judged)' : ` (limit ${mib(heapLimitBytes)})`}`,
    r.failures.length === 0 ? 'checks: all passed' : `FAILURES (${String(r.failures.length)}):\n  ${r.failures.join('\n  ')}`,
  ];
  return lines.join('\n');
}
