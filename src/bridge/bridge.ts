// The bridge: the events, gap markers and connection states of many sites to a JetStream stream, and each site's
// latest summary to a KV bucket. Thin I/O over the pure parts (subjects.ts, message-id.ts, outbox.ts).
//
// It never blocks the PBX side: a frame is appended to its site's outbox (and spool) synchronously and published
// later; while NATS is unreachable the outbox holds up to `maxBuffered` messages per site, then drops and counts
// (reported as a gap marker). A message counts as delivered only when JetStream acknowledged it.

import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { MultiSiteStreams, SiteConnectionState, SiteSummary } from '../multi/types.js';
import { formatMessageId } from './message-id.js';
import { ackSent, createOutbox, failSent, flushDrops, offer, pendingCount, pendingMessages, takeToSend, type DropRun, type OutMessage, type Outbox, type Sent } from './outbox.js';
import { nextEpoch, openSpool, type Spool } from './spool.js';
import { connectUntilClosed, ensureBucket, ensureStream, pauseOn, resolveNames, type JetStreamNames, type ResolvedNames } from './setup.js';
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

/** Options of {@link startBridge}. */
export interface BridgeOptions extends JetStreamNames {
  /** What to publish: the streams of `connectMany()` (or any source of the same shape; `sitePeriod$` optional). */
  readonly source: Pick<MultiSiteStreams, 'siteIds' | 'events$' | 'connection$' | 'siteSummary$'> & Partial<Pick<MultiSiteStreams, 'sitePeriod$'>>;
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Most messages waiting for an ack per site while NATS is unreachable (default 100 000). */
  readonly maxBuffered?: number;
  /** Most publishes in flight per site (default 256). */
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
  /** Publishes that failed (each followed by a resend of the unacknowledged run). */
  readonly failures: number;
  /** Messages replayed from the spool at start. */
  readonly replayed: number;
  /** Summaries put to the KV bucket. */
  readonly summariesPut: number;
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
  /** Resolves `true` once nothing waits for an ack (and the latest summaries are put), `false` after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Stops taking input, flushes for up to `flushMs` (default 5000), closes NATS and the spool. Idempotent. */
  close(flushMs?: number): Promise<void>;
}

interface SiteIo {
  readonly siteId: string;
  readonly box: Outbox;
  readonly spool: Spool | undefined;
  seq: number;
  offered: number;
  failures: number;
  duplicates: number;
  replayed: number;
  retryScheduled: boolean;
  latestSummary: SiteSummary | undefined;
  putSummary: SiteSummary | undefined;
  putting: boolean;
  summaryDue: boolean;
  summariesPut: number;
  /** The first `open` of the PBX socket in this run. */
  firstOpenAt: number | undefined;
  /** The last instant a previous run published for this site (`null`: none; `undefined`: not read yet). */
  lastSeen: number | null | undefined;
  /** The bridge-restart gap was decided. */
  restartGapDone: boolean;
  /** Latest `at` among the replayed spool messages. */
  replayedUntil: number | undefined;
}

/**
 * Starts a bridge: connects to NATS in the background (input is buffered until then), creates the stream and
 * bucket if missing, replays the spool, and publishes every message of `source`.
 */
