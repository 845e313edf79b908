// Marble helpers of the metrics: events are stamped with the virtual receive time (what the socket box does),
// and a figure of the summary is projected so each diagram shows one rule.
import { distinctUntilChanged, map, type MonoTypeOperatorFunction, type Observable, type SchedulerLike } from 'rxjs';
import type { AcdEvent } from '../../src/protocol/acd-event.js';
import type { MetricsConfig } from '../../src/config/config.js';
import { createSummary, type SummaryStreams } from '../../src/metrics/summary.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { TEST_METRICS } from './acd-event-builders.js';

/** Sets each event's `at` to the scheduler's now, as the socket box stamps received frames. */
export function stamp(scheduler: SchedulerLike): MonoTypeOperatorFunction<AcdEvent> {
  return map((e) => ({ ...e, at: scheduler.now() }));
}

/** The test metrics with ticks out of the way (1 h), unless the diagram is about ticks. */
export const QUIET_METRICS: MetricsConfig = { ...TEST_METRICS, tickMs: 3_600_000 };

/** {@link QUIET_METRICS} with one summary per figure-changing event (`metrics.summaryPerEvent`), for diagrams of one figure event by event. */
export const PER_EVENT_METRICS: MetricsConfig = { ...QUIET_METRICS, summaryPerEvent: true };

/** createSummary over stamped events. */
export function summaryOf(events$: Observable<AcdEvent>, scheduler: SchedulerLike, metrics: MetricsConfig = QUIET_METRICS): SummaryStreams {
  return createSummary(events$.pipe(stamp(scheduler)), { metrics, scheduler });
}

/** One projection of the summary, repeated values dropped: the diagram shows when the figure changes. */
export function figure<T>(events$: Observable<AcdEvent>, scheduler: SchedulerLike, pick: (s: AcdSummary) => T, metrics?: MetricsConfig): Observable<T> {
  return summaryOf(events$, scheduler, metrics).summary$.pipe(map(pick), distinctUntilChanged());
}
