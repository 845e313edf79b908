// Creates (or checks) the JetStream stream and the KV bucket both the bridge and its consumers use. Idempotent.
// Also what both need before that: the first NATS connection, retried on the injected clock until it works or
// the caller closes.

import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import type { SchedulerLike } from 'rxjs';
import type { LogFields, Logger } from '../logging/logger.js';
import { DEFAULT_BUCKET, DEFAULT_PREFIX, DEFAULT_STREAM, streamSubjects } from './subjects.js';

/** Names and limits of the stream and bucket. */
export interface JetStreamNames {
  /** Stream name (default `IPECS`). */
  readonly stream?: string;
  /** KV bucket of the latest summaries (default `ipecs-summary`). */
  readonly bucket?: string;
  /** Subject prefix (default `ipecs`). */
  readonly prefix?: string;
  /** The stream's duplicate window: a re-publish within it is dropped (default 10 min). */
  readonly duplicateWindowMs?: number;
  /** The stream's retention (default 7 days). */
  readonly maxAgeMs?: number;
  /** Replicas of the stream and the bucket when this creates them: 1 (default) on one server, 3 on a cluster. */
  readonly replicas?: number;
}

/** The resolved names. */
export interface ResolvedNames {
  readonly stream: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly replicas: number;
}

/** Fills in the defaults. */
export function resolveNames(n: JetStreamNames = {}): ResolvedNames {
  return {
    stream: n.stream ?? DEFAULT_STREAM,
    bucket: n.bucket ?? DEFAULT_BUCKET,
    prefix: n.prefix ?? DEFAULT_PREFIX,
    duplicateWindowMs: n.duplicateWindowMs ?? 600_000,
    maxAgeMs: n.maxAgeMs ?? 7 * 86_400_000,
    replicas: n.replicas ?? 1,
  };
}

const ns = (ms: number): number => ms * 1_000_000;

/** Ensures the stream exists (file storage, limits retention) and returns the manager. */
export async function ensureStream(nc: NatsConnection, names: ResolvedNames): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  try {
    await jsm.streams.info(names.stream);
  } catch {
    try {
      await jsm.streams.add({
        name: names.stream,
        subjects: [streamSubjects(names.prefix)],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: ns(names.duplicateWindowMs),
        max_age: ns(names.maxAgeMs),
        num_replicas: names.replicas,
      });
    } catch (err: unknown) {
      // Another process created it between our two calls: fine if it now exists.
      await jsm.streams.info(names.stream).catch(() => {
        throw err;
      });
    }
  }
  return jsm;
}

/** Opens (creating if needed) the summary bucket: one value per site (history 1). */
export async function ensureBucket(nc: NatsConnection, names: ResolvedNames): Promise<KV> {
  return new Kvm(nc).create(names.bucket, { history: 1, replicas: names.replicas });
}

/** The retry pauses of a bridge or a consumer: `pause(ms)` resolves after `ms` on the scheduler's clock. */
export interface Pauses {
  (ms: number): Promise<void>;
  /** On close: every pause resolves now (its timer cancelled), and later ones at once. */
  interrupt(): void;
}

/** The retry pauses on `scheduler` (see {@link Pauses}), so that close() never waits out a retry timer. */
export function pauseOn(scheduler: SchedulerLike): Pauses {
  const waiting = new Set<{ readonly timer: { unsubscribe(): void }; readonly resolve: () => void }>();
  let interrupted = false;
  const pause = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (interrupted) {
        resolve();
        return;
      }
      const entry = {
        resolve,
        timer: scheduler.schedule(() => {
          waiting.delete(entry);
          resolve();
        }, ms),
      };
      waiting.add(entry);
    });
  return Object.assign(pause, {
    interrupt: () => {
      interrupted = true;
      for (const w of waiting) {
        w.timer.unsubscribe();
        w.resolve();
      }
      waiting.clear();
    },
  });
}

/**
 * A warning logged once per state change, not once per attempt (R24): `note(text, cause)` logs at warn when the
 * text or its cause differs from the last one noted (repeats go to debug, counted); `clear()` ends the state (the
 * next note logs again) and returns how many repeats it had.
 */
export function onePerChange(logger: Logger): { note(text: string, cause: string, fields?: LogFields): void; clear(): number } {
  let last: string | undefined;
  let repeats = 0;
  return {
    note(text, cause, fields) {
      const key = `${text}\n${cause}`;
      if (key === last) {
        repeats++;
        logger.debug(text, { ...fields, error: cause, repeats });
        return;
      }
      last = key;
      repeats = 0;
      logger.warn(text, { ...fields, error: cause });
    },
    clear() {
      const n = repeats;
      last = undefined;
      repeats = 0;
      return n;
    },
  };
}

/** Options of {@link connectUntilClosed}. */
export interface ConnectUntilClosedOptions {
  readonly servers: readonly string[];
  /** The connection's name, as the NATS server shows it. */
  readonly name: string;
  /** True once the caller closed: no further attempt. */
  readonly closed: () => boolean;
  /** The pause between attempts (see {@link pauseOn}). */
  readonly pause: (ms: number) => Promise<void>;
  /** Told of each failed attempt. */
  readonly onFailure: (err: unknown) => void;
}

/**
 * The first NATS connection (later reconnects are the client's own), retried every second until it works;
 * `undefined` when the caller closed first. A caller that closed while it connected must close the connection
 * it gets (its own close() could not see it).
 */
export async function connectUntilClosed(o: ConnectUntilClosedOptions): Promise<NatsConnection | undefined> {
  while (!o.closed()) {
    try {
      return await natsConnect({ servers: [...o.servers], maxReconnectAttempts: -1, reconnectTimeWait: 250, name: o.name });
    } catch (err: unknown) {
      o.onFailure(err);
      await o.pause(1000);
    }
  }
  return undefined;
}
