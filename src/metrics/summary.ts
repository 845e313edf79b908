// summary$, periods$ and changes$ over the reducer (metrics.md §3-§5): one core (a scan over events, ticks and the
// daily reset into one mutable state), shared by the three streams; each stream has its own Subject, so an event
// costs the reducer and nothing per stream that does not listen.

import {
  EMPTY,
  Observable,
  asapScheduler,
  asyncScheduler,
  defer,
  interval,
  map,
  merge,
  repeat,
  share,
  startWith,
  shareReplay,
  Subject,
  timer,
  type SchedulerLike,
  type Subscription,
  VirtualTimeScheduler,
} from 'rxjs';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { MetricsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { AcdSummary, Change, GapInput, MetricsInput, MetricsState, SeedInput } from './types.js';
import { initialMetricsState, reduceEvent, reduceMetrics } from './reducer.js';
import { createSummaryMemo, sameFigures, summarize } from './summarize.js';
import { resetClock } from './reset-time.js';
import type { PeriodSummary } from './restore.js';

/** Options of {@link createSummary}. */
export interface SummaryOptions {
  readonly metrics: MetricsConfig;
  /** The clock and timers (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** Logs each period closed by the reset (default: none). */
  readonly logger?: Logger;
  /**
   * What a restart restored (metrics/restore.ts): the state to go on from, and an older period's summary closed
   * from its checkpoint, emitted once on `periods$` just after the streams start (on the scheduler, so a host that
   * subscribes right after `connect()` sees it). Used by the first subscription of the core only.
   */
  readonly restore?: { readonly state?: MetricsState; readonly closedPeriod?: PeriodSummary };
  /**
   * Inputs that are not ACD events: the CTI seed of a cold start and the gap markers (docs/cold-start.md). Merged
   * with the events; they end with them.
   */
  readonly inputs$?: Observable<SeedInput | GapInput>;
  /**
   * The state to start from instead of a fresh one (a warm start: a journal replayed up to its last frame, see
   * `journal/warm-start.ts`). Called once per start of the shared core; `undefined` gives a fresh state.
   */
  readonly initialState?: () => MetricsState | undefined;
  /**
   * Where the one summary of a burst of events is emitted (metrics.md §3, coalescing): a scheduler (the summary
   * goes out in its next task at delay 0), or `'manual'` (only on {@link SummaryStreams.flush}, which a host that
   * knows its batches calls, like the journal replay). Default: `asapScheduler` (a microtask: after the events of
   * one socket read, before the next macrotask), or `scheduler` itself when it is a `VirtualTimeScheduler` such as
   * `TestScheduler` (the events of one virtual instant are one burst). Ignored with `metrics.summaryPerEvent`.
   */
  readonly burst?: SchedulerLike | 'manual';
}

/** A summary with the input that caused it: the event, or none (the initial summary, a tick, a reset). */
export interface SummaryUpdate {
  readonly summary: AcdSummary;
  /** The event after which the summary was taken; `undefined` for the initial summary, ticks and resets. */
  readonly event: AcdEvent | undefined;
  /** The instant of the input (the event's `at`, the tick's or the reset's); the summary's `at`. */
  readonly at: number;
}

/** The streams of {@link createSummary}. */
export interface SummaryStreams {
  /**
   * The summary: the initial one at subscription, then after every burst of events that changes a figure (one per
   * event with `metrics.summaryPerEvent`; see {@link SummaryOptions.burst}) and every `tickMs` while time totals
   * move; never two equal in a row; the latest replayed to late subscribers.
   */
  readonly summary$: Observable<AcdSummary>;
  /** Every value of `summary$` with the input that caused it (same replay and timing as `summary$`). */
  readonly updates$: Observable<SummaryUpdate>;
  /**
   * The closing summary of each period, emitted before the reset that ends it (metrics.md §4); an older period
   * restored from a checkpoint is emitted with `closedBy: 'checkpoint'`.
   */
  readonly periods$: Observable<PeriodSummary>;
  /** The transitions of metrics.md §5, in order, each with its figure after the event. */
  readonly changes$: Observable<Change>;
  /** Calls expired (older than `metrics.maxCallAgeMs`) since the streams' state was created; 0 before. */
  readonly expiredCalls: () => number;
  /** The live state of the running core (for checkpoints; read it synchronously, never keep it), or undefined. */
  readonly state: () => MetricsState | undefined;
  /**
   * Emits the summary of the burst so far now, if one is pending (coalescing, metrics.md §3); a no-op otherwise, or
   * while the streams are not running. The journal replay calls it after each batch of lines and at the end.
   */
  readonly flush: () => void;
}

/** The inputs beside the events. */
type SideInput = Exclude<MetricsInput, AcdEvent>;

/**
 * Builds the summary streams over `events$` (metrics.md §3-§5). The reducer state lives per subscription of the
 * shared core: the three streams share one state while any of them is subscribed. Throws at once (a
 * configuration error) for a malformed `resetTime` or an unknown `timeZone`.
 */
export function createSummary(events$: Observable<AcdEvent>, options: SummaryOptions): SummaryStreams {
  const scheduler = options.scheduler ?? asyncScheduler;
  const cfg = options.metrics;
  const nextReset = resetClock(cfg.resetTime, cfg.timeZone);
  // The latest summary of the running core, so summary$ starts with it when another stream started the core.
  let latest: SummaryUpdate | undefined;
  let current: MetricsState | undefined;
  let restore = options.restore;
  const perEvent = cfg.summaryPerEvent === true;
  const burst: SchedulerLike | 'manual' = options.burst ?? (scheduler instanceof VirtualTimeScheduler ? scheduler : asapScheduler);
  // The running core's flush (a no-op while it does not run).
  let flushCore: () => void = () => undefined;

  // What the running core emits, one Subject per stream (no wrapper per value, no filter per stream): a stream
  // subscribes to its Subject for the values and to core$ for the core's lifetime, error and completion. They
  // never end themselves (core$ ends every subscriber), so they serve every run of the core.
  const summaries = new Subject<SummaryUpdate>();
  const periods = new Subject<PeriodSummary>();
  const changes = new Subject<Change>();

  const core$ = defer(() => {
    const restored = restore;
    restore = undefined;
    // One mutable state per run of the core (the reducer updates it in place).
    const state = restored?.state ?? options.initialState?.() ?? initialMetricsState(cfg, scheduler.now());
    current = state;
    // Unchanged station bases are shared from one summary to the next (one memo per state).
    const memo = createSummaryMemo();

    const ticks$ = interval(cfg.tickMs, scheduler).pipe(map((): SideInput => ({ kind: 'tick', at: scheduler.now() })));
    // Recomputed after each reset, so a DST change moves the next one correctly.
    // Never before the previous reset: a timer firing a millisecond early must not reset the same instant twice.
    let lastReset = -Infinity;
    const resets$ = defer(() => {
      const at = nextReset(Math.max(scheduler.now(), lastReset));
      lastReset = at;
      return timer(Math.max(0, at - scheduler.now()), scheduler).pipe(map((): SideInput => ({ kind: 'reset', at })));
    }).pipe(repeat());

    // The inputs beside the events (ticks, resets, seed, gaps); they end with the events.
    const side$: Observable<SideInput> = merge(ticks$, resets$, options.inputs$ ?? EMPTY);

    return new Observable<never>((subscriber) => {
      let last = summarize(state, state.at, memo);
      let lastVersion = state.version;
      latest = { summary: last, event: undefined, at: last.at };
      summaries.next(latest);
      const closedPeriod = restored?.closedPeriod;
      // Coalescing (metrics.md §3): the last figure-changing event of the open burst, whose summary is pending, and
      // the task that will emit it.
      let pending: AcdEvent | undefined;
      let flushTask: Subscription | undefined;
      const emitSummary = (at: number, event: AcdEvent | undefined): void => {
        const next = summarize(state, at, memo);
        if (sameFigures(next, last)) return;
        last = next;
        latest = { summary: next, event, at };
        summaries.next(latest);
      };
      // The summary after the burst's last figure-changing event, at that event's instant: the per-event summary
      // after the burst (later events of the burst changed no figure, so the state is the same).
      const flush = (): void => {
        flushTask?.unsubscribe();
        flushTask = undefined;
        const event = pending;
        if (event === undefined) return;
        pending = undefined;
        emitSummary(event.at, event);
      };
      flushCore = flush;
      // The transitions of the last input, to changes$ (skipped while no one listens).
      const emitChanges = (): void => {
        const list = state.lastChanges;
        if (list.length === 0 || !changes.observed) return;
        for (const change of list) changes.next(change);
      };
      // The reducer step (a scan over one mutable state), fused into the one subscriber of the events: an event goes
      // from the pipeline to the reducer in one hop, and costs no allocation here (the summary is per burst).
      const onEvent = (event: AcdEvent): void => {
        if (subscriber.closed) return;
        try {
          reduceEvent(state, event);
        } catch (err: unknown) {
          // As scan did: a reducer fault is the stream's error, not an unhandled throw.
          subscriber.error(err);
          return;
        }
        if (state.version !== lastVersion) {
          lastVersion = state.version;
          if (perEvent) emitSummary(event.at, event);
          else {
            pending = event;
            if (flushTask === undefined && burst !== 'manual') flushTask = burst.schedule(flush);
          }
        }
        emitChanges();
      };
      // A tick, the reset, the seed or a gap: the same state, and its own summary.
      const onSide = (input: SideInput): void => {
        if (subscriber.closed) return;
        let closing: AcdSummary | undefined;
        try {
          // The closing summary is taken before the reset splits the open intervals.
          closing = input.kind === 'reset' ? summarize(state, input.at) : undefined;
          reduceMetrics(state, input);
        } catch (err: unknown) {
          subscriber.error(err);
          return;
        }
        if (closing !== undefined) {
          options.logger?.info('metrics period closed', {
            periodStart: closing.periodStart,
            at: closing.at,
            totalInboundCalls: closing.totalInboundCalls,
            totalAnsweredCalls: closing.totalAnsweredCalls,
            totalAbandonedCalls: closing.totalAbandonedCalls,
          });
          periods.next(closing);
        }
        // It takes its own summary, which includes the burst so far: it supersedes the pending one.
        pending = undefined;
        flushTask?.unsubscribe();
        flushTask = undefined;
        lastVersion = state.version;
        emitSummary(input.at, undefined);
        emitChanges();
      };
      const fail = (err: unknown): void => {
        subscriber.error(err);
      };
      // The side inputs first (as connect() subscribed them before connecting the events): a synchronous seed
      // goes before the first event.
      const side = side$.subscribe({ next: onSide, error: fail });
      const sub = events$.subscribe({
        next: onEvent,
        error: fail,
        complete: () => {
          side.unsubscribe();
          flush();
          subscriber.complete();
        },
      });
      sub.add(side);
      if (closedPeriod !== undefined) {
        sub.add(
          scheduler.schedule(() => {
            options.logger?.info('metrics period closed from its checkpoint', { periodStart: closedPeriod.periodStart, at: closedPeriod.at, totalInboundCalls: closedPeriod.totalInboundCalls });
            periods.next(closedPeriod);
          }),
        );
      }
      return () => {
        sub.unsubscribe();
        flushTask?.unsubscribe();
        if (flushCore === flush) flushCore = () => undefined;
        latest = undefined;
      };
    });
  }).pipe(share());

  /** A stream of the core: `hub`'s values while the core runs (started by the first stream), ending with it. */
  const fromCore = <T>(hub: Subject<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      // The hub first: a core this subscription starts emits its initial summary at once.
      hub.subscribe(subscriber);
      core$.subscribe(subscriber);
    });

  // summary$ and updates$: the latest of a core already running (for another stream) first, then the core's own.
  const updates$ = defer(() => {
    const current = latest; // set only while the core runs for another stream
    const own$ = fromCore(summaries);
    return current === undefined ? own$ : own$.pipe(startWith(current));
  }).pipe(shareReplay({ bufferSize: 1, refCount: true }));

  return {
    summary$: updates$.pipe(map((u) => u.summary)),
    updates$,
    periods$: fromCore(periods),
    changes$: fromCore(changes),
    expiredCalls: () => current?.expiredCallsTotal ?? 0,
    state: () => current,
    flush: () => {
      flushCore();
    },
  };
}
