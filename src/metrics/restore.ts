// What a restarting client does with the checkpoint it finds (issue 17, docs/state-continuity.md). Pure: the text
// comes from a file or a KV bucket, the instant from the scheduler.
//
// - none: no checkpoint; the figures start at zero.
// - restored: a checkpoint of this PBX and of the current period (no reset fell between it and now): the state
//   goes on from it; every open interval is counted up to the checkpoint and resumes now (time across the gap is
//   counted nowhere); the interval is a `gap` marker with `cause: 'restart'`.
// - closed: a checkpoint of this PBX but of an older period (its reset fell while the process was down): its
//   summary at the checkpoint instant goes to `periods$` marked `closedBy: 'checkpoint'`; the figures start at zero.
// - ignored: unreadable, corrupt, of another version or of another PBX or account: reported, never restored.

import type { MetricsConfig } from '../config/config.js';
import { decodeCheckpoint, type CheckpointIdentity } from './checkpoint.js';
import { resumeAfterGap } from './reducer.js';
import { resetClock } from './reset-time.js';
import { summarize } from './summarize.js';
import type { AcdSummary, MetricsState } from './types.js';

/** A period's closing summary; `closedBy: 'checkpoint'` when a restart closed it from its checkpoint (not the reset). */
export interface PeriodSummary extends AcdSummary {
  /**
   * Present when the process was down at the period's reset: the summary is the period's checkpoint (its figures
   * end at `at`, the checkpoint instant, not at the reset).
   */
  readonly closedBy?: 'checkpoint';
}

/** What became of the checkpoint found at start. */
export type RestoreOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'restored'; readonly savedAt: number; readonly periodStart: number }
  | { readonly kind: 'closed'; readonly savedAt: number; readonly periodStart: number }
  | {
      readonly kind: 'ignored';
      readonly reason: 'unreadable' | 'corrupt' | 'unsupported-version' | 'foreign';
      /** Says what was wrong, for a person (names no secret). */
      readonly detail: string;
    };

/** A restore decided: the outcome, and what the summary streams start from. */
export interface RestorePlan {
  readonly outcome: RestoreOutcome;
  /** The state to go on from (restored only). */
  readonly state?: MetricsState;
  /** The older period's summary for `periods$` (closed only). */
  readonly closedPeriod?: PeriodSummary;
  /** Start of the restart gap: the checkpoint instant (restored and closed). */
  readonly gapFrom?: number;
}

function describeIdentity(i: CheckpointIdentity): string {
  return `${i.userId}@${i.host}:${String(i.port)}`;
}

/**
 * Decides what to do with a checkpoint's text (`undefined`: none found) at `now`, for the PBX `identity` and the
 * metrics configuration of today (its reset time and zone say which period `now` is in).
 */
export function planRestore(text: string | undefined, ctx: { readonly identity: CheckpointIdentity; readonly metrics: MetricsConfig; readonly now: number }): RestorePlan {
  if (text === undefined) return { outcome: { kind: 'none' } };
  const decoded = decodeCheckpoint(text, ctx.metrics);
  if (!decoded.ok) return { outcome: { kind: 'ignored', reason: decoded.problem.kind, detail: decoded.problem.detail } };
  const { identity, savedAt, state } = decoded.checkpoint;
  const mine = ctx.identity;
  if (identity.host !== mine.host || identity.port !== mine.port || identity.userId !== mine.userId) {
    const which = identity.host !== mine.host || identity.port !== mine.port ? 'another PBX' : 'another account';
    return {
      outcome: { kind: 'ignored', reason: 'foreign', detail: `the checkpoint is of ${which} (${describeIdentity(identity)}), this client is ${describeIdentity(mine)}` },
    };
  }
  const nextReset = resetClock(ctx.metrics.resetTime, ctx.metrics.timeZone);
  if (nextReset(savedAt) <= ctx.now) {
    const closedPeriod: PeriodSummary = { ...summarize(state, savedAt), closedBy: 'checkpoint' };
    return { outcome: { kind: 'closed', savedAt, periodStart: state.periodStart }, closedPeriod, gapFrom: savedAt };
  }
  return {
    outcome: { kind: 'restored', savedAt, periodStart: state.periodStart },
    state: resumeAfterGap(state, savedAt, Math.max(ctx.now, savedAt)),
    gapFrom: savedAt,
  };
}
