// fromJetStream(): the multi-site streams, read from the bridge's JetStream stream and KV bucket on any machine.
//
// One durable pull consumer per site (`<durable>_<site>`, filter `ipecs.<site>.>`, explicit ack): a restarted
// consumer resumes where it acked. A site's messages are delivered in id order (reorder.ts): the next id at once, a
// later one held in a bounded window until the ones before it arrive, and ids that never come within the window
// reported as one gap marker with their count (`missing`). A message is acked once it was delivered (or dropped as
// a redelivery of a delivered id). Summaries come from the KV bucket (the bridge's, per site), combined here.

import { Subject, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { KvWatchEntry } from '@nats-io/kv';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { ConnectionState } from '../socket/types.js';
import { NO_COVERAGE } from '../metrics/coverage.js';
import type { AcdSummary } from '../metrics/types.js';
import { assembleMultiSite } from '../multi/assemble.js';
import { siteIdProblems } from '../multi/connect-many.js';
import type { DeliveryGap, MultiSiteStats, MultiSiteStreams, SiteConnectionState, SiteEvent, SiteStats, SiteSummary } from '../multi/types.js';
import { parseMessageId } from './message-id.js';
import { admit, caughtUp, createSiteOrder, expireHeld, heldCount, oldestHoldStart, restartHoldClock, type Release, type SiteOrder } from './reorder.js';
import { connectUntilClosed, ensureBucket, ensureStream, pauseOn, resolveNames, type JetStreamNames } from './setup.js';
import { parseSubject, siteFilter, stateSubject, type SubjectKind } from './subjects.js';

/** Options of {@link fromJetStream}. */
export interface FromJetStreamOptions extends JetStreamNames {
  /** NATS server URL(s). */
  readonly url: string | readonly string[];
  /** The sites to read. */
  readonly sites: readonly string[];
  /** Durable consumer name prefix: one durable per site, `<durable>_<site>`. Letters, digits, `-`, `_`. */
  readonly durable: string;
  /** Where a new durable starts: every stored message (`all`, default) or only new ones (`new`). */
  readonly deliver?: 'all' | 'new';
  readonly logger?: Logger;
  /**
   * The reorder window per site: at most `maxHeld` messages (default 10 000) held for at most `maxHoldMs` of
   * connected time (default 10 000) while an earlier id is missing; past that the missing ids are a gap marker.
   */
  readonly reorder?: { readonly maxHeld?: number; readonly maxHoldMs?: number };
  /** Clock of the retry pauses and of the reorder window (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/** The order counters of one site of {@link fromJetStream}. */
export interface SiteOrderStats {
  /** Messages held now, waiting for an earlier id. */
  readonly held: number;
  /** Ids declared missing (reported in gap markers' `missing`), ever. */
  readonly missing: number;
  /** Messages that arrived after their id was declared missing (dropped). */
  readonly late: number;
  /** Redeliveries of a delivered id (dropped). */
  readonly duplicates: number;
  /** Messages that arrived before an earlier id and waited for it, ever. */
  readonly reordered: number;
}

/** The streams of {@link fromJetStream}: the multi-site streams, plus the order counters per site. */
export interface JetStreamFeed extends MultiSiteStreams {
  orderStats(): Readonly<Record<string, SiteOrderStats>>;
}

/** A message of one site on its way through the reorder window. */
interface Incoming {
  readonly msg: JsMsg;
  readonly what: SubjectKind;
  /** The payload, when it is an object (the bridge's JSON); else it is acked and skipped. */
  readonly body: Record<string, unknown> | undefined;
}

interface SiteState {
  readonly order: SiteOrder<Incoming>;
  /** `at` of the last message delivered (the `from` of a missing-ids gap marker). */
  lastAt: number | undefined;
  delivered: number;
  gaps: number;
}

// JSON payloads are the bridge's own; a payload that is not an object is skipped (never thrown in a stream).
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const x: unknown = JSON.parse(text);
    return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A published summary; one from a bridge older than `coverage` gets none known (an upgrade in progress). */
function withCoverage(body: Record<string, unknown>): AcdSummary {
  const s = body as unknown as AcdSummary;
  return typeof body['coverage'] === 'object' && body['coverage'] !== null ? s : { ...s, coverage: NO_COVERAGE };
}

/**
 * The gap marker of messages the bridge published that this consumer will not deliver: `missing` of them, between
 * `from` and `to` (the instants of the messages around them). `cause`: `missing-ids` (never arrived within the
 * reorder window) or `out-of-order` (arrived too late to be delivered in order).
 */
export type MissingGap = DeliveryGap & { readonly siteId: string };

function missingGap(siteId: string, at: number, from: number, to: number, missing: number, cause: MissingGap['cause']): MissingGap {
  return { kind: 'gap', at, from, to, siteId, missing, cause };
}

/**
 * Reads the sites' events, gap markers, connection states and summaries from JetStream. Returns at once; it
 * connects (and reconnects) in the background.
 *
 * @example
 * ```ts
 * const feed = fromJetStream({ url: 'nats://nats.example:4222', sites: ['leeds', 'york'], durable: 'crm' });
 * feed.events$.subscribe((e) => crm.log(e.siteId, e.name));
 * ```
 */
export function fromJetStream(options: FromJetStreamOptions): JetStreamFeed {
  const problems = siteIdProblems([...options.sites, options.durable]);
  if (problems.length > 0) throw new Error(`fromJetStream: ${problems.join('; ')}`);
  const names = resolveNames(options);
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const siteIds = [...options.sites];
  const policy = { maxHeld: options.reorder?.maxHeld ?? 10_000, maxHoldMs: options.reorder?.maxHoldMs ?? 10_000 };
  const state = new Map<string, SiteState>(siteIds.map((id) => [id, { order: createSiteOrder<Incoming>(policy), lastAt: undefined, delivered: 0, gaps: 0 }]));

  const events = new Subject<SiteEvent>();
  const connection = new Subject<SiteConnectionState>();
  const summaries = new Subject<SiteSummary>();
  const periods = new Subject<SiteSummary>();

  const life = { closed: false };
  // A function, so flow analysis does not narrow the flag across awaits.
  const isClosed = (): boolean => life.closed;
  let nc: NatsConnection | undefined;
  const iterators: (ConsumerMessages | QueuedIterator<KvWatchEntry>)[] = [];
  const pause = pauseOn(scheduler);

  function deliver(siteId: string, st: SiteState, x: Incoming): void {
    const body = x.body;
    if (body !== undefined) {
      if (typeof body['at'] === 'number') st.lastAt = body['at'];
      if (x.what.kind === 'acd') {
        st.delivered++;
        events.next({ ...(body as unknown as AcdEvent), siteId });
      } else if (x.what.kind === 'period') {
        periods.next({ ...withCoverage(body), siteId });
      } else {
        if (x.what.kind === 'gap') st.gaps++;
        connection.next({ ...(body as unknown as ConnectionState), siteId });
      }
    }
    x.msg.ack();
  }

  function release(siteId: string, st: SiteState, out: readonly Release<Incoming>[]): void {
    for (const r of out) {
      if (r.kind === 'deliver') deliver(siteId, st, r.value);
      else if (r.kind === 'missing') {
        const at = scheduler.now();
        const to = typeof r.beforeValue.body?.['at'] === 'number' ? r.beforeValue.body['at'] : at;
        st.gaps++;
        logger.warn('jetstream messages missing: reported as a gap', { site: siteId, missing: r.count });
        connection.next(missingGap(siteId, at, st.lastAt ?? to, to, r.count, 'missing-ids'));
      } else {
        // A late id nobody reported yet (from before this consumer's first, or an older bridge run's after a newer
        // one began): it cannot be delivered in order, so it is a gap of one.
        if (r.kind === 'late' && !r.declared) {
          const at = typeof r.value.body?.['at'] === 'number' ? r.value.body['at'] : scheduler.now();
          st.gaps++;
          logger.warn('jetstream message out of order past the reorder window: reported as a gap', { site: siteId });
          connection.next(missingGap(siteId, scheduler.now(), at, at, 1, 'out-of-order'));
        }
        r.value.msg.ack();
      }
    }
  }

  function handle(m: JsMsg): void {
    const parsed = parseSubject(m.subject, names.prefix);
    const st = parsed === undefined ? undefined : state.get(parsed.siteId);
    if (parsed === undefined || st === undefined) {
      m.ack();
      return;
    }
    const idHeader = m.headers?.get('Nats-Msg-Id');
    const id = idHeader === undefined || idHeader === '' ? undefined : parseMessageId(idHeader);
    release(parsed.siteId, st, admit(st.order, id, { msg: m, what: parsed.what, body: parseObject(m.string()) }, scheduler.now()));
    // Nothing more stored for this consumer: a new one starts delivering (see reorder.ts).
    if (m.info.pending === 0) release(parsed.siteId, st, caughtUp(st.order));
    armExpiry();
  }

  // One timer for every site's reorder window, armed only while something is held and the feed is connected.
  let expiry: { unsubscribe(): void } | undefined;
  let connected = false;
  function armExpiry(): void {
    if (expiry !== undefined || isClosed() || !connected) return;
    let next = Infinity;
    for (const st of state.values()) next = Math.min(next, oldestHoldStart(st.order) + policy.maxHoldMs);
    if (next === Infinity) return;
    expiry = scheduler.schedule(() => {
      expiry = undefined;
      if (isClosed()) return;
      if (connected) for (const [siteId, st] of state) release(siteId, st, expireHeld(st.order, scheduler.now()));
      armExpiry();
    }, Math.max(0, next - scheduler.now()));
  }

  async function consumeSite(conn: NatsConnection, siteId: string): Promise<void> {
    const jsm = await ensureStream(conn, names);
    const durable = `${options.durable}_${siteId}`;
    await jsm.consumers.add(names.stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: siteFilter(siteId, names.prefix),
      deliver_policy: options.deliver === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      max_ack_pending: 20_000,
    });
    if (options.deliver === 'new') {
      // A consumer of new messages only still needs each site's current connection state (for its health):
      // the last one stored. It is not admitted as an id (older ids must still pass).
      const last = await jsm.streams.getMessage(names.stream, { last_by_subj: stateSubject(siteId, names.prefix) }).catch(() => null);
      const body = last === null ? undefined : parseObject(last.string());
      if (body !== undefined) connection.next({ ...(body as unknown as ConnectionState), siteId });
    }
    const consumer = await jetstream(conn).consumers.get(names.stream, durable);
    // A consumer lost with the server's store ends the iterator (instead of waiting for it), so it is created again.
    // A callback, not an iterator: the messages of one socket read are handled in one go, and their acks leave in
    // one write. A message is acked when it is delivered or dropped (handle), not while the reorder window holds it.
    // Pull requests that expire after 5 s (idle heartbeats every 2.5 s): a pull lost with a consumer leader that died
    // (a cluster) is noticed within seconds, not after the default 30 s.
    const messages = await consumer.consume({ max_messages: 1000, expires: 5000, abort_on_missing_resource: true, callback: handle });
    iterators.push(messages);
    const ended = await messages.closed();
    if (ended instanceof Error) throw ended;
  }

  async function watchSummaries(conn: NatsConnection): Promise<void> {
    const kv = await ensureBucket(conn, names);
    const watch = await kv.watch({ key: '>' });
    iterators.push(watch);
    for await (const e of watch) {
      if (e.operation !== 'PUT' || !state.has(e.key)) continue;
      const body = parseObject(e.string());
      if (body !== undefined) summaries.next({ ...withCoverage(body), siteId: e.key });
    }
  }

  // Each reader is restarted after a failure (e.g. the stream is not there yet) until close().
  async function forever(what: string, run: () => Promise<void>): Promise<void> {
    while (!isClosed()) {
      try {
        await run();
      } catch (err: unknown) {
        if (!isClosed()) logger.warn('jetstream reader failed; retrying', { what, error: err instanceof Error ? err.message : String(err) });
      }
      if (!isClosed()) await pause(1000);
    }
  }

  // While disconnected nothing missing can arrive: the reorder window's clock stops, and starts again on reconnect.
  async function followStatus(conn: NatsConnection): Promise<void> {
    for await (const st of conn.status()) {
      if (st.type === 'disconnect') {
        connected = false;
        expiry?.unsubscribe();
        expiry = undefined;
      } else if (st.type === 'reconnect') {
        connected = true;
        for (const s of state.values()) restartHoldClock(s.order, scheduler.now());
        armExpiry();
      }
    }
  }

  const running = (async () => {
    const conn = await connectUntilClosed({
      servers: typeof options.url === 'string' ? [options.url] : options.url,
      name: `ipecs-rx-consumer-${options.durable}`,
      closed: isClosed,
      pause,
      onFailure: (err) => {
        logger.warn('consumer cannot reach NATS yet', { error: err instanceof Error ? err.message : String(err) });
      },
    });
    if (conn === undefined) return;
    nc = conn;
    if (isClosed()) {
      // close() ran while this connected, before nc was set.
      await conn.close().catch(() => undefined);
      return;
    }
    connected = true;
    await Promise.all([...siteIds.map((id) => forever(`site ${id}`, () => consumeSite(conn, id))), forever('summaries', () => watchSummaries(conn)), followStatus(conn)]);
  })();

  const streams = assembleMultiSite(siteIds, {
    events$: events,
    connection$: connection,
    siteSummary$: summaries,
    sitePeriod$: periods,
    stats: (): MultiSiteStats => {
      const out: Record<string, SiteStats> = {};
      for (const [id, s] of state) out[id] = { delivered: s.delivered, gaps: s.gaps, duplicates: s.order.duplicates + s.order.late, received: 0, filtered: 0, malformed: 0, reconnects: 0 };
      return { sites: out };
    },
    stop: async () => {
      life.closed = true;
      pause.interrupt();
      expiry?.unsubscribe();
      for (const it of iterators) it.stop();
      await nc?.close().catch(() => undefined);
      await running.catch(() => undefined);
    },
  });
  return {
    ...streams,
    orderStats: () => Object.fromEntries([...state].map(([id, s]) => [id, { held: heldCount(s.order), missing: s.order.missing, late: s.order.late, duplicates: s.order.duplicates, reordered: s.order.reordered }])),
  };
}
