// State continuity across restarts (issue 17, docs/state-continuity.md): at start, the checkpoint found in the
// store is restored, closed or ignored (metrics/restore.ts) and the outcome logged; while running, the metrics
// state is checkpointed every `state.checkpointMs` and on close; the interval between the checkpoint and the first
// socket is a `gap` marker with `cause: 'restart'` on `connection$`.

import { Subject, interval, merge, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { encodeCheckpoint, type CheckpointIdentity } from '../metrics/checkpoint.js';
import { planRestore, type RestoreOutcome, type RestorePlan } from '../metrics/restore.js';
import type { MetricsState } from '../metrics/types.js';
import type { ConnectionState } from '../socket/types.js';
import type { CheckpointStore } from './store.js';

/** The identity a checkpoint of this configuration carries. */
export function identityOf(config: Config): CheckpointIdentity {
  return { host: config.server.host, port: config.server.port, userId: config.server.userId };
}

/** The continuity of one client: what was restored, and the checkpoints from now on. */
export interface StateContinuity {
  readonly outcome: RestoreOutcome;
  /** What the summary streams start from (`createSummary`'s `restore`). */
  readonly restore: Pick<RestorePlan, 'state' | 'closedPeriod'>;
  /**
   * `connection$` with the restart gap marker placed before the first `open` (the same states otherwise). Call it
   * once: it also follows the socket, so a checkpoint taken while no socket is open says its figures are complete
   * only up to the instant the socket was lost.
   */
  withRestartGap(connection$: Observable<ConnectionState>): Observable<ConnectionState>;
  /** Restart gap markers emitted (0 or 1), for the client's `gaps` counter. */
  restartGaps(): number;
  /** Starts the checkpoints of `state()` (one at once, then every `checkpointMs`). */
  start(state: () => MetricsState | undefined): void;
  /** Stops the timer and writes the last checkpoint. Never rejects (a failure is logged). */
  close(): Promise<void>;
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads the store (none: nothing restored, nothing written), decides the restore at the scheduler's now and logs
 * the outcome: restored and closed at info, ignored at warn (with what was wrong). Never throws.
 */
export function openStateContinuity(
  config: Config,
  store: CheckpointStore | undefined,
  deps: {
    readonly scheduler: SchedulerLike;
    readonly logger: Logger;
    /** Set when the state came from elsewhere (a journal's warm start): the checkpoint is not read, only written. */
    readonly notRestored?: string;
    /**
     * The instant the previous process last saw the PBX when the state came from elsewhere (a journal's last frame):
     * the restart gap starts there. A restored checkpoint's own instant comes first.
     */
    readonly restartedFrom?: number;
  },
): StateContinuity {
  const { scheduler, logger } = deps;
  const identity = identityOf(config);
  let plan: RestorePlan = { outcome: { kind: 'none' } };
  if (store !== undefined && deps.notRestored !== undefined) {
    logger.info(`checkpoint not read: ${deps.notRestored}`, { store: store.name });
  } else if (store !== undefined) {
    try {
      plan = planRestore(store.load(), { identity, metrics: config.metrics, now: scheduler.now() });
    } catch (e) {
      plan = { outcome: { kind: 'ignored', reason: 'unreadable', detail: describeError(e) } };
    }
    const o = plan.outcome;
    if (o.kind === 'restored') logger.info('metrics restored from checkpoint', { store: store.name, savedAt: o.savedAt, periodStart: o.periodStart });
    if (o.kind === 'closed') logger.info('checkpoint of an older period closed into periods$, figures start at zero', { store: store.name, savedAt: o.savedAt, periodStart: o.periodStart });
    if (o.kind === 'ignored') {
      logger.warn(`checkpoint ignored (${o.reason}): ${o.detail}`, { store: store.name });
      if (o.reason !== 'unreadable') store.setAside?.();
    }
  }

  let timer: Subscription | undefined;
  /** A fatal error stopped the client: no more checkpoints but the one on close. */
  let stopped = false;
  let readState: (() => MetricsState | undefined) | undefined;
  let inFlight: Promise<void> | undefined;
  let lastFailure: string | undefined;
  // Since when no socket has been open (undefined while one is): a checkpoint's figures are complete up to there.
  // Before the first socket of a restored client, that is its checkpoint's instant.
  let downSince: number | undefined = plan.outcome.kind === 'restored' ? plan.gapFrom : (deps.restartedFrom ?? scheduler.now());

  /** Writes one checkpoint (skipped while an asynchronous one is still being written). */
  const save = (): Promise<void> | undefined => {
    const state = readState?.();
    if (store === undefined || state === undefined || inFlight !== undefined) return inFlight;
    const failed = (e: unknown): void => {
      const why = describeError(e);
      // One warning per distinct failure, not one per checkpoint.
      if (why !== lastFailure) logger.warn(`checkpoint not written: ${why}`, { store: store.name });
      lastFailure = why;
    };
    try {
      const written = store.save(encodeCheckpoint(state, identity, downSince ?? scheduler.now()));
      if (written === undefined) {
        lastFailure = undefined;
        return undefined;
      }
      inFlight = written.then(
        () => {
          lastFailure = undefined;
        },
        failed,
      ).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    } catch (e) {
      failed(e);
      return undefined;
    }
  };

  const stopTimer = (): void => {
    if (timer === undefined) return;
    timer.unsubscribe();
    timer = undefined;
    void save();
  };

  const gapFrom = plan.gapFrom ?? deps.restartedFrom;
  let marked = false;
  return {
    outcome: plan.outcome,
    restore: { ...(plan.state ? { state: plan.state } : {}), ...(plan.closedPeriod ? { closedPeriod: plan.closedPeriod } : {}) },
    withRestartGap: (connection$) => {
      // One marker for every subscriber, emitted just before the first `open` reaches them.
      const gap$ = new Subject<ConnectionState>();
      marked = gapFrom === undefined;
      connection$.subscribe({
        next: (s) => {
          if (s.kind === 'gap') return;
          if (s.kind !== 'open') {
            downSince ??= s.at;
            // A fatal error releases every timer at once: the last checkpoint now, none after it.
            if (s.kind === 'closed' && s.fatal === true) {
              stopped = true;
              stopTimer();
            }
            return;
          }
          downSince = undefined;
          if (marked || gapFrom === undefined) return;
          marked = true;
          gap$.next({ kind: 'gap', at: s.at, from: gapFrom, to: s.at, cause: 'restart' });
          gap$.complete();
        },
        complete: () => {
          gap$.complete();
        },
        // The client's own streams report a fatal error.
        error: () => {
          gap$.complete();
        },
      });
      return gapFrom === undefined ? connection$ : merge(gap$, connection$);
    },
    restartGaps: () => (marked && gapFrom !== undefined ? 1 : 0),
    start: (state) => {
      if (store === undefined) return;
      readState = state;
      void save();
      timer = interval(config.state.checkpointMs, scheduler).subscribe(() => void save());
      if (stopped) stopTimer();
    },
    close: async () => {
      timer?.unsubscribe();
      timer = undefined;
      await inFlight;
      await save();
      readState = undefined;
    },
  };
}
