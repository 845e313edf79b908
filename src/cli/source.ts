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
 * The simulated centre of every demo: 8 agents on 2 groups, 90 calls an hour of 3 minutes (plus 30 s of wrap-up),
 * callers who wait a few minutes at most, agents who take breaks. On its own clock (`ipecs-rx demo` measures on
 * it: sim-clock.ts) it looks like a real centre: over seeds 1-4 for two simulated hours, service level 75-82 %
 * (answered within 20 s), abandon rate 11-14 %, under half of the abandons short (within 5 s), ASA 12-19 s.
 * A client on the real clock (`serve --demo`, `record --demo`) sees every wait `speed` times shorter.
 */
export function demoCentre({ seed, speed }: DemoCentre): CentreOptions {
  return { seed, speed, agents: 8, groups: 2, arrivalPerHour: 90, handleSeconds: 180, wrapSeconds: 30, patienceSeconds: 150 };
}

/** Starts the built-in emulator (any free port) with the demo centre; the client configuration is pinned to its certificate. */
export async function startDemo(centre: DemoCentre): Promise<{ readonly emulator: Emulator; readonly input: ConfigInput; readonly describe: string }> {
  const c = demoCentre(centre);
  const emulator = await startEmulator({ port: 0, centre: c });
  const input: ConfigInput = { ...emulator.clientConfig(), log: { file: null, console: false } };
  const describe = `simulated centre at ${centre.speed}× speed (seed ${centre.seed}): ${c.agents ?? 8} agents, ${c.arrivalPerHour ?? 0} calls an hour`;
  return { emulator, input, describe };
}

/**
 * Loads the configuration (a bad one throws `ConfigError` with every problem), prints its warnings on stderr
 * (unknown or misspelt keys, a password file others can read, tls.insecure), then connects.
 */
export function connectLoud(command: string, input: ConnectInput, io: CliIo, deps: ConnectDeps = {}): IpecsClient {
  printWarnings(io, command, loadConfig(input, deps.env ?? process.env).warnings);
  const client = connect(input, deps);
  const line = restoreLine(client);
  if (line !== undefined) io.err(`ipecs-rx ${command}: ${line}`);
  return client;
}

/** What became of the checkpoint, for stderr (nothing when there was none). */
export function restoreLine(client: Pick<IpecsClient, 'restored' | 'config'>): string | undefined {
  const o = client.restored;
  const file = client.config.state.file ?? 'the checkpoint';
  switch (o.kind) {
    case 'none':
      return undefined;
    case 'restored':
      return `figures restored from ${file} (saved ${new Date(o.savedAt).toISOString()}); the time since is a gap`;
    case 'closed':
      return `${file} is of an earlier period (saved ${new Date(o.savedAt).toISOString()}): closed as that period's summary, figures start at zero`;
    case 'ignored':
      return `${file} ignored (${o.reason}): ${o.detail}; figures start at zero`;
  }
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
  speed: { type: 'string', default: '1', arg: 'X', help: 'with --demo: simulated seconds per real second (measured on the real clock, every wait looks X times shorter)' },
  duration: { type: 'string', arg: 'S', help: 'stop after S seconds (default: run until Ctrl-C)' },
  'state-file': { type: 'string', arg: 'FILE', help: "checkpoint of the figures: restored at start when it is of the same PBX and day (the configuration's state.file)" },
} as const;

/** The input with `--state-file` over it (a file's own `state.file` otherwise). */
export function withStateFile(input: ConnectInput, stateFile: string | undefined): ConnectInput {
  if (stateFile === undefined) return input;
  if ('configFile' in input) return { ...input, overrides: { ...input.overrides, state: { ...input.overrides?.state, file: stateFile } } };
  return { ...input, state: { ...input.state, file: stateFile } };
}

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
export async function openSource(command: string, values: { config?: string | undefined; demo: boolean; seed: string; speed: string; 'state-file'?: string | undefined }, io: CliIo): Promise<LiveSource | undefined> {
  if (values.demo) {
    const seed = numberOption(io, command, '--seed', values.seed, 0);
    const speed = numberOption(io, command, '--speed', values.speed, 0.01);
    if (seed === undefined || speed === undefined) return undefined;
    const { emulator, input, describe } = await startDemo({ seed, speed });
    io.err(`ipecs-rx ${command}: emulator listening on ${emulator.baseUrl}; ${describe}`);
    return { input: withStateFile(input, values['state-file']), emulator, label: `demo (seed ${seed}, speed ${speed})` };
  }
  if (values.config === undefined) {
    usageError(io, command, 'needs --config FILE or --demo');
    return undefined;
  }
  return { input: withStateFile({ configFile: values.config }, values['state-file']), emulator: undefined, label: `config ${values.config}` };
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
