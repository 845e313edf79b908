// `ipecs-rx serve`: the wallboard, /summary, /health and /metrics over a live client (a PBX from --config, or the
// built-in emulator with --demo). The CLI only wires connect() to createWallboardServer().

import { readFileSync } from 'node:fs';
import { NEVER, type Observable } from 'rxjs';
import type { IpecsClient } from '../client.js';
import { createWallboardServer } from '../serve/server.js';
import { fromJetStream } from '../bridge/consumer.js';
import { natsSourceOptions } from '../bridge/serve-source.js';
import { wallboardFeed, type WallboardFeed } from '../multi/wallboard-source.js';
import { DEFAULT_SERVE_SETTINGS, decodeServeSettings, type ServeSettings } from '../serve/settings.js';
import type { CliIo } from './io.js';
import { parseCommand, usageError, type CommandSpec } from './command.js';
import { EXIT, reportFatal } from './exit.js';
import { SOURCE_OPTIONS, connectLoud, durationOption, openSource, untilStoppedOrFailed, type Outcome } from './source.js';

/** `serve`'s options and help. */
export const SERVE_COMMAND = {
  name: 'serve',
  summary: 'the wallboard, /summary, /health and /metrics (Prometheus)',
  description: 'Serves the wallboard (GET /), /events (Server-Sent Events), /summary, /health and /metrics (Prometheus) over a live feed: a PBX (--config), the built-in emulator (--demo) or bridges over NATS (--source).',
  options: {
    ...SOURCE_OPTIONS,
    source: { type: 'string', arg: 'nats://HOST:PORT', help: 'read the feed from NATS JetStream (bridges elsewhere) instead of a PBX; needs --sites' },
    sites: { type: 'string', arg: 'ID[,ID]', help: 'with --source: the sites to show (combined)' },
    durable: { type: 'string', default: 'wallboard', arg: 'NAME', help: 'with --source: the durable consumer name' },
    port: { type: 'string', default: '8080', arg: 'N', help: 'port to listen on; 0 = any free port' },
    host: { type: 'string', default: '127.0.0.1', arg: 'H', help: 'address to listen on; 0.0.0.0 for a TV elsewhere on the network' },
    wallboard: { type: 'string', arg: 'FILE', help: "wallboard settings JSON (title, thresholds, agent names); default: the config file's \"serve\" key" },
    record: { type: 'string', arg: 'FILE.ndjson', help: "record every frame to this journal (journal.file); a restart replays the current period's journal first (a warm start)" },
  },
  notes: ['A fatal error of the PBX connection (credentials, certificate, configuration) stops serve with one line on stderr and its exit code; while the PBX is only unreachable it keeps serving, and the page, /health and /metrics say so.'],
} as const satisfies CommandSpec;

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

/** `ipecs-rx serve …` (see {@link SERVE_COMMAND}). Takes the raw arguments after the command name; returns the exit code. */
export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(SERVE_COMMAND, args, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { values } = parsed;
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError(io, 'serve', `--port must be an integer 0-65535, not '${values.port}'`);
  const durationMs = durationOption(io, 'serve', values.duration);
  if (durationMs === null) return EXIT.usage;
  const settings = loadServeSettings(values.wallboard, values.config);
  if (typeof settings === 'string') {
    io.err(`ipecs-rx serve: stopped: ${settings}`);
    return EXIT.config;
  }
  // The feed: from NATS JetStream (bridges elsewhere), or a client of its own (a PBX or the demo emulator).
  let feed: { readonly parts: WallboardFeed & { readonly serviceLevelSeconds?: number }; readonly label: string; readonly failure$: Observable<unknown>; close(): Promise<void> };
  if (values.source !== undefined) {
    const options = natsSourceOptions(values.source, values.sites, values.durable);
    if (typeof options === 'string') return usageError(io, 'serve', options);
    const streams = fromJetStream(options);
    feed = { parts: wallboardFeed(streams), label: `${values.source} (sites ${options.sites.join(', ')})`, failure$: NEVER, close: () => streams.close() };
  } else {
    const source = await openSource('serve', values, io);
    if (source === undefined) return EXIT.usage;
    let client: IpecsClient;
    try {
      client = connectLoud('serve', source.input, io, { logId: 'serve', ...(source.emulator ? { env: {} } : {}), ...(values.record === undefined ? {} : { journalFile: values.record }) });
    } catch (err: unknown) {
      await source.emulator?.stop();
      return reportFatal(io, 'serve', err);
    }
    feed = {
      // Any frame proves the feed alive, whether it decoded, was filtered or was malformed.
      parts: { summary$: client.summary$, connection$: client.connection$, activity$: client.frames$, stats: () => client.stats(), serviceLevelSeconds: client.config.metrics.serviceLevelSeconds },
      label: source.label,
      failure$: client.frames$,
      close: async () => {
        await client.close();
        await source.emulator?.stop();
      },
    };
  }
  let outcome: Outcome;
  try {
    const server = createWallboardServer({ ...feed.parts, ...settings });
    try {
      const addr = await server.listen(port, values.host);
      // Ctrl-C is handled before the address is printed: whoever waits for that line may stop us at once.
      const ended = untilStoppedOrFailed(io, durationMs, feed.failure$);
      io.out(`wallboard: ${addr.url}/  (also /summary /health /metrics; source: ${feed.label})`);
      outcome = await ended;
    } finally {
      await server.close();
    }
  } catch (err: unknown) {
    // The port is taken, or the address is not ours.
    outcome = { kind: 'fatal', error: err };
  } finally {
    await feed.close();
  }
  if (outcome.kind === 'fatal') return reportFatal(io, 'serve', outcome.error);
  io.err('ipecs-rx serve: stopped');
  return EXIT.ok;
}
