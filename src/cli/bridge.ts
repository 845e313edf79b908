// `ipecs-rx bridge`: one (or more) PBX connections published to NATS JetStream. The CLI only reads the sites,
// wires connectMany() to startBridge() and prints counters. A process an operator can supervise: a fatal PBX error
// of every site (bad credentials, untrusted certificate, pin mismatch, login budget spent) ends it with one stderr
// line naming each site's reason and exit code 1; each site's health is in the stats lines and in the summary
// bucket's `health.<site>` key.
//
//   ipecs-rx bridge --config leeds.conf --site leeds --nats nats://nats.example:4222
//   ipecs-rx bridge --config sites.json --nats nats://…        (sites.json: {"sites":[{"id":"leeds","configFile":"leeds.conf"},…]})

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asyncScheduler } from 'rxjs';
import type { ConnectInput } from '../client.js';
import { createLogger } from '../logging/winston-logger.js';
import { defaultSpoolDir } from '../config/state-dir.js';
import { connectMany, siteIdProblems, type MultiSiteClient } from '../multi/connect-many.js';
import type { SiteInput } from '../multi/types.js';
import { startBridge } from '../bridge/bridge.js';
import { kvCheckpointStores, readKvCheckpoints } from '../bridge/kv-checkpoint.js';
import { DEFAULT_BUCKET } from '../bridge/subjects.js';
import { natsUrlProblems, shown, splitNatsUrls } from '../bridge/nats-url.js';
import { fatalErrors, fatalLine, type SiteFatal } from '../bridge/site-health.js';
import type { CliIo } from './io.js';
import { EXIT, exitCodeOfCode } from './exit.js';
import { untilStopped } from './source.js';

/** Usage of the command (for the main usage text and `ipecs-rx bridge --help`): every option of {@link BRIDGE_OPTIONS}. */
export const BRIDGE_USAGE = `  bridge    publish one PBX's (or several) events, gaps and summaries to NATS JetStream
              --config FILE   an ipecs.conf (with --site ID), or a sites file {"sites":[{"id","configFile"|"config"}]} (required)
              --nats URL[,URL]   nats://HOST:PORT (tls://…); a cluster: every seed URL, comma-separated (required)
              --site ID       the site id of a single ipecs.conf (1-64 letters, digits, - or _)
              --spool DIR     unacknowledged messages survive a restart (default: spool in the per-user state folder; "none" = memory only)
              --max-buffered N   most messages waiting per site while NATS is unreachable (100000)
              --stream NAME   the JetStream stream (IPECS)    --bucket NAME   the KV bucket (ipecs-summary)
              --replicas N    replicas of the stream and bucket when the bridge creates them (1; 3 on a cluster)
              --stats-ms N    print the counters and each site's health as a JSON line every N ms
              --duration S    stop after S seconds
              --help          this text
            exit: 0 when stopped (Ctrl-C, SIGTERM, --duration); when every site stopped on a fatal PBX error, the
                  code of its kind (77 refused, 78 certificate/configuration, 69 unavailable) or 1 if they differ
            (one stderr line with each site's reason); 2 for a usage error`;

