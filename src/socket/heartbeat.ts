// Dead-peer detection for the socket: ping every interval, and if nothing at all was RECEIVED (no frame, no pong)
// within the timeout after a ping, terminate the socket and error into the retry (half-open detection, R3).
// Sent traffic never counts as liveness (MQTT.js #1855).

import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { SocketError } from '../session/errors.js';
import type { SocketEvent, SocketHandle } from './types.js';

/** Options of {@link heartbeat}. */
export interface HeartbeatOptions {
  /** Ping every this often, starting `intervalMs` after `open`. */
  readonly intervalMs: number;
  /** After a ping, this long without any received frame or pong means the peer is gone. */
  readonly timeoutMs: number;
  /** Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Pings the socket of each `open` event every `intervalMs`. If neither a `frame` nor a `pong` arrives within
 * `timeoutMs` of a ping, calls `handle.terminate()` and errors with a `SocketError` (`HEARTBEAT_TIMEOUT`,
 * reason `heartbeat-timeout`, transient). Events pass through unchanged; timers stop on error, complete and
 * unsubscribe.
 *
 * ```
 * events:   o------------------------     (o = open, then silence)
 * pings:    ----p----p                    (interval 4)
 * result:   o---------#                   (timeout 5 after the first ping: terminate, error)
 * ```
 */
export function heartbeat(options: HeartbeatOptions): MonoTypeOperatorFunction<SocketEvent> {
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<SocketEvent>((subscriber) => {
      let handle: SocketHandle | undefined;
      let lastReceived = Number.NEGATIVE_INFINITY;
      let pinger: Subscription | undefined;
      const checks = new Set<Subscription>();

      const stopTimers = (): void => {
        pinger?.unsubscribe();
        pinger = undefined;
        for (const c of checks) c.unsubscribe();
        checks.clear();
      };

      const onPing = (): void => {
        const pingedAt = scheduler.now();
        handle?.ping();
        const check = scheduler.schedule(() => {
          checks.delete(check);
          if (lastReceived >= pingedAt) return;
          stopTimers();
          handle?.terminate();
          subscriber.error(
            new SocketError(
              'HEARTBEAT_TIMEOUT',
              `no frame and no pong within ${options.timeoutMs} ms of a ping`,
              'transient',
              'heartbeat-timeout',
            ),
          );
        }, options.timeoutMs);
        checks.add(check);
      };

      const subscription = source.subscribe({
        next: (event) => {
          switch (event.kind) {
            case 'open':
              stopTimers();
              handle = event.handle;
              lastReceived = scheduler.now();
              pinger = scheduler.schedule(function (this: SchedulerAction<undefined>) {
                onPing();
                this.schedule(undefined, options.intervalMs);
              }, options.intervalMs);
              break;
            case 'frame':
            case 'pong':
              lastReceived = scheduler.now();
              break;
          }
          subscriber.next(event);
        },
        error: (err: unknown) => {
          stopTimers();
          subscriber.error(err);
        },
        complete: () => {
          stopTimers();
          subscriber.complete();
        },
      });
      return () => {
        stopTimers();
        subscription.unsubscribe();
      };
    });
}
