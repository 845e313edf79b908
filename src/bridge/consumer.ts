// fromJetStream(): the multi-site streams, read from the bridge's JetStream stream and KV bucket on any machine.
//
// One durable pull consumer per site (`<durable>_<site>`, filter `ipecs.<site>.>`, explicit ack): a restarted
// consumer resumes where it acked, and messages of a site arrive in order. A message is acked after it was handed
// to the subscribers; a redelivered or re-published one (an id not greater than the site's last) is dropped and
// counted as a duplicate. Summaries come from the KV bucket (the bridge's, per site), combined here.

import { Subject, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { QueuedIterator } from '@nats-io/transport-node';
import type { KvWatchEntry } from '@nats-io/kv';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { ConnectionState } from '../socket/types.js';
import type { AcdSummary } from '../metrics/types.js';
import { assembleMultiSite } from '../multi/assemble.js';
import { siteIdProblems } from '../multi/connect-many.js';
import type { MultiSiteStats, MultiSiteStreams, SiteConnectionState, SiteEvent, SiteStats, SiteSummary } from '../multi/types.js';
import { admitId, parseMessageId, type MessageId } from './message-id.js';
import { connectUntilClosed, ensureBucket, ensureStream, pauseOn, resolveNames, type JetStreamNames } from './setup.js';
import { parseSubject, siteFilter, stateSubject } from './subjects.js';

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
  /** Clock of the retry pauses (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

interface SiteState {
  last: MessageId | undefined;
  delivered: number;
  gaps: number;
  duplicates: number;
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
export function fromJetStream(options: FromJetStreamOptions): MultiSiteStreams {
  const problems = siteIdProblems([...options.sites, options.durable]);
  if (problems.length > 0) throw new Error(`fromJetStream: ${problems.join('; ')}`);
  const names = resolveNames(options);
  const logger = options.logger ?? silentLogger;
  const scheduler = options.scheduler ?? asyncScheduler;
  const siteIds = [...options.sites];
  const state = new Map<string, SiteState>(siteIds.map((id) => [id, { last: undefined, delivered: 0, gaps: 0, duplicates: 0 }]));

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

  function handle(m: JsMsg): void {
    const parsed = parseSubject(m.subject, names.prefix);
    const st = parsed === undefined ? undefined : state.get(parsed.siteId);
    if (parsed === undefined || st === undefined) return;
    const idHeader = m.headers?.get('Nats-Msg-Id');
    const admitted = admitId(st.last, idHeader === undefined || idHeader === '' ? undefined : parseMessageId(idHeader));
    if (admitted === undefined) {
      st.duplicates++;
      return;
    }
    st.last = admitted.last;
    const body = parseObject(m.string());
    if (body === undefined) return;
    const siteId = parsed.siteId;
    if (parsed.what.kind === 'acd') {
      st.delivered++;
      events.next({ ...(body as unknown as AcdEvent), siteId });
    } else if (parsed.what.kind === 'period') {
      periods.next({ ...(body as unknown as AcdSummary), siteId });
    } else {
      if (parsed.what.kind === 'gap') st.gaps++;
      connection.next({ ...(body as unknown as ConnectionState), siteId });
    }
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
    const messages = await consumer.consume({ max_messages: 1000, abort_on_missing_resource: true });
    iterators.push(messages);
    for await (const m of messages) {
      handle(m);
      m.ack();
    }
  }

  async function watchSummaries(conn: NatsConnection): Promise<void> {
    const kv = await ensureBucket(conn, names);
    const watch = await kv.watch({ key: '>' });
    iterators.push(watch);
    for await (const e of watch) {
      if (e.operation !== 'PUT' || !state.has(e.key)) continue;
      const body = parseObject(e.string());
      if (body !== undefined) summaries.next({ ...(body as unknown as AcdSummary), siteId: e.key });
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
    await Promise.all([...siteIds.map((id) => forever(`site ${id}`, () => consumeSite(conn, id))), forever('summaries', () => watchSummaries(conn))]);
  })();

  return assembleMultiSite(siteIds, {
    events$: events,
    connection$: connection,
    siteSummary$: summaries,
    sitePeriod$: periods,
    stats: (): MultiSiteStats => {
      const out: Record<string, SiteStats> = {};
      for (const [id, s] of state) out[id] = { delivered: s.delivered, gaps: s.gaps, duplicates: s.duplicates, received: 0, filtered: 0, malformed: 0, reconnects: 0 };
      return { sites: out };
    },
    stop: async () => {
      life.closed = true;
      for (const it of iterators) it.stop();
      await nc?.close().catch(() => undefined);
      await running.catch(() => undefined);
    },
  });
}