/** The options of `ipecs-rx bridge` (each one is in {@link BRIDGE_USAGE}). */
export const BRIDGE_OPTIONS = {
  config: { type: 'string' },
  nats: { type: 'string' },
  site: { type: 'string' },
  spool: { type: 'string' },
  'max-buffered': { type: 'string', default: '100000' },
  stream: { type: 'string' },
  bucket: { type: 'string' },
  replicas: { type: 'string' },
  'stats-ms': { type: 'string' },
  duration: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The stderr line of a bridge whose every site stopped on a fatal error. */
export function allFatalLine(fatal: readonly SiteFatal[]): string {
  if (fatal.length === 1 && fatal[0] !== undefined) return `bridge: site ${fatalLine(fatal[0])}`;
  return `bridge: every site stopped on a fatal error: ${fatal.map(fatalLine).join('; ')}`;
}

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
    ({ values } = parseArgs({ args: [...args], options: BRIDGE_OPTIONS, strict: true }));
  } catch (err: unknown) {
    io.err(`bridge: ${err instanceof Error ? err.message : String(err)}\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(BRIDGE_USAGE);
    return 0;
  }
  if (values.config === undefined || values.nats === undefined) {
    io.err(`bridge: needs --config FILE and --nats URL\n\n${BRIDGE_USAGE}`);
    return 2;
  }
  const servers = splitNatsUrls(values.nats);
  const urlProblems = natsUrlProblems(servers);
  if (urlProblems.length > 0) {
    io.err(`bridge: --nats ${urlProblems.join('; ')}`);
    return 2;
  }
  const maxBuffered = Number(values['max-buffered']);
  const replicas = values.replicas === undefined ? undefined : Number(values.replicas);
  const statsMs = values['stats-ms'] === undefined ? undefined : Number(values['stats-ms']);
  const durationMs = values.duration === undefined ? undefined : Number(values.duration) * 1000;
  if (!Number.isInteger(maxBuffered) || maxBuffered < 1 || (replicas !== undefined && !(Number.isInteger(replicas) && replicas >= 1 && replicas <= 5)) || (statsMs !== undefined && !(statsMs > 0)) || (durationMs !== undefined && !(durationMs > 0))) {
    io.err('bridge: --max-buffered must be an integer ≥ 1, --replicas an integer 1-5, --stats-ms and --duration numbers > 0');
    return 2;
  }
  const sites = readSites(values.config, values.site);
  if (typeof sites === 'string') {
    io.err(`bridge: ${sites}`);
    return 2;
  }
  const spoolDir = values.spool === 'none' ? undefined : (values.spool ?? defaultSpoolDir());
  const logger = createLogger({ label: 'bridge', level: 'info', file: null, console: true, maxSize: 10_000_000, maxFiles: 1 });
  // Each site's checkpoint is read from the bucket before it connects, so its figures go on from it.
  const bucket = values.bucket ?? DEFAULT_BUCKET;
  const checkpoints = kvCheckpointStores(bucket, await readKvCheckpoints({ servers, bucket, siteIds: sites.map((s) => s.id), timeoutMs: 5000, logger: logger.child({ component: 'bridge' }) }));
  let many: MultiSiteClient;
  try {
    many = connectMany(sites, { logger, env: process.env, checkpointOf: checkpoints.storeOf });
  } catch (err: unknown) {
    // A bad site configuration (the error names the file and key).
    io.err(`bridge: ${err instanceof Error ? err.message : String(err)}`);
    await logger.close();
    return 1;
  }
  const bridge = startBridge({
    source: many,
    fatal$: fatalErrors(many.clients, asyncScheduler),
    keep$: checkpoints.keep$,
    servers,
    maxBuffered,
    logger: logger.child({ component: 'bridge' }),
    ...(spoolDir === undefined ? {} : { spoolDir }),
    ...(values.stream === undefined ? {} : { stream: values.stream }),
    ...(values.bucket === undefined ? {} : { bucket: values.bucket }),
    ...(replicas === undefined ? {} : { replicas }),
  });
  io.err(`bridge: ${String(sites.length)} site(s) (${many.siteIds.join(', ')}) → ${servers.map(shown).join(',')}${spoolDir === undefined ? '' : `, spool ${spoolDir}`}`);
  const statsLine = (): string => JSON.stringify({ bridge: bridge.stats(), pbx: many.stats() });
  const ticker = statsMs === undefined ? undefined : setInterval(() => {
    io.out(statsLine());
  }, statsMs);
  let fatal: readonly SiteFatal[] | undefined;
  try {
    fatal = await Promise.race([untilStopped(io, durationMs).then(() => undefined), bridge.allSitesFatal]);
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    await many.close();
    // Every site fatal: what is pending (their last states) goes out if NATS is there, without waiting long.
    await bridge.close(fatal === undefined ? 5000 : 1000);
    io.out(statsLine());
    await logger.close();
  }
  if (fatal !== undefined) {
    io.err(allFatalLine(fatal));
    // The same exit codes as every command when the sites agree on the kind of failure (77 refused, 78
    // configuration, 69 unavailable), else 1.
    const codes = new Set(fatal.map((f) => exitCodeOfCode(f.code)));
    const [only] = codes;
    return codes.size === 1 && only !== undefined ? only : EXIT.failed;
  }
  return 0;
}
