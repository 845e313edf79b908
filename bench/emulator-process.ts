// The emulator in its own process, driven over IPC by the bench (bench/run.ts) and the soak (test/soak/).
// Running it apart keeps its CPU and heap out of the client's measurements, and pins every contender of one
// run to the same emulator process and the same frames.
//
// Start it with `fork('bench/emulator-process.ts', [], { execArgv: ['--import', 'tsx'] })` and talk to it with
// `EmulatorProcess` (bench/emulator-client.ts). Every request `{ id, cmd, … }` gets one reply `{ id, ok, result | error }`.
//
// Traffic sources:
// - `burst`: the emulator's own `burst(n)` (station busy/idle rotation, as fast as the sockets drain);
// - `pace`: the same frames at a fixed rate (events/s) for a time, in 5 ms slices;
// - `centre-*`: a simulated contact centre (CentreModel) played at a speed factor. Its clock can be FROZEN: while
//   frozen no event is generated, so the soak can inject a fault knowing that no event is lost with the socket.
//   `sync` sends an in-band marker event (code 250, data1 = the marker number) after everything sent so far.

import { performance } from 'node:perf_hooks';
import { buildFrameTexts } from './frames.js';
import { CentreModel, startEmulator, type CentreOptions, type Emulator, type EmulatorOptions, type MalformedKind } from '../src/emulator/index.js';
import { burstEvent } from '../src/emulator/server.js';
import { MARKER_CODE, type FaultKind } from './emulator-client.js';

type Request =
  | { id: number; cmd: 'start'; options: EmulatorOptions }
  | { id: number; cmd: 'burst'; n: number }
  | { id: number; cmd: 'pace'; rate: number; seconds: number }
  | { id: number; cmd: 'frames-load'; n: number }
  | { id: number; cmd: 'frames-burst'; n: number }
  | { id: number; cmd: 'frames-pace'; rate: number; seconds: number }
  | { id: number; cmd: 'centre-start'; options: CentreOptions }
  | { id: number; cmd: 'freeze' }
  | { id: number; cmd: 'resume' }
  | { id: number; cmd: 'sync'; marker: number }
  | { id: number; cmd: 'truth' }
  | { id: number; cmd: 'counters' }
  | { id: number; cmd: 'fault'; kind: FaultKind }
  | { id: number; cmd: 'refuse-logins'; seconds: number }
  | { id: number; cmd: 'malformed'; kind: MalformedKind; size?: number }
  | { id: number; cmd: 'restart'; downMs: number }
  | { id: number; cmd: 'memory' }
  | { id: number; cmd: 'stop' };

let emu: Emulator | undefined;

function need(): Emulator {
  if (emu === undefined) throw new Error('emulator not started');
  return emu;
}

/** Calls `send(i)` for i = 0… at `rate` per second for `seconds`, in slices of `sliceMs`. */
function paced(rate: number, seconds: number, sliceMs: number, send: (i: number) => void): Promise<{ sent: number; ms: number }> {
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const step = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; sent < due; sent++) send(sent);
      if (sent >= total) resolve({ sent, ms: performance.now() - t0 });
      else setTimeout(step, sliceMs);
    };
    step();
  });
}

function pace(rate: number, seconds: number): Promise<{ sent: number; ms: number }> {
  const e = need();
  return paced(rate, seconds, 5, (i) => {
    e.sendAcd(burstEvent(i)); // the emulator's own burst rotation, paced
  });
}

// ---- the bench's realistic frames (bench/frames.ts), sent verbatim ------------------------------------------

let frames: Buffer[] = [];

/** Sends the first n frames (cycling) as fast as the event loop allows, yielding every 256 frames. */
function framesBurst(n: number): Promise<{ sent: number; ms: number }> {
  const e = need();
  const t0 = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const step = (): void => {
      const end = Math.min(n, sent + 256);
      for (; sent < end; sent++) e.sendRaw(frames[sent % frames.length] ?? '');
      if (sent >= n) resolve({ sent, ms: performance.now() - t0 });
      else setImmediate(step);
    };
    step();
  });
}

/** The frames at a fixed rate, in 5 ms slices. */
function framesPace(rate: number, seconds: number): Promise<{ sent: number; ms: number }> {
  const e = need();
  return paced(rate, seconds, 2, (i) => {
    e.sendRaw(frames[i % frames.length] ?? '');
  });
}

// ---- the centre, with a freezable clock ------------------------------------------------------------------

interface CentreRun {
  readonly model: CentreModel;
  readonly speed: number;
  /** Simulated seconds reached when the clock last stopped or started. */
  base: number;
  /** performance.now() when the clock last resumed; undefined while frozen. */
  resumedAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
  /** ACD events sent by the centre (markers excluded). */
  sent: number;
  /** Events generated while no ACD socket was open (must stay 0 in the soak: the clock is frozen around faults). */
  sentWithoutSocket: number;
  markers: number;
}

