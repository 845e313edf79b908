// JetStream's asynchronous publish, the way the NATS clients build it (nats.go's PublishAsync): each message is a
// plain core publish whose reply subject is a token under one inbox subscription of this connection; the ack
// (`{stream, seq, duplicate?}` or `{error}`) comes back on that inbox and settles the publish by its token. Many
// publishes are in flight at once; no promise, timer or stack trace per message (nats.js's `js.publish()` makes a
// request with its own timer and an async-trace Error each time, which caps a bridge at a few thousand per second).
// One sweep on the scheduler fails what waited longer than the timeout, oldest first. Acks are handled as they
// arrive and `afterAcks` runs once per batch of them (one microtask after the socket read that carried them).

import { createInbox, headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { SchedulerLike, Subscription as RxSubscription } from 'rxjs';

/** How a publish ended. */
export type PublishOutcome =
  | { readonly ok: true; readonly duplicate: boolean }
  | {
      readonly ok: false;
      readonly error: string;
      /** Nothing answers for the subject: the stream is missing (a server that lost its store) or has no leader. */
      readonly noStream: boolean;
    };

/** Options of {@link createPublisher}. */
export interface PublisherOptions<T> {
  /** A publish not acknowledged within this many ms fails (and with it its site's unacknowledged run). */
  readonly timeoutMs: number;
  /** Clock and the timeout sweep's timer. */
  readonly scheduler: SchedulerLike;
  /** Called once per publish that got an answer or timed out (never for an abandoned one). */
  readonly settled: (tag: T, outcome: PublishOutcome) => void;
  /** Called once after each batch of settlements. */
  readonly afterAcks: () => void;
}

/** The asynchronous publisher of one NATS connection. */
export interface AsyncPublisher<T> {
  /** Publishes `payload` to `subject` with `Nats-Msg-Id: msgId`; `tag` comes back with its settlement. */
  publish(subject: string, payload: string, msgId: string, tag: T): void;
  /** The connection was lost: forgets every publish in flight (no settlement will come for them); returns how many. */
  abandon(): number;
  /** Publishes waiting for an answer. */
  readonly inFlight: () => number;
  /** Unsubscribes the inbox and stops the sweep. */
  close(): void;
}

interface Pending<T> {
  readonly tag: T;
  readonly at: number;
}

interface AckBody {
  readonly stream?: unknown;
  readonly duplicate?: unknown;
  readonly error?: { readonly description?: unknown; readonly code?: unknown };
}

const decoder = new TextDecoder();

/** What an answer on the inbox says. */
function outcomeOf(msg: Msg): PublishOutcome {
  // A 503 status without a body: no responders (nothing subscribes to the stream's subjects).
  if (msg.data.length === 0 && msg.headers?.code === 503) return { ok: false, error: 'no responders', noStream: true };
  let body: AckBody;
  try {
    body = JSON.parse(decoder.decode(msg.data)) as AckBody;
  } catch {
    return { ok: false, error: 'unreadable publish ack', noStream: false };
  }
  if (body.error !== undefined) {
    const description = typeof body.error.description === 'string' ? body.error.description : 'publish refused';
    return { ok: false, error: description, noStream: body.error.code === 503 || /not found|no responders/i.test(description) };
  }
  if (typeof body.stream !== 'string' || body.stream === '') return { ok: false, error: 'invalid ack response', noStream: false };
  return { ok: true, duplicate: body.duplicate === true };
}

/** Starts the asynchronous publisher of `nc` (subscribes its inbox). */
export function createPublisher<T>(nc: NatsConnection, options: PublisherOptions<T>): AsyncPublisher<T> {
  const { scheduler, timeoutMs } = options;
  const inbox = createInbox();
  const prefix = `${inbox}.`;
  // Insertion order is publish order, so the oldest publish is always first.
  const pending = new Map<string, Pending<T>>();
  let token = 0;
  let batchQueued = false;
  let sweep: RxSubscription | undefined;
  let closed = false;

  const endBatch = (): void => {
    batchQueued = false;
    options.afterAcks();
  };
  const queueBatchEnd = (): void => {
    if (batchQueued) return;
    batchQueued = true;
    queueMicrotask(endBatch);
  };

  const sub: Subscription = nc.subscribe(`${inbox}.*`, {
    callback: (err, msg) => {
      if (err !== null) return; // a permission error of the inbox: the publishes then time out and are resent
      const p = pending.get(msg.subject.slice(prefix.length));
      if (p === undefined) return; // late answer of an abandoned or timed-out publish
      pending.delete(msg.subject.slice(prefix.length));
      options.settled(p.tag, outcomeOf(msg));
      queueBatchEnd();
    },
  });

  // One sweep for every publish: the oldest ones that waited past the timeout fail.
  const sweepEvery = Math.max(10, Math.floor(timeoutMs / 4));
  const runSweep = (): void => {
    sweep = undefined;
    if (closed) return;
    const expired = scheduler.now() - timeoutMs;
    let failed = false;
    for (const [key, p] of pending) {
      if (p.at > expired) break;
      pending.delete(key);
      failed = true;
      options.settled(p.tag, { ok: false, error: `no publish ack within ${String(timeoutMs)} ms`, noStream: false });
    }
    if (failed) queueBatchEnd();
    armSweep();
  };
  const armSweep = (): void => {
    if (sweep === undefined && pending.size > 0 && !closed) sweep = scheduler.schedule(runSweep, sweepEvery);
  };

  return {
    publish(subject, payload, msgId, tag) {
      const key = (++token).toString(36);
      pending.set(key, { tag, at: scheduler.now() });
      const h = headers();
      h.set('Nats-Msg-Id', msgId);
      try {
        nc.publish(subject, payload, { reply: prefix + key, headers: h });
      } catch (err: unknown) {
        // A closed or draining connection: settled after the caller's loop, like any failure.
        pending.delete(key);
        const error = err instanceof Error ? err.message : String(err);
        queueMicrotask(() => {
          options.settled(tag, { ok: false, error, noStream: false });
          queueBatchEnd();
        });
        return;
      }
      armSweep();
    },
    abandon() {
      const n = pending.size;
      pending.clear();
      return n;
    },
    inFlight: () => pending.size,
    close() {
      closed = true;
      pending.clear();
      sweep?.unsubscribe();
      sweep = undefined;
      sub.unsubscribe();
    },
  };
}
