// decodeFrames: raw WebSocket frames → AcdEvent | DecodeError, never an error notification (architecture:
// decode at the edge; nothing silent). DecodeErrors are counted by reason and logged once per reason per
// interval, with the count of the ones suppressed in between.

import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { AcdEvent, DecodeError, DecodeErrorReason } from '../protocol/acd-event.js';
import { isDecodeError } from '../protocol/acd-event.js';
import { decodeAcdFrame } from '../protocol/decode.js';
import type { Logger } from '../logging/logger.js';
import type { RawFrame } from '../socket/types.js';

/** Options of {@link decodeFrames}. */
export interface DecodeFramesOptions {
  /** Larger frames become a `too-large` DecodeError. */
  readonly maxFrameBytes: number;
  readonly logger: Logger;
  /** Clock of the log throttle (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  /** One log line per reason per this many ms (default 10 000). */
  readonly logIntervalMs?: number;
  /** Called with every DecodeError (counting), before it is emitted. */
  readonly onError?: (error: DecodeError) => void;
}

/** The default throttle window of malformed-frame logs. */
export const DECODE_LOG_INTERVAL_MS = 10_000;

/**
 * Decodes each frame with `decodeAcdFrame`. Emits the event or the DecodeError (a value, never thrown); logs the
 * first DecodeError of each reason at `warn`, then at most one line per reason per `logIntervalMs`, which
 * reports how many of that reason were suppressed in between. The stream goes on after any frame.
 */
export function decodeFrames(options: DecodeFramesOptions): OperatorFunction<RawFrame, AcdEvent | DecodeError> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const windowMs = options.logIntervalMs ?? DECODE_LOG_INTERVAL_MS;
  const { maxFrameBytes, logger, onError } = options;

  return (source) =>
    new Observable<AcdEvent | DecodeError>((subscriber) => {
      // Per subscription, per reason: the open log window and the errors suppressed in it.
      const windows = new Map<DecodeErrorReason, { suppressed: number; timer: Subscription }>();

      const report = (e: DecodeError): void => {
        const open = windows.get(e.reason);
        if (open !== undefined) {
          open.suppressed++;
          return;
        }
        logger.warn('malformed frame dropped', { reason: e.reason, detail: e.message, excerpt: e.excerpt, bytes: e.bytes });
        const w = {
          suppressed: 0,
          timer: scheduler.schedule(() => {
            windows.delete(e.reason);
            if (w.suppressed > 0) {
              logger.warn('malformed frames suppressed', { reason: e.reason, suppressed: w.suppressed, windowMs });
            }
          }, windowMs),
        };
        windows.set(e.reason, w);
      };

      const sub = source.subscribe({
        next: (frame) => {
          const out = decodeAcdFrame(frame.data, frame.isBinary, frame.at, maxFrameBytes);
          // A well-formed envelope of another kind ("call", "smdr") is not a fault: other boxes decode it.
          if (isDecodeError(out) && out.reason !== 'other-event') {
            onError?.(out);
            report(out);
          }
          subscriber.next(out);
        },
        error: (err: unknown) => {
          subscriber.error(err);
        },
        complete: () => {
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        for (const w of windows.values()) w.timer.unsubscribe();
        windows.clear();
      };
    });
}
