// The bridge: the events, gap markers and connection states of many sites to a JetStream stream, and each site's
// latest summary (and health) to a KV bucket. Thin I/O over the pure parts (subjects.ts, message-id.ts, outbox.ts)
// and the asynchronous publisher (publisher.ts).
//
// It never blocks the PBX side: a frame is appended to its site's outbox synchronously; once per batch (a
// microtask after the socket read that brought the frames, or after the acks that made room) the new messages are
// written to the spool, then published. While NATS is unreachable the outbox holds up to `maxBuffered` messages per
// site, then drops and counts (reported as a gap marker). A message counts as delivered only when JetStream
// acknowledged it. When the connection is lost, everything unacknowledged is sent again, oldest first, before
// anything newer: a site's order in the stream is its PBX order.

import { Subscription, asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { MultiSiteStreams, SiteConnectionState, SiteSummary } from '../multi/types.js';
import { formatMessageId } from './message-id.js';
import { natsUrlProblems, shown } from './nats-url.js';
import { ackSent, createOutbox, failAll, failSent, flushDrops, offer, pendingCount, pendingMessages, restore, takeToSend, type Draft, type DropRun, type OutMessage, type Outbox, type Sent } from './outbox.js';
import { createPublisher, type AsyncPublisher, type PublishOutcome } from './publisher.js';
import { fatalLine, healthKey, type SiteFatal, type SiteHealth } from './site-health.js';
import { nextEpoch, openSpool, type Spool } from './spool.js';
import { connectUntilClosed, ensureBucket, ensureStream, onePerChange, pauseOn, resolveNames, type JetStreamNames, type ResolvedNames } from './setup.js';
import { eventSubject, gapSubject, periodSubject, stateSubject } from './subjects.js';

/** The `at` of a stored summary (JSON), if it has one. */
function lastInstant(json: string): number | undefined {
  try {
    const x: unknown = JSON.parse(json);
    return typeof x === 'object' && x !== null && 'at' in x && typeof x.at === 'number' ? x.at : undefined;
  } catch {
    return undefined;
  }
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Options of {@link startBridge}. */
export interface BridgeOptions extends JetStreamNames {
  /** What to publish: the streams of `connectMany()` (or any source of the same shape; `sitePeriod$` optional). */
  readonly source: Pick<MultiSiteStreams, 'siteIds' | 'events$' | 'connection$' | 'siteSummary$'> & Partial<Pick<MultiSiteStreams, 'sitePeriod$'>>;
  /**
   * The fatal error of each site whose client stops for good (`fatalErrors(many.clients, scheduler)`): shown in
   * `stats()`, put to the bucket's `health.<site>` key, and {@link Bridge.allSitesFatal} resolves once every site has one.
   */
  readonly fatal$?: Observable<SiteFatal>;
  /**
   * Other values to keep in the summary bucket, the latest per key, put like the summaries (at most every
   * `summaryIntervalMs`, the latest always, flushed by `flush()`/`close()`). The place for a checkpoint of each
   * site's metrics state (e.g. key `checkpoint.<site>`), read back at the next start.
   */
  readonly keep$?: Observable<{ readonly key: string; readonly value: unknown }>;
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`; for a cluster, every seed URL. */
  readonly servers: string | readonly string[];
  /** Most messages waiting for an ack per site while NATS is unreachable (default 100 000). */
  readonly maxBuffered?: number;
  /** Most publishes in flight per site (default 4096). */
  readonly maxInFlight?: number;
  /** Spool directory: unacknowledged messages survive a bridge restart (default: none, memory only). */
  readonly spoolDir?: string;
  /** Publish ack timeout, ms (default 5000). */
  readonly publishTimeoutMs?: number;
  /** Pause before publishing again after a failure, ms (default 500). */
  readonly retryMs?: number;
  /** Least interval between two KV puts of one site's summary, ms (default 250). */
  readonly summaryIntervalMs?: number;
  readonly logger?: Logger;
  /** Clock and timers (default `asyncScheduler`); its `now()` at start is the message ids' epoch. */
  readonly scheduler?: SchedulerLike;
}

/** Counters of one site of the bridge. */
export interface BridgeSiteStats {
  /** Messages (events, gaps, states) handed to the bridge. */
  readonly offered: number;
  /** Acknowledged by JetStream (duplicates JetStream dropped included: they are stored). */
  readonly acked: number;
  /** Waiting for an ack. */
  readonly pending: number;
  /** Dropped over `maxBuffered`. */
  readonly dropped: number;
  /** Acks that said JetStream already had the message (a re-publish it dropped). */
  readonly duplicates: number;
  /** Publish failures (each followed by a resend of the unacknowledged run, oldest first), lost connections included. */
  readonly failures: number;
  /** Messages replayed from the spool at start. */
  readonly replayed: number;
  /** Summaries put to the KV bucket. */
  readonly summariesPut: number;
  /** The site's PBX side: its latest connection state, or `fatal` with the reason once its client stopped. */
  readonly health: SiteHealth;
}

/** Counters of the bridge. */
export interface BridgeStats {
  readonly connected: boolean;
  readonly sites: Readonly<Record<string, BridgeSiteStats>>;
}

/** A running bridge. */
export interface Bridge {
  /** The message ids' epoch of this run (ms). */
  readonly epoch: number;
  stats(): BridgeStats;
  /** Resolves once every site's client stopped on a fatal error (with those errors); never otherwise. */
  readonly allSitesFatal: Promise<readonly SiteFatal[]>;
  /** Resolves `true` once nothing waits for an ack (and the latest summaries are put), `false` after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Stops taking input, flushes for up to `flushMs` (default 5000), closes NATS and the spool. Idempotent. */
  close(flushMs?: number): Promise<void>;
}

/** A KV key that always ends up holding its latest value, put at most every `intervalMs`. */
interface KvSlot<T> {
  latest: T | undefined;
  put: T | undefined;
  putting: boolean;
  resting: boolean;
  count: number;
}

const kvSlot = <T>(): KvSlot<T> => ({ latest: undefined, put: undefined, putting: false, resting: false, count: 0 });

interface SiteIo {
  readonly siteId: string;
  readonly box: Outbox;
  readonly spool: Spool | undefined;
  /** Queued, not yet in the spool (written once per batch, before publishing). */
  unspooled: OutMessage[];
  seq: number;
  offered: number;
  failures: number;
  duplicates: number;
  replayed: number;
  retryScheduled: boolean;
  /** A pump is queued for the end of this batch. */
  due: boolean;
  /** Acks arrived in this batch: the spool may shrink, drops may be reported. */
  acksInBatch: boolean;
  /** The previous publish failed: the next ack says so in the log. */
  failing: boolean;
  readonly summary: KvSlot<SiteSummary>;
  readonly healthSlot: KvSlot<SiteHealth>;
  health: SiteHealth;
  /** The first `open` of the PBX socket in this run. */
  firstOpenAt: number | undefined;
  /** The last instant a previous run published for this site (`null`: none; `undefined`: not read yet). */
  lastSeen: number | null | undefined;
  /** The bridge-restart gap was decided. */
  restartGapDone: boolean;
  /** Latest `at` among the replayed spool messages. */
  replayedUntil: number | undefined;
}

interface Tag {
  readonly io: SiteIo;
  readonly sent: Sent;
}

/**
 * Starts a bridge: connects to NATS in the background (input is buffered until then), creates the stream and
 * bucket if missing, replays the spool, and publishes every message of `source`.
 *
 * @throws Error when a server URL is not a NATS URL (`nats://HOST:PORT`, `tls://HOST:PORT`).
 */
export function startBridge(options: BridgeOptions): Bridge {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const urlProblems = natsUrlProblems(servers);
  if (urlProblems.length > 0) throw new Error(`startBridge: ${urlProblems.join('; ')}`);
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const names: ResolvedNames = resolveNames(options);
  const policy = { maxBuffered: options.maxBuffered ?? 100_000, maxInFlight: options.maxInFlight ?? 4096 };
  const timeout = options.publishTimeoutMs ?? 5000;
  const retryMs = options.retryMs ?? 500;
  const summaryIntervalMs = options.summaryIntervalMs ?? 250;
  const epoch = options.spoolDir === undefined ? Math.floor(scheduler.now()) : nextEpoch(options.spoolDir, scheduler.now());
  const serverList = servers.map(shown).join(',');

  const sites = new Map<string, SiteIo>();
  for (const siteId of options.source.siteIds) {
    const opened = options.spoolDir === undefined ? undefined : openSpool(options.spoolDir, siteId);
    const io: SiteIo = {
      siteId,
      box: createOutbox(policy),
      spool: opened?.spool,
      unspooled: [],
      seq: 0,
      offered: 0,
      failures: 0,
      duplicates: 0,
      replayed: 0,
      retryScheduled: false,
      due: false,
      acksInBatch: false,
      failing: false,
      summary: kvSlot(),
      healthSlot: kvSlot(),
      health: { siteId, at: scheduler.now(), state: 'starting' },
      firstOpenAt: undefined,
      lastSeen: undefined,
      restartGapDone: false,
      replayedUntil: undefined,
    };
    // Replayed messages keep their ids (and their place: before anything of this run); the spool holds them.
    for (const m of opened?.replay ?? []) {
      restore(io.box, m);
      io.replayed++;
      io.replayedUntil = Math.max(io.replayedUntil ?? m.at, m.at);
    }
    if (io.replayed > 0) logger.info('bridge replays its spool', { site: siteId, messages: io.replayed });
    sites.set(siteId, io);
  }

  let nc: NatsConnection | undefined;
  let publisher: AsyncPublisher<Tag> | undefined;
  let kv: KV | undefined;
  let connected = false;
  const life = { closed: false };
  // A function, so flow analysis does not narrow the flag across awaits.
  const isClosed = (): boolean => life.closed;
  const pause = pauseOn(scheduler);
  const unreachable = onePerChange(logger);
  const publishTrouble = onePerChange(logger);

  /** Gives a queued message its id: the site's next seq, in queue order. */
  function stamp(io: SiteIo, d: Draft): OutMessage {
    io.seq++;
    return { id: formatMessageId({ siteId: io.siteId, epoch, seq: io.seq }), ...d };
  }

  function gapDraft(io: SiteIo, run: DropRun): Draft {
    const at = scheduler.now();
    const gap: SiteConnectionState = { kind: 'gap', at, from: run.from, to: run.to, siteId: io.siteId };
    logger.warn('bridge dropped messages over its bound', { site: io.siteId, dropped: run.count });
    return { subject: gapSubject(io.siteId, names.prefix), payload: JSON.stringify({ ...gap, dropped: run.count }), at };
  }
  /** The id and gap-marker makers of a site, for the outbox. */
  const makers = (io: SiteIo) => [(d: Draft): OutMessage => stamp(io, d), (run: DropRun): Draft => gapDraft(io, run)] as const;

  // ---- batching: spool, then publish, once per batch ------------------------------------------------------------

  let batchQueued = false;
  function endBatch(): void {
    batchQueued = false;
    for (const io of sites.values()) {
      if (io.acksInBatch) {
        io.acksInBatch = false;
        io.spool?.settle(() => pendingMessages(io.box), pendingCount(io.box));
        io.unspooled.push(...flushDrops(io.box, ...makers(io)));
        io.due = true;
      }
      if (io.due) {
        io.due = false;
        pump(io);
      }
    }
  }
  function later(io: SiteIo): void {
    io.due = true;
    if (batchQueued) return;
    batchQueued = true;
    queueMicrotask(endBatch);
  }

  function enqueue(io: SiteIo, subject: string, payload: string, at: number): void {
    if (isClosed()) return;
    io.offered++;
    const queued = offer(io.box, { subject, payload, at }, ...makers(io));
    for (const m of queued) io.unspooled.push(m);
    later(io);
  }

  function pump(io: SiteIo): void {
    // Spooled before published, always.
    if (io.unspooled.length > 0) {
      io.spool?.append(io.unspooled);
      io.unspooled = [];
    }
    const pub = publisher;
    if (pub === undefined || !connected || io.retryScheduled || isClosed()) return;
    for (const sent of takeToSend(io.box)) pub.publish(sent.msg.subject, sent.msg.payload, sent.msg.id, { io, sent });
  }

  function settled(tag: Tag, outcome: PublishOutcome): void {
    if (isClosed()) return;
    const { io, sent } = tag;
    if (outcome.ok) {
      if (outcome.duplicate) io.duplicates++;
      ackSent(io.box, sent);
      io.acksInBatch = true;
      if (io.failing) {
        io.failing = false;
        const repeats = publishTrouble.clear();
        logger.info('bridge publishes again', { site: io.siteId, failuresBefore: repeats + 1 });
      }
      return;
    }
    if (!failSent(io.box, sent)) return;
    io.failures++;
    io.failing = true;
    publishTrouble.note('bridge publish failed; resending the unacknowledged run, oldest first', outcome.error, { site: io.siteId, pending: pendingCount(io.box) });
    io.retryScheduled = true;
    // Nothing answering for the stream: it may be gone (a NATS server that lost its store: set it up again) or
    // leaderless for a moment (a cluster electing a new leader): the resend does not wait for the set-up.
    if (outcome.noStream) void resetup();
    scheduler.schedule(() => {
      io.retryScheduled = false;
      later(io);
    }, retryMs);
  }

  let resetting: Promise<void> | undefined;
  function resetup(): Promise<void> {
    const conn = nc;
    if (conn === undefined) return Promise.resolve();
    resetting ??= (async () => {
      try {
        // Usually the stream is there (a cluster electing a leader answered 'no responders' for a moment).
        const existed = await (await jetstreamManager(conn)).streams.info(names.stream).then(
          () => true,
          () => false,
        );
        await ensureStream(conn, names);
        kv = await ensureBucket(conn, names);
        if (!existed) logger.info('bridge set up the stream and bucket again');
      } catch (err: unknown) {
        logger.debug('bridge cannot set up the stream yet', { error: errorText(err) });
      } finally {
        resetting = undefined;
      }
    })();
    return resetting;
  }

  // ---- KV: latest summary and health per site -------------------------------------------------------------------

  function putLatest<T>(key: string, slot: KvSlot<T>): void {
    const bucket = kv;
    if (bucket === undefined || !connected || isClosed() || slot.putting || slot.resting || slot.latest === undefined || slot.latest === slot.put) return;
    const value = slot.latest;
    slot.putting = true;
    const rest = (): void => {
      slot.putting = false;
      slot.resting = true;
      scheduler.schedule(() => {
        slot.resting = false;
        putLatest(key, slot);
      }, summaryIntervalMs);
    };
    bucket.put(key, JSON.stringify(value)).then(
      () => {
        slot.put = value;
        slot.count++;
        rest();
      },
      (err: unknown) => {
        logger.debug('bridge KV put failed', { key, error: errorText(err) });
        rest();
      },
    );
  }
  const kept = new Map<string, KvSlot<unknown>>();
  const putAll = (io: SiteIo): void => {
    putLatest(io.siteId, io.summary);
    putLatest(healthKey(io.siteId), io.healthSlot);
  };
  const putKept = (): void => {
    for (const [key, slot] of kept) putLatest(key, slot);
  };
  function setHealth(io: SiteIo, health: SiteHealth): void {
    if (io.health.state === 'fatal') return; // the last word
    io.health = health;
    io.healthSlot.latest = health;
    putLatest(healthKey(io.siteId), io.healthSlot);
  }

  // A bridge that was down saw nothing the PBX sent meanwhile: once both ends are known (the previous run's last
  // summary instant, from the KV bucket, and this run's first socket open), that interval is a gap marker.
  function restartGap(io: SiteIo): void {
    if (io.restartGapDone || io.firstOpenAt === undefined || io.lastSeen === undefined) return;
    io.restartGapDone = true;
    const from = io.lastSeen === null ? undefined : Math.max(io.lastSeen, io.replayedUntil ?? io.lastSeen);
    if (from === undefined || from >= io.firstOpenAt) return;
    const gap: SiteConnectionState = { kind: 'gap', at: scheduler.now(), from, to: io.firstOpenAt, siteId: io.siteId };
    logger.warn('bridge was down: publishing the interval as a gap', { site: io.siteId, from, to: io.firstOpenAt });
    enqueue(io, gapSubject(io.siteId, names.prefix), JSON.stringify({ ...gap, cause: 'bridge-restart' }), gap.at);
  }

  // ---- input ----------------------------------------------------------------------------------------------------

  const sourceFailed = (err: unknown): void => {
    logger.error('bridge source failed', { error: errorText(err) });
  };
  // A root of its own: the events' subscriber closes when every site's stream ended (all fatal), and must not take
  // the connection states and fatal errors still to come down with it.
  const subscription = new Subscription();
  subscription.add(options.source.events$.subscribe({
    next: (e) => {
      const io = sites.get(e.siteId);
      if (io === undefined) return;
      const { siteId: _site, ...event } = e;
      enqueue(io, eventSubject(e.siteId, e.code, names.prefix), JSON.stringify(event), e.at);
    },
    error: sourceFailed,
  }));
  subscription.add(
    options.source.connection$.subscribe({
      next: (s) => {
        const io = sites.get(s.siteId);
        if (io === undefined) return;
        // A site that restored its checkpoint marks the restart itself, from the checkpoint instant: no second marker.
        if (s.kind === 'gap' && s.cause === 'restart') io.restartGapDone = true;
        if (s.kind === 'open' && io.firstOpenAt === undefined) {
          io.firstOpenAt = s.at;
          restartGap(io);
        }
        if (s.kind !== 'gap' && s.kind !== io.health.state) setHealth(io, { siteId: s.siteId, at: s.at, state: s.kind, ...('detail' in s ? { detail: s.detail } : {}) });
        enqueue(io, s.kind === 'gap' ? gapSubject(s.siteId, names.prefix) : stateSubject(s.siteId, names.prefix), JSON.stringify(s), s.at);
      },
      error: sourceFailed,
    }),
  );
  // Each period's closing summary is a message like the events (ordered, acknowledged), for fromJetStream's periods$.
  const sitePeriod$ = options.source.sitePeriod$;
  if (sitePeriod$ !== undefined) {
    subscription.add(
      sitePeriod$.subscribe({
        next: (p) => {
          const io = sites.get(p.siteId);
          if (io === undefined) return;
          const { siteId: _site, ...closing } = p;
          enqueue(io, periodSubject(p.siteId, names.prefix), JSON.stringify(closing), p.at);
        },
        error: sourceFailed,
      }),
    );
  }
  subscription.add(
    options.source.siteSummary$.subscribe({
      next: (s) => {
        const io = sites.get(s.siteId);
        if (io === undefined) return;
        io.summary.latest = s;
        putLatest(s.siteId, io.summary);
      },
      error: sourceFailed,
    }),
  );

  if (options.keep$ !== undefined) {
    subscription.add(
      options.keep$.subscribe({
        next: ({ key, value }) => {
          let slot = kept.get(key);
          if (slot === undefined) {
            slot = kvSlot();
            kept.set(key, slot);
          }
          slot.latest = value;
          putLatest(key, slot);
        },
        error: sourceFailed,
      }),
    );
  }

  let resolveAllFatal: (f: readonly SiteFatal[]) => void = () => undefined;
  const allSitesFatal = new Promise<readonly SiteFatal[]>((resolve) => {
    resolveAllFatal = resolve;
  });
  if (options.fatal$ !== undefined) {
    subscription.add(
      options.fatal$.subscribe((f) => {
        const io = sites.get(f.siteId);
        if (io === undefined || io.health.state === 'fatal') return;
        logger.error('site stopped on a fatal error: nothing more will come from its PBX', { site: f.siteId, code: f.code, error: f.message });
        setHealth(io, { siteId: f.siteId, at: f.at, state: 'fatal', detail: fatalLine(f), fatal: f });
        const all = [...sites.values()].flatMap((s) => s.health.fatal ?? []);
        if (all.length === sites.size) resolveAllFatal(all);
      }),
    );
  }

  // ---- NATS -----------------------------------------------------------------------------------------------------

  function connectionLost(): void {
    if (!connected) return;
    connected = false;
    // Whatever was in flight may or may not be stored; none of it will be acked now. All of it goes again, oldest
    // first, before anything newer, once the connection is back (JetStream drops the copies it has).
    const abandoned = publisher?.abandon() ?? 0;
    for (const io of sites.values()) if (failAll(io.box) > 0) io.failures++;
    logger.warn('bridge lost NATS; buffering', { servers: serverList, inFlight: abandoned });
  }

  // A close() while the first connection is still being made (no attempt failed yet) waits for it, within its
  // flush time, so that what is pending (a fatal site's last state and health) still reaches NATS.
  let firstAttemptFailed = false;
  let markConnected: () => void = () => undefined;
  const connectedOnce = new Promise<void>((resolve) => {
    markConnected = resolve;
  });

  const ready = (async () => {
    // The first connection is retried here (not with waitOnFirstConnect) so close() can stop it.
    const conn = await connectUntilClosed({
      servers,
      name: 'ipecs-rx-bridge',
      closed: isClosed,
      pause,
      onFailure: (err) => {
        firstAttemptFailed = true;
        unreachable.note('bridge cannot reach NATS yet; buffering', errorText(err), { servers: serverList });
      },
    });
    if (conn === undefined) return;
    nc = conn;
    if (isClosed()) {
      // close() ran while this connected, before nc was set.
      await conn.close().catch(() => undefined);
      return;
    }
    const attempts = unreachable.clear();
    // Stream and bucket setup is retried until it works (a NATS server without -js answers no responders).
    const setupTrouble = onePerChange(logger);
    for (;;) {
      try {
        await ensureStream(conn, names);
        kv = await ensureBucket(conn, names);
        setupTrouble.clear();
        break;
      } catch (err: unknown) {
        if (isClosed()) return;
        setupTrouble.note('bridge cannot set up the stream or bucket; retrying', errorText(err));
        await pause(1000);
        if (isClosed()) return;
      }
    }
    // Read the previous run's last summary instants before this run puts any.
    const bucket = kv;
    for (const io of sites.values()) {
      const entry = await bucket.get(io.siteId).catch(() => null);
      const at = entry === null || entry.operation !== 'PUT' ? undefined : lastInstant(entry.string());
      io.lastSeen = at ?? null;
    }
    publisher = createPublisher<Tag>(conn, { timeoutMs: timeout, scheduler, settled, afterAcks: endBatch });
    connected = true;
    markConnected();
    for (const io of sites.values()) restartGap(io);
    logger.info('bridge connected to NATS', { servers: serverList, ...(attempts > 0 ? { failedAttempts: attempts + 1 } : {}) });
    for (const io of sites.values()) {
      later(io);
      putAll(io);
    }
    putKept();
    let lostAt: number | undefined;
    for await (const st of conn.status()) {
      if (st.type === 'disconnect') {
        lostAt ??= scheduler.now();
        connectionLost();
      } else if (st.type === 'reconnect') {
        connected = true;
        logger.info('bridge reconnected to NATS', { server: shown(st.server), downMs: lostAt === undefined ? undefined : Math.round(scheduler.now() - lostAt) });
        lostAt = undefined;
        for (const io of sites.values()) {
          later(io);
          putAll(io);
        }
        putKept();
      }
    }
  })().catch((err: unknown) => {
    if (!isClosed()) logger.error('bridge NATS connection failed', { error: errorText(err) });
  });

  const slotIdle = (slot: KvSlot<unknown>): boolean => !slot.putting && (slot.latest === undefined || slot.latest === slot.put || kv === undefined);
  const idle = (): boolean => [...sites.values()].every((io) => pendingCount(io.box) === 0 && slotIdle(io.summary) && slotIdle(io.healthSlot)) && [...kept.values()].every(slotIdle);

  async function flush(timeoutMs: number): Promise<boolean> {
    const until = scheduler.now() + timeoutMs;
    while (!idle()) {
      if (scheduler.now() >= until) return false;
      for (const io of sites.values()) putAll(io);
      putKept();
      await pause(20);
    }
    return true;
  }

  let closing: Promise<void> | undefined;
  return {
    epoch,
    allSitesFatal,
    stats: () => ({
      connected,
      sites: Object.fromEntries(
        [...sites.values()].map((io) => [
          io.siteId,
          {
            offered: io.offered,
            acked: io.box.acked,
            pending: pendingCount(io.box),
            dropped: io.box.dropped,
            failures: io.failures,
            duplicates: io.duplicates,
            replayed: io.replayed,
            summariesPut: io.summary.count,
            health: io.health,
          },
        ]),
      ),
    }),
    flush,
    close: (flushMs = 5000) => {
      closing ??= (async () => {
        subscription.unsubscribe();
        const until = scheduler.now() + flushMs;
        if (!connected && !firstAttemptFailed) await Promise.race([connectedOnce, pause(flushMs)]);
        if (connected) await flush(Math.max(0, until - scheduler.now()));
        life.closed = true;
        connected = false;
        pause.interrupt();
        const left = [...sites.values()].reduce((n, io) => n + pendingCount(io.box), 0);
        if (left > 0) logger.warn('bridge closing with unacknowledged messages', { pending: left, spooled: options.spoolDir !== undefined });
        for (const io of sites.values()) {
          if (io.unspooled.length > 0) io.spool?.append(io.unspooled);
          io.unspooled = [];
        }
        publisher?.close();
        await nc?.close().catch(() => undefined);
        await ready;
        for (const io of sites.values()) io.spool?.close();
      })();
      return closing;
    },
  };
}