export function startBridge(options: BridgeOptions): Bridge {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const names: ResolvedNames = resolveNames(options);
  const policy = { maxBuffered: options.maxBuffered ?? 100_000, maxInFlight: options.maxInFlight ?? 256 };
  const timeout = options.publishTimeoutMs ?? 5000;
  const retryMs = options.retryMs ?? 500;
  const summaryIntervalMs = options.summaryIntervalMs ?? 250;
  const epoch = options.spoolDir === undefined ? Math.floor(scheduler.now()) : nextEpoch(options.spoolDir, scheduler.now());

  const sites = new Map<string, SiteIo>();
  for (const siteId of options.source.siteIds) {
    const opened = options.spoolDir === undefined ? undefined : openSpool(options.spoolDir, siteId);
    const io: SiteIo = {
      siteId,
      box: createOutbox(policy),
      spool: opened?.spool,
      seq: 0,
      offered: 0,
      failures: 0,
      duplicates: 0,
      replayed: 0,
      retryScheduled: false,
      latestSummary: undefined,
      putSummary: undefined,
      putting: false,
      summaryDue: false,
      summariesPut: 0,
      firstOpenAt: undefined,
      lastSeen: undefined,
      restartGapDone: false,
      replayedUntil: undefined,
    };
    // Replayed messages keep their ids; the spool already holds them.
    for (const m of opened?.replay ?? []) {
      offer(io.box, m, (run) => gapMessage(io, run));
      io.replayed++;
      io.replayedUntil = Math.max(io.replayedUntil ?? m.at, m.at);
    }
    if (io.replayed > 0) logger.info('bridge replays its spool', { site: siteId, messages: io.replayed });
    sites.set(siteId, io);
  }

  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let kv: KV | undefined;
  let connected = false;
  const life = { closed: false };
  // A function, so flow analysis does not narrow the flag across awaits.
  const isClosed = (): boolean => life.closed;

  const pause = pauseOn(scheduler);

  function nextId(io: SiteIo): string {
    io.seq++;
    return formatMessageId({ siteId: io.siteId, epoch, seq: io.seq });
  }

  function gapMessage(io: SiteIo, run: DropRun): OutMessage {
    const at = scheduler.now();
    const gap: SiteConnectionState = { kind: 'gap', at, from: run.from, to: run.to, siteId: io.siteId };
    logger.warn('bridge dropped messages over its bound', { site: io.siteId, dropped: run.count });
    return { id: nextId(io), subject: gapSubject(io.siteId, names.prefix), payload: JSON.stringify({ ...gap, dropped: run.count }), at };
  }

  function enqueue(io: SiteIo, subject: string, payload: string, at: number): void {
    if (isClosed()) return;
    io.offered++;
    const msg: OutMessage = { id: nextId(io), subject, payload, at };
    for (const m of offer(io.box, msg, (run) => gapMessage(io, run))) io.spool?.append(m);
    pump(io);
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

  function pump(io: SiteIo): void {
    if (js === undefined || !connected || io.retryScheduled) return;
    const client = js;
    for (const sent of takeToSend(io.box)) {
      client.publish(sent.msg.subject, sent.msg.payload, { msgID: sent.msg.id, timeout }).then(
        (ack) => {
          if (ack.duplicate) io.duplicates++;
          settled(io, sent, true);
        },
        (err: unknown) => {
          settled(io, sent, false, err);
        },
      );
    }
  }

  function settled(io: SiteIo, sent: Sent, ok: boolean, err?: unknown): void {
    if (ok) {
      ackSent(io.box, sent);
      io.spool?.settle(() => pendingMessages(io.box), pendingCount(io.box));
      for (const m of flushDrops(io.box, (run) => gapMessage(io, run))) io.spool?.append(m);
      pump(io);
      return;
    }
    if (!failSent(io.box, sent)) return;
    io.failures++;
    const message = err instanceof Error ? err.message : String(err);
    logger.warn('bridge publish failed; resending the unacknowledged run', { site: io.siteId, pending: pendingCount(io.box), error: message });
    io.retryScheduled = true;
    // No stream answering (a NATS server that lost its store): set the stream and bucket up again first.
    const setup = /no responders|not found|not enabled|503/i.test(message) ? resetup() : Promise.resolve();
    void setup.then(() => {
      scheduler.schedule(() => {
        io.retryScheduled = false;
        pump(io);
      }, retryMs);
    });
  }

  let resetting: Promise<void> | undefined;
  function resetup(): Promise<void> {
    const conn = nc;
    if (conn === undefined) return Promise.resolve();
    resetting ??= (async () => {
      try {
        await ensureStream(conn, names);
        kv = await ensureBucket(conn, names);
        logger.info('bridge set up the stream and bucket again');
      } catch (err: unknown) {
        logger.warn('bridge cannot set up the stream yet', { error: err instanceof Error ? err.message : String(err) });
      } finally {
        resetting = undefined;
      }
    })();
    return resetting;
  }

  function putSummary(io: SiteIo): void {
    if (kv === undefined || !connected || io.putting || io.summaryDue || io.latestSummary === undefined || io.latestSummary === io.putSummary) return;
    const s = io.latestSummary;
    io.putting = true;
    kv.put(io.siteId, JSON.stringify(s)).then(
      () => {
        io.putSummary = s;
        io.summariesPut++;
        afterPut(io);
      },
      (err: unknown) => {
        logger.warn('bridge summary put failed', { site: io.siteId, error: err instanceof Error ? err.message : String(err) });
        afterPut(io);
      },
    );
  }

  function afterPut(io: SiteIo): void {
    io.putting = false;
    io.summaryDue = true;
    scheduler.schedule(() => {
      io.summaryDue = false;
      putSummary(io);
    }, summaryIntervalMs);
  }

  const sourceFailed = (err: unknown): void => {
    logger.error('bridge source failed', { error: err instanceof Error ? err.message : String(err) });
  };
  const subscription: Subscription = options.source.events$.subscribe({
    next: (e) => {
      const io = sites.get(e.siteId);
      if (io === undefined) return;
      const { siteId: _site, ...event } = e;
      enqueue(io, eventSubject(e.siteId, e.code, names.prefix), JSON.stringify(event), e.at);
    },
    error: sourceFailed,
  });
  subscription.add(
    options.source.connection$.subscribe({
      next: (s) => {
        const io = sites.get(s.siteId);
        if (io === undefined) return;
        if (s.kind === 'open' && io.firstOpenAt === undefined) {
          io.firstOpenAt = s.at;
          restartGap(io);
        }
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
        io.latestSummary = s;
        putSummary(io);
      },
      error: sourceFailed,
    }),
  );

  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const ready = (async () => {
    // The first connection is retried here (not with waitOnFirstConnect) so close() can stop it.
    const conn = await connectUntilClosed({
      servers,
      name: 'ipecs-rx-bridge',
      closed: isClosed,
      pause,
      onFailure: (err) => {
        logger.warn('bridge cannot reach NATS yet; buffering', { error: err instanceof Error ? err.message : String(err) });
      },
    });
    if (conn === undefined) return;
    nc = conn;
    if (isClosed()) {
      // close() ran while this connected, before nc was set.
      await conn.close().catch(() => undefined);
      return;
    }
    // Stream and bucket setup is retried until it works (a NATS server without -js answers no responders).
    for (;;) {
      try {
        await ensureStream(conn, names);
        kv = await ensureBucket(conn, names);
        break;
      } catch (err: unknown) {
        logger.error('bridge cannot set up the stream or bucket; retrying', { error: err instanceof Error ? err.message : String(err) });
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
    js = jetstream(conn, { timeout });
    connected = true;
    for (const io of sites.values()) restartGap(io);
    logger.info('bridge connected to NATS', { servers: servers.join(',') });
    for (const io of sites.values()) {
      pump(io);
      putSummary(io);
    }
    for await (const st of conn.status()) {
      if (st.type === 'disconnect') {
        connected = false;
        logger.warn('bridge lost NATS; buffering', { server: st.server });
      } else if (st.type === 'reconnect') {
        connected = true;
        logger.info('bridge reconnected to NATS', { server: st.server });
        for (const io of sites.values()) {
          pump(io);
          putSummary(io);
        }
      }
    }
  })().catch((err: unknown) => {
    if (!isClosed()) logger.error('bridge NATS connection failed', { error: err instanceof Error ? err.message : String(err) });
  });

  const idle = (): boolean => [...sites.values()].every((io) => pendingCount(io.box) === 0 && !io.putting && (io.latestSummary === undefined || io.latestSummary === io.putSummary || kv === undefined));

  async function flush(timeoutMs: number): Promise<boolean> {
    const until = scheduler.now() + timeoutMs;
    while (!idle()) {
      if (scheduler.now() >= until) return false;
      for (const io of sites.values()) putSummary(io);
      await pause(20);
    }
    return true;
  }

  let closing: Promise<void> | undefined;
  return {
    epoch,
    stats: () => ({
      connected,
      sites: Object.fromEntries(
        [...sites.values()].map((io) => [
          io.siteId,
          { offered: io.offered, acked: io.box.acked, pending: pendingCount(io.box), dropped: io.box.dropped, failures: io.failures, duplicates: io.duplicates, replayed: io.replayed, summariesPut: io.summariesPut },
        ]),
      ),
    }),
    flush,
    close: (flushMs = 5000) => {
      closing ??= (async () => {
        subscription.unsubscribe();
        if (connected) await flush(flushMs);
        life.closed = true;
        const left = [...sites.values()].reduce((n, io) => n + pendingCount(io.box), 0);
        if (left > 0) logger.warn('bridge closing with unacknowledged messages', { pending: left, spooled: options.spoolDir !== undefined });
        await nc?.close().catch(() => undefined);
        await ready;
        for (const io of sites.values()) io.spool?.close();
      })();
      return closing;
    },
  };
}
