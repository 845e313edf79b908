// Reconnect policy as a reusable operator: capped exponential backoff with jitter, a floor, and a stability
// window (reconnecting-websocket's minUptime). See style-anchors.md §2.2 and reliability bar R6.

import { asyncScheduler, defer, retry, tap, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/** Options of {@link retryBackoff}. */
export interface RetryBackoffOptions<T> {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** No delay is ever longer than this (unless `floorMs` is larger). */
  readonly capMs: number;
  /** No delay is ever shorter than this. */
  readonly floorMs: number;
  /** The attempt counter resets only when the failed subscription had been "up" at least this long. */
  readonly minUptimeMs: number;
  /** Uniform [0, 1) source for the jitter. Inject a seeded one in tests. Default `Math.random`. */
  readonly random?: () => number;
  /** Clock and timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Which value marks the source as "up" (e.g. the socket's `open`). Default: its first value. */
  readonly isUp?: (value: T) => boolean;
  /** `false` rethrows the error instead of retrying (fatal errors). Default: retry everything. */
  readonly shouldRetry?: (error: unknown) => boolean;
  /**
   * A delay of the caller's own for this error (e.g. the floor for a re-login whose reason is known), or `undefined`
   * for the backoff. The attempt counter goes up either way.
   */
  readonly delayFor?: (error: unknown, attempt: number) => number | undefined;
  /** Called once per retry, before the delay starts (for state streams and logs). */
  readonly onRetry?: (info: RetryInfo) => void;
}

/** What {@link RetryBackoffOptions.onRetry} receives. */
export interface RetryInfo {
  /** 1-based attempt number since the last reset. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
  /** How long the failed subscription had been up (ms), or `undefined` if it never came up. */
  readonly uptimeMs: number | undefined;
}

/**
 * The delay before retry `attempt` (1-based): uniform in `[floor, max(floor, min(cap, base·2^(attempt-1)))]`.
 * Pure; `r` is one draw in [0, 1).
 */
export function backoffDelay(attempt: number, r: number, o: { baseMs: number; capMs: number; floorMs: number }): number {
  const exp = Math.min(o.capMs, o.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 52));
  const upper = Math.max(o.floorMs, exp);
  const clamped = Math.min(Math.max(r, 0), 1);
  return Math.round(o.floorMs + clamped * (upper - o.floorMs));
}

/**
 * Resubscribes to the source after each error, waiting {@link backoffDelay} first. The attempt counter (and thus
 * the delay ceiling) resets only when the failed subscription had stayed up for `minUptimeMs`: a server that
 * accepts and drops at once is still backed off (unlike `retry({ resetOnSuccess: true })`).
 * Errors for which `shouldRetry` is false pass through. Each subscription to the result has its own counter.
 *
 * ```
 * source (each try):   -#        -o-#            -o 2s #
 * retried delays:        [f..b]      [f..2b]            counter reset (up ≥ minUptime): [f..b]
 * ```
 */
export function retryBackoff<T>(options: RetryBackoffOptions<T>): MonoTypeOperatorFunction<T> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  const isUp = options.isUp ?? (() => true);
  const shouldRetry = options.shouldRetry ?? (() => true);
  return (source) =>
    defer(() => {
      let attempt = 0;
      let upSince: number | undefined;
      return defer(() => {
        upSince = undefined;
        return source.pipe(
          tap((v) => {
            if (upSince === undefined && isUp(v)) upSince = scheduler.now();
          }),
        );
      }).pipe(
        retry({
          delay: (error: unknown) => {
            if (!shouldRetry(error)) return throwError(() => error);
            const uptimeMs = upSince === undefined ? undefined : scheduler.now() - upSince;
            if (uptimeMs !== undefined && uptimeMs >= options.minUptimeMs) attempt = 0;
            attempt += 1;
            const delayMs = options.delayFor?.(error, attempt) ?? backoffDelay(attempt, random(), options);
            options.onRetry?.({ attempt, delayMs, error, uptimeMs });
            return timer(delayMs, scheduler);
          },
        }),
      );
    });
}
