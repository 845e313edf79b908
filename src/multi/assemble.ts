// The derived streams of MultiSiteStreams (summaries$, summary$, overall$), built the same way over in-process
// clients and over JetStream.

import { EMPTY, ReplaySubject, Subject, filter, map, mergeMap, of, scan, share, takeUntil, type Observable } from 'rxjs';
import type { AcdSummary } from '../metrics/types.js';
import type { ConnectionState } from '../socket/types.js';
import { combineSummaries, overallConnection } from './combine.js';
import type { MultiSitePeriod, MultiSiteStats, MultiSiteStreams, MultiSiteSummary, SiteConnectionState, SiteEvent, SiteSummary } from './types.js';

/** The streams derived from the per-site summaries and connection states. */
export interface DerivedStreams {
  /** The latest summary of each site (keep it subscribed). */
  readonly sites$: Observable<Readonly<Record<string, SiteSummary>>>;
  readonly summaries$: Observable<MultiSiteSummary>;
  readonly summary$: Observable<AcdSummary>;
  readonly overall$: Observable<ConnectionState>;
}

/** Replays the latest value to late subscribers, for as long as the source lives (no refCount reset). */
const latest = <T>(source$: Observable<T>): Observable<T> =>
  source$.pipe(share({ connector: () => new ReplaySubject<T>(1), resetOnError: false, resetOnComplete: false, resetOnRefCountZero: false }));

/** Replays the latest value while subscribed; computed only while someone listens. */
const onDemand = <T>(source$: Observable<T>): Observable<T> => source$.pipe(share({ connector: () => new ReplaySubject<T>(1), resetOnRefCountZero: true }));

/**
 * Builds the latest-per-site summaries with their combination, and the overall connection state. The caller
 * keeps `sites$` and `overall$` running (subscribes once) so late subscribers get the latest; the combination is
 * computed only while `summaries$` or `summary$` has a subscriber (it costs a copy of every site's breakdowns).
 */
export function deriveStreams(siteIds: readonly string[], siteSummary$: Observable<SiteSummary>, connection$: Observable<SiteConnectionState>): DerivedStreams {
  const sites$ = latest(siteSummary$.pipe(scan((acc, s) => ({ ...acc, [s.siteId]: s }), {} as Readonly<Record<string, SiteSummary>>)));
  const summaries$ = onDemand(
    sites$.pipe(map((sites): MultiSiteSummary => ({ sites, combined: combineSummaries(siteIds.flatMap((id) => (sites[id] === undefined ? [] : [sites[id]]))) }))),
  );
  const overall$ = latest(
    connection$.pipe(
      filter((s) => s.kind !== 'gap'),
      scan((acc, s) => new Map(acc).set(s.siteId, s), new Map<string, SiteConnectionState>()),
      map((m) => overallConnection(siteIds, m)),
      filter((s): s is ConnectionState => s !== undefined),
    ),
  );
  return { sites$, summaries$, summary$: onDemand(summaries$.pipe(map((s) => s.combined))), overall$ };
}

/**
 * The periods of many sites: each site's closings queue up, and once every site has one a round goes out with
 * the oldest of each and their combination (ratios from summed parts). A site that never resets (stopped) holds
 * the rounds back; its own closings still go out on `sitePeriod$`.
 */
export function periodRounds(siteIds: readonly string[], sitePeriod$: Observable<SiteSummary>): Observable<MultiSitePeriod> {
  return sitePeriod$.pipe(
    scan(
      (acc: { queues: ReadonlyMap<string, readonly SiteSummary[]>; out: MultiSitePeriod | undefined }, p) => {
        if (!siteIds.includes(p.siteId)) return { queues: acc.queues, out: undefined };
        const queues = new Map(acc.queues).set(p.siteId, [...(acc.queues.get(p.siteId) ?? []), p]);
        if (!siteIds.every((id) => (queues.get(id)?.length ?? 0) > 0)) return { queues, out: undefined };
        const heads = siteIds.map((id) => (queues.get(id) ?? [])[0] as SiteSummary);
        for (const id of siteIds) queues.set(id, (queues.get(id) ?? []).slice(1));
        return { queues, out: { sites: Object.fromEntries(heads.map((h) => [h.siteId, h])), combined: combineSummaries(heads) } };
      },
      { queues: new Map<string, readonly SiteSummary[]>(), out: undefined },
    ),
    mergeMap((acc) => (acc.out === undefined ? EMPTY : of(acc.out))),
  );
}

/** The per-site sources of {@link assembleMultiSite}. */
export interface MultiSiteSources {
  readonly events$: Observable<SiteEvent>;
  readonly connection$: Observable<SiteConnectionState>;
  readonly siteSummary$: Observable<SiteSummary>;
  /** The closing summary of each site's period (none: a source that carries no periods). */
  readonly sitePeriod$?: Observable<SiteSummary>;
  readonly stats: () => MultiSiteStats;
  /** Stops the sources; the streams complete once it has settled. */
  readonly stop: () => Promise<void>;
}

/**
 * The {@link MultiSiteStreams} over per-site sources (in-process clients or JetStream): the sources end on
 * `close()`, the derived streams run from the start (so late subscribers get the latest), and `close()` is
 * idempotent: it awaits `stop`, then completes every stream.
 */
export function assembleMultiSite(siteIds: readonly string[], sources: MultiSiteSources): MultiSiteStreams {
  const closed$ = new Subject<void>();
  const events$ = sources.events$.pipe(takeUntil(closed$));
  const connection$ = sources.connection$.pipe(takeUntil(closed$));
  const siteSummary$ = sources.siteSummary$.pipe(takeUntil(closed$));
  const sitePeriod$ = (sources.sitePeriod$ ?? EMPTY).pipe(takeUntil(closed$), share());
  const derived = deriveStreams(siteIds, siteSummary$, connection$);
  const root = derived.sites$.subscribe();
  root.add(derived.overall$.subscribe());
  let closing: Promise<void> | undefined;
  return {
    siteIds,
    events$,
    connection$,
    siteSummary$,
    summaries$: derived.summaries$,
    summary$: derived.summary$,
    sitePeriod$,
    periods$: periodRounds(siteIds, sitePeriod$).pipe(share()),
    overall$: derived.overall$,
    stats: sources.stats,
    close: () => {
      closing ??= (async () => {
        await sources.stop();
        closed$.next();
        closed$.complete();
        root.unsubscribe();
      })();
      return closing;
    },
  };
}
