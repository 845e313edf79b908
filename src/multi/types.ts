// The shapes of the multi-site API: every event, connection state and summary carries the id of the site (one
// PBX) it came from. `connectMany()` (in-process) and `fromJetStream()` (over NATS) both return
// {@link MultiSiteStreams}, so a host app is written once for either.

import type { Observable } from 'rxjs';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { ConnectionState } from '../socket/types.js';
import type { AcdSummary } from '../metrics/types.js';

/** An ACD event of one site. */
export type SiteEvent = AcdEvent & { readonly siteId: string };

/**
 * The gap marker of messages a bridge published that a JetStream consumer will not deliver (bridge/consumer.ts):
 * `missing` of them; `cause` `missing-ids` (never arrived within the reorder window) or `out-of-order`.
 */
export interface DeliveryGap {
  readonly kind: 'gap';
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly missing: number;
  readonly cause: 'missing-ids' | 'out-of-order';
}

/** A connection state (or `gap` marker: the socket's, or a consumer's {@link DeliveryGap}) of one site. */
export type SiteConnectionState = (ConnectionState | DeliveryGap) & { readonly siteId: string };

/** The summary of one site. */
export type SiteSummary = AcdSummary & { readonly siteId: string };

/** The latest summary of every site that has one, and their combination (sums; ratios recomputed from parts). */
export interface MultiSiteSummary {
  /** Latest summary per site id (sites without a summary yet are absent). */
  readonly sites: Readonly<Record<string, SiteSummary>>;
  /** The combination of `sites` (see `combineSummaries`). */
  readonly combined: AcdSummary;
}

/**
 * One closed period of every site and their combination: emitted once each site has closed a period since the
 * previous one (sites resetting at the same instant give one value per reset; sites in other zones, one per day).
 */
export interface MultiSitePeriod {
  /** The closing summary of each site's period. */
  readonly sites: Readonly<Record<string, SiteSummary>>;
  /** Their combination (see `combineSummaries`): the day of all the sites, ratios from summed parts. */
  readonly combined: AcdSummary;
}

/** Counters of a multi-site source, per site. */
export interface MultiSiteStats {
  readonly sites: Readonly<Record<string, SiteStats>>;
}

/** Counters of one site, as the source knows them. */
export interface SiteStats {
  /** Events delivered on `events$`. */
  readonly delivered: number;
  /** Gap markers seen. */
  readonly gaps: number;
  /** Duplicates dropped (a message id seen before: a JetStream redelivery or a replayed spool). 0 in-process. */
  readonly duplicates: number;
  /** Frames the PBX sent that the client received (in-process only; 0 over NATS). */
  readonly received: number;
  /** Events dropped by the site's filters (in-process only). */
  readonly filtered: number;
  /** Frames that did not decode (in-process only). */
  readonly malformed: number;
  /** Sockets opened after the first (in-process only). */
  readonly reconnects: number;
}

/**
 * The streams of many sites. Every stream is hot and completes on `close()`.
 */
export interface MultiSiteStreams {
  /** The site ids, in configuration order. */
  readonly siteIds: readonly string[];
  /** Every ACD event of every site, in order per site. Hot, no replay. */
  readonly events$: Observable<SiteEvent>;
  /** Every connection state and `gap` marker of every site. Hot, no replay. */
  readonly connection$: Observable<SiteConnectionState>;
  /** Every summary of every site as it changes. Hot, no replay. */
  readonly siteSummary$: Observable<SiteSummary>;
  /** Latest per-site summaries and the combined one, after every site summary. Replays the latest. */
  readonly summaries$: Observable<MultiSiteSummary>;
  /** The combined summary alone (what a wallboard over all sites shows). Replays the latest. */
  readonly summary$: Observable<AcdSummary>;
  /** The closing summary of each site's period, just before its daily reset (metrics.md §4). Hot, no replay. */
  readonly sitePeriod$: Observable<SiteSummary>;
  /** One closed period of every site, with their combination (see {@link MultiSitePeriod}). Hot, no replay. */
  readonly periods$: Observable<MultiSitePeriod>;
  /** The overall connection state of all sites (see `overallConnection`), for a health check. Replays the latest. */
  readonly overall$: Observable<ConnectionState>;
  /** A snapshot of the counters. */
  stats(): MultiSiteStats;
  /** Stops every site and completes every stream. Idempotent. */
  close(): Promise<void>;
}

/** One site of {@link MultiSiteStreams}: its id (a NATS subject token: letters, digits, `-` and `_`) and its configuration. */
export interface SiteInput<C> {
  readonly id: string;
  readonly config: C;
}