let centre: CentreRun | undefined;

function simNow(c: CentreRun): number {
  return c.resumedAt === undefined ? c.base : c.base + ((performance.now() - c.resumedAt) / 1000) * c.speed;
}

function pump(c: CentreRun): void {
  const e = need();
  const events = c.model.advance(Math.floor(simNow(c)));
  if (events.length === 0) return;
  const before = e.counters().framesSent;
  for (const ev of events) e.sendAcd(ev.acd);
  c.sent += events.length;
  if (e.counters().framesSent === before) c.sentWithoutSocket += events.length;
}

function tick(c: CentreRun): void {
  c.timer = undefined;
  if (c.resumedAt === undefined) return;
  pump(c);
  const waitMs = ((c.model.nextTime() - simNow(c)) / c.speed) * 1000;
  c.timer = setTimeout(() => { tick(c); }, Math.min(50, Math.max(1, waitMs)));
}

function freeze(c: CentreRun): void {
  if (c.resumedAt === undefined) return;
  pump(c);
  c.base = simNow(c);
  c.resumedAt = undefined;
  if (c.timer) clearTimeout(c.timer);
  c.timer = undefined;
}

function resume(c: CentreRun): void {
  if (c.resumedAt !== undefined) return;
  c.resumedAt = performance.now();
  tick(c);
}

function truth(): unknown {
  const c = centre;
  if (c === undefined) return undefined;
  const t = c.model.groundTruth(simNow(c), c.resumedAt !== undefined);
  return {
    simSeconds: t.simSeconds,
    offered: t.offered,
    answered: t.answered,
    abandoned: t.abandoned,
    outbound: t.outbound,
    stationsInService: t.stationsInService,
    agentsLoggedIn: t.agentsLoggedIn,
    callsInQueue: t.callsInQueue,
    sent: c.sent,
    sentWithoutSocket: c.sentWithoutSocket,
    markers: c.markers,
  };
}

async function handle(req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'start': {
      emu = await startEmulator({ ...req.options, port: 0 });
      return { port: emu.port, host: emu.host, fingerprint256: emu.fingerprint256, certificatePem: emu.certificatePem, baseUrl: emu.baseUrl };
    }
    case 'burst': return need().burst(req.n);
    case 'pace': return pace(req.rate, req.seconds);
    case 'frames-load': frames = buildFrameTexts(req.n).map((t) => Buffer.from(t, 'utf8')); return { frames: frames.length };
    case 'frames-burst': return framesBurst(req.n);
    case 'frames-pace': return framesPace(req.rate, req.seconds);
    case 'centre-start': {
      const model = new CentreModel(req.options, Date.now());
      centre = { model, speed: model.options.speed, base: 0, resumedAt: undefined, timer: undefined, sent: 0, sentWithoutSocket: 0, markers: 0 };
      resume(centre);
      return model.options;
    }
    case 'freeze': if (centre) freeze(centre); return truth();
    case 'resume': if (centre) resume(centre); return truth();
    case 'sync': {
      const c = centre;
      if (c) pump(c);
      need().sendAcd({ code: MARKER_CODE, eventString: 'SOAK MARKER', data1: String(req.marker), data2: '' });
      if (c) c.markers++;
      return truth();
    }
    case 'truth': if (centre) pump(centre); return truth();
    case 'counters': return need().counters();
    case 'fault': {
      const f = need().faults;
      switch (req.kind) {
        case 'drop': f.dropSockets(); break;
        case 'half-open-on': f.halfOpen(true); break;
        case 'half-open-off': f.halfOpen(false); break;
        case 'expire': f.expireSessions(); break;
        case 'already-login-on': f.alreadyLogin(true); break;
        case 'already-login-off': f.alreadyLogin(false); break;
      }
      return need().counters();
    }
    case 'refuse-logins': need().faults.refuseLogins(req.seconds); return need().counters();
    case 'malformed': need().faults.sendMalformed(req.kind, req.size); return need().counters();
    case 'restart': await need().restart({ downMs: req.downMs }); return need().counters();
    case 'memory': return process.memoryUsage();
    case 'stop': {
      if (centre) freeze(centre);
      await emu?.stop();
      emu = undefined;
      setImmediate(() => { process.disconnect(); });
      return {};
    }
  }
}

process.on('message', (msg: Request) => {
  handle(msg).then(
    (result) => { process.send?.({ id: msg.id, ok: true, result }); },
    (e: unknown) => { process.send?.({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) }); },
  );
});
process.on('disconnect', () => {
  void emu?.stop().finally(() => process.exit(0));
  if (emu === undefined) process.exit(0);
});
process.send?.({ id: 0, ok: true, result: 'ready' });
