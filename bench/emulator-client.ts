// The parent side of bench/emulator-process.ts: forks the emulator into its own process and sends it requests.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CentreOptions, EmulatorCounters, EmulatorOptions, GroundTruth, MalformedKind } from '../src/emulator/index.js';

const CHILD = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));

/**
 * The in-band marker's event code: not in the ACD catalogue, so the client decodes it as UNKNOWN and no figure moves.
 * Kept here, not in the child's module: importing that one would install its IPC handlers in the importer.
 */
export const MARKER_CODE = 250;

/** What the child answers to `start`. */
export interface EmulatorAddress {
  readonly host: string;
  readonly port: number;
  readonly fingerprint256: string;
  readonly certificatePem: string;
  readonly baseUrl: string;
}

/** The centre's ground truth and send counters, as the child reports them. */
export interface CentreTruth
  extends Pick<GroundTruth, 'simSeconds' | 'offered' | 'answered' | 'abandoned' | 'outbound' | 'stationsInService' | 'agentsLoggedIn' | 'callsInQueue'> {
  /** ACD events the centre sent (markers excluded). */
  readonly sent: number;
  /** Centre events sent while no socket was open (lost by construction). */
  readonly sentWithoutSocket: number;
  readonly markers: number;
}

/** Fault kinds of the `fault` request. */
export type FaultKind = 'drop' | 'half-open-on' | 'half-open-off' | 'expire' | 'already-login-on' | 'already-login-off';

interface Reply { id: number; ok: boolean; result?: unknown; error?: string }

/** An emulator running in a child process. */
export class EmulatorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  address: EmulatorAddress | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'emulator request failed'));
    });
    child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('emulator process exited'));
      this.pending.clear();
    });
  }

  /** Forks the child and starts an emulator in it (always on a free port). */
  static async start(options: EmulatorOptions = {}): Promise<EmulatorProcess> {
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => { resolve(); });
      child.once('error', reject);
      child.once('exit', (code) => { reject(new Error(`emulator process exited with ${String(code)}`)); });
    });
    const p = new EmulatorProcess(child);
    p.address = await p.request<EmulatorAddress>({ cmd: 'start', options });
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<T>(req: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (v) => { resolve(v as T); }, reject });
      this.child.send({ ...req, id });
    });
  }

  burst(n: number): Promise<{ sent: number; ms: number }> { return this.request({ cmd: 'burst', n }); }
  pace(rate: number, seconds: number): Promise<{ sent: number; ms: number }> { return this.request({ cmd: 'pace', rate, seconds }); }
  /** Builds the bench's realistic frames (bench/frames.ts) in the child. */
  framesLoad(n: number): Promise<{ frames: number }> { return this.request({ cmd: 'frames-load', n }); }
  /** Sends n of them (cycling) as fast as the child's event loop allows. */
  framesBurst(n: number): Promise<{ sent: number; ms: number }> { return this.request({ cmd: 'frames-burst', n }); }
  /** Sends them at `rate` per second for `seconds`. */
  framesPace(rate: number, seconds: number): Promise<{ sent: number; ms: number }> { return this.request({ cmd: 'frames-pace', rate, seconds }); }
  centreStart(options: CentreOptions): Promise<unknown> { return this.request({ cmd: 'centre-start', options }); }
  freeze(): Promise<CentreTruth> { return this.request({ cmd: 'freeze' }); }
  resume(): Promise<CentreTruth> { return this.request({ cmd: 'resume' }); }
  sync(marker: number): Promise<CentreTruth> { return this.request({ cmd: 'sync', marker }); }
  truth(): Promise<CentreTruth> { return this.request({ cmd: 'truth' }); }
  counters(): Promise<EmulatorCounters> { return this.request({ cmd: 'counters' }); }
  fault(kind: FaultKind): Promise<EmulatorCounters> { return this.request({ cmd: 'fault', kind }); }
  refuseLogins(seconds: number): Promise<EmulatorCounters> { return this.request({ cmd: 'refuse-logins', seconds }); }
  malformed(kind: MalformedKind, size?: number): Promise<EmulatorCounters> { return this.request({ cmd: 'malformed', kind, ...(size === undefined ? {} : { size }) }); }
  restart(downMs: number): Promise<EmulatorCounters> { return this.request({ cmd: 'restart', downMs }); }
  memory(): Promise<NodeJS.MemoryUsage> { return this.request({ cmd: 'memory' }); }

  /** Kills the process at once (synchronous: for an exit handler). */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Stops the emulator and waits for the process to exit (kills it after 5 s). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => { this.child.once('exit', () => { resolve(); }); });
    await Promise.race([this.request({ cmd: 'stop' }).catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    const timer = setTimeout(() => { this.child.kill('SIGKILL'); }, 5000);
    await exited;
    clearTimeout(timer);
  }
}
