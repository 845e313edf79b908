// `ipecs-rx serve`: the wallboard, /summary, /health and /metrics over a live client (a PBX from --config, or the
// built-in emulator with --demo). The CLI only wires connect() to createWallboardServer().

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect, type ConnectInput } from '../client.js';
import type { ConfigInput } from '../config/config.js';
import { startEmulator, type Emulator } from '../emulator/index.js';
import { createWallboardServer } from '../serve/server.js';
import { fromJetStream } from '../bridge/consumer.js';
import { natsSourceOptions } from '../bridge/serve-source.js';
import { wallboardFeed, type WallboardFeed } from '../multi/wallboard-source.js';
import { DEFAULT_SERVE_SETTINGS, decodeServeSettings, type ServeSettings } from '../serve/settings.js';
import type { CliIo } from './io.js';

/** Usage of the three commands of this area (for the main usage text). */
export const SERVE_USAGE = `  serve     the wallboard (GET /), /events, /summary, /health and /metrics
              --config FILE | --demo [--seed N (1) --speed X (30)] | --source nats://HOST:PORT --sites ID[,ID] [--durable NAME]
              --port N (8080)  --host H (127.0.0.1)  --wallboard FILE (thresholds JSON)  --duration S`;

/** Where the live feed comes from: a configuration file, or a started emulator. */
export interface LiveSource {
  readonly input: ConnectInput;
  /** The configuration file, when there is one (its `serve` key is read raw). */
  readonly configFile: string | undefined;
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
    const emulator = await startEmulator({ port: 0, centre: { seed, speed } });
    io.err(`emulator listening on ${emulator.baseUrl} (seed ${seed}, speed ${speed})`);
    const input: ConfigInput = {
      server: { host: emulator.host, port: emulator.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: emulator.fingerprint256 },
      log: { file: null, console: false },
    };
    return { input, configFile: undefined, emulator, label: `demo (seed ${seed}, speed ${speed})` };
  }
  if (values.config === undefined) return 'needs --config FILE or --demo';
  return { input: { configFile: values.config }, configFile: values.config, emulator: undefined, label: `config ${values.config}` };
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

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** The wallboard settings: `--wallboard FILE`, else the config file's `serve` key, else the defaults. */
export function loadServeSettings(wallboardFile: string | undefined, configFile: string | undefined): ServeSettings | string {
  let raw: unknown;
  let from: string;
  if (wallboardFile !== undefined) {
    try {
      raw = readJson(wallboardFile);
    } catch (err: unknown) {
      return `cannot read --wallboard ${wallboardFile}: ${err instanceof Error ? err.message : String(err)}`;
    }
    from = wallboardFile;
  } else if (configFile !== undefined) {
    try {
      const whole = readJson(configFile);
      raw = typeof whole === 'object' && whole !== null && 'serve' in whole ? whole.serve : undefined;
    } catch {
      raw = undefined; // connect() reports an unreadable config file with its own, better message
    }
    from = `${configFile} (serve)`;
  } else {
    return DEFAULT_SERVE_SETTINGS;
  }
  if (raw === undefined) return DEFAULT_SERVE_SETTINGS;
  const r = decodeServeSettings(raw);
  return 'errors' in r ? `invalid wallboard settings in ${from}:\n  ${r.errors.join('\n  ')}` : r.settings;
}

/**
 * `ipecs-rx serve [--config FILE | --demo] [--port N] [--host H] [--wallboard FILE] [--duration S]`.
 * Takes the raw arguments after the command name; returns the exit code (2 for a usage error).
 */
export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        ...SOURCE_OPTIONS,
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        wallboard: { type: 'string' },
        source: { type: 'string' },
        sites: { type: 'string' },
        durable: { type: 'string', default: 'wallboard' },
      },
      strict: true,
    }));
  } catch (err: unknown) {
    io.err(`serve: ${err instanceof Error ? err.message : String(err)}\n\n${SERVE_USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err('serve: --port must be an integer 0-65535');
    return 2;
  }
  const durationMs = durationOf(values.duration);
  if (typeof durationMs === 'string') {
    io.err(`serve: ${durationMs}`);
    return 2;
  }
  const settings = loadServeSettings(values.wallboard, values.config);
  if (typeof settings === 'string') {
    io.err(`serve: ${settings}`);
    return 2;
  }
  // The feed: from NATS JetStream (bridges elsewhere), or a client of its own (a PBX or the demo emulator).
  let feed: { readonly parts: WallboardFeed; readonly label: string; close(): Promise<void> };
  if (values.source !== undefined) {
    const options = natsSourceOptions(values.source, values.sites, values.durable);
    if (typeof options === 'string') {
      io.err(`serve: ${options}\n\n${SERVE_USAGE}`);
      return 2;
    }
    const streams = fromJetStream(options);
    feed = { parts: wallboardFeed(streams), label: `${values.source} (sites ${options.sites.join(', ')})`, close: () => streams.close() };
  } else {
    const source = await openSource(values, io);
    if (typeof source === 'string') {
      io.err(`serve: ${source}\n\n${SERVE_USAGE}`);
      return 2;
    }
    const client = connect(source.input, { logId: 'serve', ...(source.emulator ? { env: {} } : {}) });
    feed = {
      // Any frame proves the feed alive, whether it decoded, was filtered or was malformed.
      parts: { summary$: client.summary$, connection$: client.connection$, activity$: client.frames$, stats: () => client.stats() },
      label: source.label,
      close: async () => {
        await client.close();
        await source.emulator?.stop();
      },
    };
  }
  try {
    const server = createWallboardServer({ ...feed.parts, thresholds: settings.thresholds, freshnessMs: settings.freshnessMs, title: settings.title });
    try {
      const addr = await server.listen(port, values.host);
      io.out(`wallboard: ${addr.url}/  (also /summary /health /metrics; source: ${feed.label})`);
      await untilStopped(io, durationMs);
    } finally {
      await server.close();
    }
  } finally {
    await feed.close();
  }
  return 0;
}
