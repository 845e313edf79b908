// The client's event pipeline: raw frames → decoded, filtered events (events$) and malformed frames (errors$),
// with one subscription to the frames and counters where every frame is accounted for.

import { asyncScheduler, filter, map, share, type Observable, type SchedulerLike } from 'rxjs';
import type { AcdEvent, DecodeError, MalformedReason } from '../protocol/acd-event.js';
import { isDecodeError, MALFORMED_REASONS } from '../protocol/acd-event.js';
import type { FiltersConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import type { RawFrame } from '../socket/types.js';
import { decodeFrames } from './decode-frames.js';
import { compileFilters, type FilterReason } from './filter-events.js';

/**
 * Counters of the pipeline. `received = delivered + filtered + malformed` at every instant. A well-formed envelope
 * of another kind (`call`, `smdr`, `presence`) is counted as filtered with the reason `not-acd`; anything hostile
 * (no envelope, a bad `event`, prototype keys, deep nesting, invalid UTF-8, …) is malformed, under its reason.
 */
export interface PipelineStats {
  readonly received: number;
  readonly delivered: number;
  readonly filtered: number;
  readonly filteredByReason: Record<string, number>;
  readonly malformed: number;
  /** One counter per {@link MalformedReason}, all present (0 when none). */
  readonly malformedByReason: Record<MalformedReason, number>;
}

/** Options of {@link acdPipeline}. */
export interface AcdPipelineOptions {
  readonly filters: FiltersConfig;
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  /** Clock of the malformed-frame log throttle (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/** The pipeline's streams. */
export interface AcdPipeline {
  /** Decoded events that passed the filters. */
  readonly events$: Observable<AcdEvent>;
  /** Frames that did not decode (counted and logged, never an error notification). */
  readonly errors$: Observable<DecodeError>;
  /** A snapshot of the counters. */
  readonly stats: () => PipelineStats;
}

function emptyMalformed(): Record<MalformedReason, number> {
  const out = {} as Record<MalformedReason, number>;
  for (const r of MALFORMED_REASONS) out[r] = 0;
  return out;
}

/** Marks a frame dropped by the filters in the shared stream (no allocation per frame). */
const FILTERED: unique symbol = Symbol('filtered');

/**
 * Decodes, classifies and filters frames. One subscription to `frames$` (shared) serves `events$` and `errors$`;
 * each frame is counted once, as delivered, filtered (by reason) or malformed (by reason), in the same step,
 * whichever of the two streams is subscribed.
 */
export function acdPipeline(frames$: Observable<RawFrame>, options: AcdPipelineOptions): AcdPipeline {
  const decide = compileFilters(options.filters);
  let received = 0;
  let delivered = 0;
  let filtered = 0;
  let malformed = 0;
  const filteredByReason: Record<string, number> = {};
  const malformedByReason = emptyMalformed();

  const classified$ = frames$.pipe(
    decodeFrames({
      maxFrameBytes: options.maxFrameBytes,
      logger: options.logger,
      scheduler: options.scheduler ?? asyncScheduler,
    }),
    map((x): AcdEvent | DecodeError | typeof FILTERED => {
      received++;
      // CTI, presence and SMDR envelopes share the socket; for the ACD pipeline they are filtered, not malformed.
      if (isDecodeError(x)) {
        if (x.reason === 'other-event') {
          filtered++;
          filteredByReason['not-acd'] = (filteredByReason['not-acd'] ?? 0) + 1;
          return FILTERED;
        }
        malformed++;
        malformedByReason[x.reason]++;
        return x;
      }
      const reason: FilterReason | undefined = decide(x);
      if (reason === undefined) {
        delivered++;
        return x;
      }
      filtered++;
      filteredByReason[reason] = (filteredByReason[reason] ?? 0) + 1;
      return FILTERED;
    }),
    share(),
  );

  return {
    events$: classified$.pipe(filter((x): x is AcdEvent => x !== FILTERED && !isDecodeError(x))),
    errors$: classified$.pipe(filter((x): x is DecodeError => x !== FILTERED && isDecodeError(x))),
    stats: () => ({
      received,
      delivered,
      filtered,
      filteredByReason: { ...filteredByReason },
      malformed,
      malformedByReason: { ...malformedByReason },
    }),
  };
}
