// connectMany(): one connect() per site in this process, their streams merged and tagged with the site id, and
// the combined summary. One PBX per site; the sites share nothing but the logger and the scheduler.

import { EMPTY, asyncScheduler, catchError, map, merge, of, type Observable } from 'rxjs';
import type { ConnectionState } from '../socket/types.js';
import type { CheckpointStore } from '../state/store.js';
import { connect, type ConnectDeps, type ConnectInput, type IpecsClient } from '../client.js';
import { assembleMultiSite } from './assemble.js';
import { withSite } from './combine.js';
import type { MultiSiteStats, MultiSiteStreams, SiteConnectionState, SiteEvent, SiteInput, SiteStats, SiteSummary } from './types.js';

/** A site id is used as a NATS subject token and a KV key: letters, digits, `-` and `_`, 1-64 characters. */
export const SITE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Checks the site ids: each valid and unique. Returns the problems (empty when fine). */
export function siteIdProblems(ids: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (!SITE_ID_PATTERN.test(id)) problems.push(`site id '${id}' must be 1-64 letters, digits, '-' or '_'`);
    if (seen.has(id)) problems.push(`site id '${id}' is used twice`);
    seen.add(id);
  }
  if (ids.length === 0) problems.push('no site');
  return problems;
}

/** Many live PBX connections: the multi-site streams plus each site's own client. */
export interface MultiSiteClient extends MultiSiteStreams {
  /** The client of each site, by id (its unmerged streams, `config`, `stats()`). */
  readonly clients: ReadonlyMap<string, IpecsClient>;
}

/** Options of {@link connectMany}: the deps of `connect()`, shared by every site (the logger gets a `site` child). */
export type ConnectManyDeps = Omit<ConnectDeps, 'checkpoint'> & {
  /** Each site's checkpoint store (the bridge's KV bucket), instead of its `state.file`. */
  readonly checkpointOf?: (siteId: string) => CheckpointStore | undefined;
};

/**
 * Connects to every site's PBX and merges their streams, each value tagged with its `siteId`.
 *
 * @example
 * ```ts
 * const many = connectMany([{ id: 'leeds', config: { configFile: 'leeds.conf' } }, { id: 'york', config: { configFile: 'york.conf' } }]);
 * many.summaries$.subscribe(({ sites, combined }) => board.show(combined.serviceLevel, sites['york']?.callsInQueue));
 * ```
 * @throws Error naming every bad site id; ConfigError for a bad site configuration (sites already started are closed).
 */
export function connectMany(sites: readonly SiteInput<ConnectInput>[], deps: ConnectManyDeps = {}): MultiSiteClient {
  const problems = siteIdProblems(sites.map((s) => s.id));
  if (problems.length > 0) throw new Error(`connectMany: ${problems.join('; ')}`);
  const clients = new Map<string, IpecsClient>();
  try {
    const { checkpointOf, ...shared } = deps;
    for (const site of sites) {
      const checkpoint = checkpointOf?.(site.id);
      clients.set(site.id, connect(site.config, { ...shared, ...(deps.logger ? { logger: deps.logger.child({ site: site.id }) } : {}), ...(checkpoint ? { checkpoint } : {}), logId: deps.logId ?? `ipecs-rx:${site.id}` }));
    }
  } catch (err: unknown) {
    for (const c of clients.values()) void c.close();
    throw err;
  }
  const siteIds = sites.map((s) => s.id);

  // A site that stops on a fatal error (e.g. its login budget is spent) ends its own streams (after `last`, if
  // given) and leaves the other sites running.
  const fatal = new Map<string, string>();
  const stopSite = (id: string, err: unknown): void => {
    const detail = err instanceof Error ? err.message : String(err);
    if (!fatal.has(id)) deps.logger?.error('site stopped on a fatal error', { site: id, error: detail });
    fatal.set(id, detail);
  };
  /** One stream of every site, merged, each value tagged with its site id. */
  const each = <T extends object>(pick: (c: IpecsClient) => Observable<T>, last?: (err: unknown) => T): Observable<T & { readonly siteId: string }> =>
    merge(
      ...[...clients].map(([id, c]) =>
        pick(c).pipe(
          catchError((err: unknown) => {
            stopSite(id, err);
            return last === undefined ? EMPTY : of(last(err));
          }),
          map((v) => withSite(id, v)),
        ),
      ),
    );
  const events$: Observable<SiteEvent> = each((c) => c.events$);
  // The fatal error of a site is its last state: `closed`, naming the error.
  const connection$: Observable<SiteConnectionState> = each(
    (c) => c.connection$,
    (err): ConnectionState => ({
      kind: 'closed',
      at: (deps.scheduler ?? asyncScheduler).now(),
      reason: 'login-failed',
      detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    }),
  );
  const siteSummary$: Observable<SiteSummary> = each((c) => c.summary$);
  const sitePeriod$: Observable<SiteSummary> = each((c) => c.periods$);
  const streams = assembleMultiSite(siteIds, {
    events$,
    connection$,
    siteSummary$,
    sitePeriod$,
    stats: (): MultiSiteStats => {
      const out: Record<string, SiteStats> = {};
      for (const [id, c] of clients) {
        const s = c.stats();
        out[id] = { delivered: s.delivered, gaps: s.gaps, duplicates: 0, received: s.received, filtered: s.filtered, malformed: s.malformed, reconnects: s.reconnects };
      }
      return { sites: out };
    },
    stop: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  });
  return { ...streams, clients };
}
