// `ipecs-rx bridge`: one (or more) PBX connections published to NATS JetStream. The CLI only reads the sites,
// wires connectMany() to startBridge() and prints counters.
//
//   ipecs-rx bridge --config leeds.conf --site leeds --nats nats://nats.example:4222
//   ipecs-rx bridge --config sites.json --nats nats://…        (sites.json: {"sites":[{"id":"leeds","configFile":"leeds.conf"},…]})

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConnectInput } from '../client.js';
import { createLogger } from '../logging/winston-logger.js';
import { defaultSpoolDir } from '../config/state-dir.js';
import { connectMany, siteIdProblems } from '../multi/connect-many.js';
import type { SiteInput } from '../multi/types.js';
import { startBridge } from '../bridge/bridge.js';
import type { CliIo } from './io.js';
import { untilStopped } from './source.js';

/** Usage of the command (for the main usage text). */
export const BRIDGE_USAGE = `  bridge    publish one PBX's (or several) events, gaps and summaries to NATS JetStream
              --config FILE (an ipecs.conf with --site ID, or a sites file {"sites":[{"id","configFile"|"config"}]})
              --nats URL[,URL] (required)  --site ID  --spool DIR (<config dir>/ipecs-rx-spool; "none" = memory only)
              --max-buffered N (100000 per site)  --stream NAME (IPECS)  --bucket NAME (ipecs-summary)
              --stats-ms N (print counters as JSON every N ms)  --duration S`;

/** Reads the sites: a sites file, or one ipecs.conf named by `--site`. A string is a usage error. */
export function readSites(configFile: string, site: string | undefined): SiteInput<ConnectInput>[] | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configFile, 'utf8')) as unknown;
  } catch (err: unknown) {
    return `cannot read --config ${configFile}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const base = dirname(resolve(configFile));
  if (typeof raw === 'object' && raw !== null && 'sites' in raw) {
    const list: unknown = raw.sites;
    if (!Array.isArray(list)) return `${configFile}: "sites" must be a list`;
    const sites: SiteInput<ConnectInput>[] = [];
    for (const [i, entry] of (list as unknown[]).entries()) {
      if (typeof entry !== 'object' || entry === null || !('id' in entry) || typeof entry.id !== 'string') return `${configFile}: sites[${String(i)}] needs an "id"`;
      if ('configFile' in entry && typeof entry.configFile === 'string') {
        const file = isAbsolute(entry.configFile) ? entry.configFile : join(base, entry.configFile);
        sites.push({ id: entry.id, config: { configFile: file } });
      } else if ('config' in entry && typeof entry.config === 'object' && entry.config !== null) {
        sites.push({ id: entry.id, config: entry.config });
      } else return `${configFile}: sites[${String(i)}] needs "configFile" or "config"`;
    }
    const problems = siteIdProblems(sites.map((s) => s.id));
    return problems.length > 0 ? `${configFile}: ${problems.join('; ')}` : sites;
  }
  if (site === undefined) return `${configFile} is one PBX's configuration: name its site with --site ID`;
  const problems = siteIdProblems([site]);
  return problems.length > 0 ? problems.join('; ') : [{ id: site, config: { configFile } }];
}

/**
 * `ipecs-rx bridge --config FILE --nats URL [...]`. Takes the raw arguments after the command name; returns the
 * exit code (2 for a usage error). Stops on Ctrl-C / SIGTERM (flushing up to 5 s) or after `--duration`.
 */
export async function bridgeCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        config: { type: 'string' },
        nats: { type: 'string' },
        site: { type: 'string' },
        spool: { type: 'string' },
        'max-buffered': { type: 'string', default: '100000' },
        stream: { type: 'string' },
        bucket: { type: 'string' },
        'stats-ms': { type: 'string' },
        duration: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err: unknown) {
    io.err(`bridge: ${err instanceof Error ? err.message : String(err)}\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  if (values.config === undefined || values.nats === undefined) {
    io.err(`bridge: needs --config FILE and --nats URL\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  const maxBuffered = Number(values['max-buffered']);
  const statsMs = values['stats-ms'] === undefined ? undefined : Number(values['stats-ms']);
  const durationMs = values.duration === undefined ? undefined : Number(values.duration) * 1000;
  if (!Number.isInteger(maxBuffered) || maxBuffered < 1 || (statsMs !== undefined && !(statsMs > 0)) || (durationMs !== undefined && !(durationMs > 0))) {
    io.err('bridge: --max-buffered must be an integer ≥ 1, --stats-ms and --duration numbers > 0');
    return 2;
  }
  const sites = readSites(values.config, values.site);
  if (typeof sites === 'string') {
    io.err(`bridge: ${sites}`);
    return 2;
  }
  const spoolDir = values.spool === 'none' ? undefined : (values.spool ?? defaultSpoolDir());
  const logger = createLogger({ label: 'bridge', level: 'info', file: null, console: true, maxSize: 10_000_000, maxFiles: 1 });
  const many = connectMany(sites, { logger, env: process.env });
  const bridge = startBridge({
    source: many,
    servers: values.nats.split(','),
    maxBuffered,
    logger: logger.child({ component: 'bridge' }),
    ...(spoolDir === undefined ? {} : { spoolDir }),
    ...(values.stream === undefined ? {} : { stream: values.stream }),
    ...(values.bucket === undefined ? {} : { bucket: values.bucket }),
  });
  io.err(`bridge: ${String(sites.length)} site(s) (${many.siteIds.join(', ')}) → ${values.nats}${spoolDir === undefined ? '' : `, spool ${spoolDir}`}`);
  const ticker = statsMs === undefined ? undefined : setInterval(() => {
    io.out(JSON.stringify({ bridge: bridge.stats(), pbx: many.stats() }));
  }, statsMs);
  try {
    await untilStopped(io, durationMs);
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    await many.close();
    await bridge.close(5000);
    io.out(JSON.stringify({ bridge: bridge.stats(), pbx: many.stats() }));
    await logger.close();
  }
  return 0;
}
