// A journal's lines fed through the live pipeline (acdPipeline → createSummary) on a virtual clock that starts at
// the header's `startedAt`: what the replay and the warm start share. Per frame the clock first runs every timer
// due before the frame's `at`, then the frame is delivered at that instant (a frame recorded out of order keeps
// its place in the file but cannot move the clock back: it is delivered at the clock's instant). A recorded gap
// goes to the metrics as it did live (it drives coverage; a restart's is not counted in open intervals).

import { Subject } from 'rxjs';
import type { FiltersConfig, MetricsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { createSummary, type SummaryStreams } from '../metrics/summary.js';
import type { GapInput } from '../metrics/types.js';
import { acdPipeline, type PipelineStats } from '../streams/pipeline.js';
import type { ConnectionState, RawFrame } from '../socket/types.js';
import type { JournalHeader } from './format.js';
import { VirtualClock } from './virtual-clock.js';

/** Options of {@link openJournalFeed}: the settings the frames are decoded, filtered and counted with. */
export interface JournalFeedOptions {
  readonly metrics: MetricsConfig;
  readonly filters: FiltersConfig;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  /** Log each period the feed closes (the replay does; a warm start re-runs periods logged live already). */
  readonly logPeriods: boolean;
}

/** A journal being fed through the pipeline (see {@link openJournalFeed}). */
export interface JournalFeed {
  readonly clock: VirtualClock;
  /** The summary streams over the fed frames; summaries of a batch go out on `flush()` (burst `'manual'`). */
  readonly streams: SummaryStreams;
  /** The pipeline's counters (received = delivered + filtered + malformed). */
  readonly stats: () => PipelineStats;
  /** A recorded gap (see {@link recordedGap}) at the line's instant `at`: the clock runs to `at`, the gap goes to the metrics. */
  readonly gap: (gap: RecordedGap, at: number) => void;
  /** A recorded frame (see the module's comment); true when it was recorded earlier than the clock (out of order). */
  readonly frame: (frame: RawFrame) => boolean;
  /** Ends the fed streams (completes them: a pending burst's summary is flushed). */
  readonly end: () => void;
}

/** A recorded connection state that is a gap with finite ends. */
export type RecordedGap = Extract<ConnectionState, { kind: 'gap' }>;

/** The recorded state as a gap the metrics take, or `undefined` (other states are informative only). */
export function recordedGap(state: ConnectionState): RecordedGap | undefined {
  return state.kind === 'gap' && Number.isFinite(state.from) && Number.isFinite(state.to) ? state : undefined;
}

/** Opens the pipeline and the summary streams of a journal with this header, on a clock at its `startedAt`. */
export function openJournalFeed(header: JournalHeader, options: JournalFeedOptions): JournalFeed {
  const clock = new VirtualClock(header.startedAt);
  const frames$$ = new Subject<RawFrame>();
  const gaps$$ = new Subject<GapInput>();
  const pipeline = acdPipeline(frames$$, { filters: options.filters, maxFrameBytes: options.maxFrameBytes, logger: options.logger, scheduler: clock });
  const streams = createSummary(pipeline.events$, {
    metrics: options.metrics,
    scheduler: clock,
    burst: 'manual',
    inputs$: gaps$$,
    ...(options.logPeriods ? { logger: options.logger } : {}),
  });
  return {
    clock,
    streams,
    stats: pipeline.stats,
    gap: (st, at) => {
      clock.advance(at, false);
      gaps$$.next(st.cause === 'restart' ? { kind: 'gap', at: clock.now(), from: st.from, to: st.to, cause: 'restart' } : { kind: 'gap', at: clock.now(), from: st.from, to: st.to });
    },
    frame: (f) => {
      const late = f.at < clock.now();
      // Timers due before the frame run first; those due at its very instant run after it (the order of a
      // TestScheduler on which the frames were scheduled first; live, both orders give the same figures).
      clock.advance(f.at, false);
      frames$$.next(late ? { ...f, at: clock.now() } : f);
      return late;
    },
    end: () => {
      frames$$.complete();
      gaps$$.complete();
    },
  };
}
