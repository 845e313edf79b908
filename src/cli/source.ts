// What the live commands (demo, watch, serve, record) share: the built-in emulator with a client configuration
// pinned to its certificate, the `--config FILE | --demo` source options, connecting with every configuration
// warning on stderr, option checks, and `--duration` / Ctrl-C handling.

import type { Observable, Subscription } from 'rxjs';
import { connect, type ConnectDeps, type ConnectInput, type IpecsClient } from '../client.js';
import type { ConfigInput } from '../config/config.js';
import { loadConfig } from '../config/load.js';
import { startEmulator, type CentreOptions, type Emulator } from '../emulator/index.js';
import type { CliIo } from './io.js';
import { usageError } from './command.js';
import { printWarnings } from './exit.js';

/** The demo centre's seed and speed (the rest is fixed: see {@link demoCentre}). */
export interface DemoCentre {
  readonly seed: number;
  readonly speed: number;
}

/**
 * The simulated centre of every demo: 8 agents on 2 groups answering a busy hour (150 calls an hour, 3 min talk,
 * 30 s wrap-up: about 85 % occupancy, so queues form and some callers give up). The client measures every
 * duration in real time, so at speed X a wait is X times shorter than simulated; the caller patience is scaled
 * up by the speed so that waits and abandons on screen look like a real centre's (most answered within 20 s,
 * a few abandons, few of them short), whatever the speed.
 */
export function demoCentre({ seed, speed }: DemoCentre): CentreOptions {
  return { seed, speed, agents: 8, groups: 2, arrivalPerHour: 150, handleSeconds: 180, wrapSeconds: 30, patienceSeconds: 45 * speed };
}

/** Starts the built-in emulator (any free port) with the demo centre; the client configuration is pinned to its certificate. */
export async function startDemo(centre: DemoCentre): Promise<{ readonly emulator: Emulator; readonly input: ConfigInput; readonly describe: string }> {
  const emulator = await startEmulator({ port: 0, centre: demoCentre(centre) });
  const input: ConfigInput = { ...emulator.clientConfig(), log: { file: null, console: false } };
  const c = demoCentre(centre);
  const describe = `simulated centre at ${centre.speed}× speed (seed ${centre.seed}): ${c.agents ?? 8} agents, ${c.arrivalPerHour ?? 0} calls per simulated hour; figures in real seconds`;
  return { emulator, input, describe };
}

/**
 * Loads the configuration (a bad one throws `ConfigError` with every problem), prints its warnings on stderr
 * (unknown or misspelt keys, a password file others can read, tls.insecure), then connects.
 */
export function connectLoud(command: string, input: ConnectInput, io: CliIo, deps: ConnectDeps = {}): IpecsClient {
  printWarnings(io, command, loadConfig(input, deps.env ?? process.env).warnings);
  return connect(input, deps);
}

/** Where the live feed comes from: a configuration file, or a started emulator. */
export interface LiveSource {
  /** `{ configFile }` for `--config`, the pinned emulator configuration for `--demo`. */
  readonly input: ConnectInput;
  readonly emulator: Emulator | undefined;
  /** Names the source without any credential. */
  readonly label: string;
}

/** The source options shared by `serve` and `record`. */
export const SOURCE_OPTIONS = {
  config: { type: 'string', arg: 'FILE', help: "a PBX's configuration file" },
  demo: { type: 'boolean', default: false, help: 'the built-in emulator with a simulated centre instead of a PBX' },
  seed: { type: 'string', default: '1', arg: 'N', help: 'with --demo: seed of the simulated centre' },
  speed: { type: 'string', default: '4', arg: 'X', help: 'with --demo: simulated seconds per real second' },
  duration: { type: 'string', arg: 'S', help: 'stop after S seconds (default: run until Ctrl-C)' },
} as const;

/** A number option ≥ `min`; a usage error (printed) gives `undefined`. */
export function numberOption(io: CliIo, command: string, flag: string, value: string, min: number): number | undefined {
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n) && n >= min) return n;
  usageError(io, command, `${flag} must be a number ≥ ${min}, not '${value}'`);
  return undefined;
}

/** `--duration S` in ms (`undefined`: until stopped); a usage error (printed) gives `null`. */
export function durationOption(io: CliIo, command: string, value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const s = Number(value);
  if (s > 0) return s * 1000;
  usageError(io, command, `--duration must be a number of seconds > 0, not '${value}'`);
  return null;
}

/** Starts the emulator for `--demo`, or names the config file; `undefined` after a usage error (printed). */
export async function openSource(command: string, values: { config?: string | undefined; demo: boolean; seed: string; speed: string }, io: CliIo): Promise<LiveSource | undefined> {
  if (values.demo) {
    const seed = numberOption(io, command, '--seed', values.seed, 0);
    const speed = numberOption(io, command, '--speed', values.speed, 0.01);
    if (seed === undefined || speed === undefined) return undefined;
    const { emulator, input, describe } = await startDemo({ seed, speed });
    io.err(`ipecs-rx ${command}: emulator listening on ${emulator.baseUrl}; ${describe}`);
    return { input, emulator, label: `demo (seed ${seed}, speed ${speed})` };
  }
  if (values.config === undefined) {
    usageError(io, command, 'needs --config FILE or --demo');
    return undefined;
  }
  return { input: { configFile: values.config }, emulator: undefined, label: `config ${values.config}` };
}

/** Resolves when the user stops the command (Ctrl-C) or after `durationMs`. */
export function untilStopped(io: CliIo, durationMs: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    io.onStop(resolve);
    if (durationMs !== undefined) setTimeout(resolve, durationMs).unref();
  });
}

/** How a long-running command ended: stopped by the user (or `--duration`), or by a fatal error. */
export type Outcome = { readonly kind: 'stopped' } | { readonly kind: 'fatal'; readonly error: unknown };

/**
 * Waits for Ctrl-C / SIGTERM / `durationMs`, or for `failure$` to error (the library's fatal signal: the error of
 * `client.frames$` or `summary$`), whichever comes first. A completion of `failure$` is not a failure.
 */
export async function untilStoppedOrFailed(io: CliIo, durationMs: number | undefined, failure$: Observable<unknown>): Promise<Outcome> {
  let sub: Subscription | undefined;
  const failed = new Promise<Outcome>((resolve) => {
    sub = failure$.subscribe({ error: (error: unknown) => { resolve({ kind: 'fatal', error }); } });
  });
  try {
    return await Promise.race([untilStopped(io, durationMs).then((): Outcome => ({ kind: 'stopped' })), failed]);
  } finally {
    sub?.unsubscribe();
  }
}
