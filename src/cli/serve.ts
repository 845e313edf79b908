// `ipecs-rx serve`: the wallboard, /summary, /health and /metrics over a live client (a PBX from --config, or the
// built-in emulator with --demo). The CLI only wires connect() to createWallboardServer().

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect } from '../client.js';
import { createWallboardServer } from '../serve/server.js';
import { fromJetStream } from '../bridge/consumer.js';
import { natsSourceOptions } from '../bridge/serve-source.js';
import { wallboardFeed, type WallboardFeed } from '../multi/wallboard-source.js';
import { DEFAULT_SERVE_SETTINGS, decodeServeSettings, type ServeSettings } from '../serve/settings.js';
import type { CliIo } from './io.js';
import { SOURCE_OPTIONS, durationOf, openSource, untilStopped } from './source.js';

/** Usage of `serve` (for the main usage text). */
export const SERVE_USAGE = `  serve     the wallboard (GET /), /events, /summary, /health and /metrics
              --config FILE | --demo [--seed N (1) --speed X (30)] | --source nats://HOST:PORT --sites ID[,ID] [--durable NAME]
              --port N (8080)  --host H (127.0.0.1)  --wallboard FILE (thresholds JSON)  --duration S`;

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
