// What the live commands (demo, watch, serve, record) share: the built-in emulator with a client configuration
// pinned to its certificate, the `--config FILE | --demo` source options, and `--duration` / Ctrl-C handling.

import type { ConnectInput } from '../client.js';
import type { ConfigInput } from '../config/config.js';
import { startEmulator, type CentreOptions, type Emulator } from '../emulator/index.js';
import type { CliIo } from './io.js';

/** Starts the built-in emulator (any free port) with a simulated centre; the client configuration is pinned to its certificate. */
export async function startDemo(centre: CentreOptions): Promise<{ readonly emulator: Emulator; readonly input: ConfigInput }> {
  const emulator = await startEmulator({ port: 0, centre });
  const input: ConfigInput = {
    server: { host: emulator.host, port: emulator.port, userId: 'acd', password: 'acd' },
    tls: { fingerprint256: emulator.fingerprint256 },
    log: { file: null, console: false },
  };
  return { emulator, input };
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
  config: { type: 'string' },
  demo: { type: 'boolean', default: false },
  seed: { type: 'string', default: '1' },
  speed: { type: 'string', default: '30' },
  duration: { type: 'string' },
} as const;

/** Starts the emulator for `--demo`, or names the config file; a string is a usage error. */
export async function openSource(values: { config?: string | undefined; demo: boolean; seed: string; speed: string }, io: CliIo): Promise<LiveSource | string> {
  if (values.demo) {
    const seed = Number(values.seed);
    const speed = Number(values.speed);
    if (!Number.isFinite(seed) || !(speed > 0)) return '--seed must be a number and --speed a number > 0';
    const { emulator, input } = await startDemo({ seed, speed });
    io.err(`emulator listening on ${emulator.baseUrl} (seed ${seed}, speed ${speed})`);
    return { input, emulator, label: `demo (seed ${seed}, speed ${speed})` };
  }
  if (values.config === undefined) return 'needs --config FILE or --demo';
  return { input: { configFile: values.config }, emulator: undefined, label: `config ${values.config}` };
}

/** Parses `--duration S` into ms; a string is a usage error. */
export function durationOf(value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  const s = Number(value);
  return s > 0 ? s * 1000 : '--duration must be a number of seconds > 0';
}

/** Resolves when the user stops the command (Ctrl-C) or after `durationMs`. */
export function untilStopped(io: CliIo, durationMs: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    io.onStop(resolve);
    if (durationMs !== undefined) setTimeout(resolve, durationMs).unref();
  });
}
