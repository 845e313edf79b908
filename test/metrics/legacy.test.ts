// The legacy shapes: the seed's keys exactly as metrics.md §3 spells them, and the §5 hook payloads.
import { describe, it, expect } from 'vitest';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { legacyHookPayload, toLegacySummary } from '../../src/metrics/legacy.js';
import { ev, s, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

describe('toLegacySummary', () => {
  it('uses the thirteen seed keys exactly, and kebab-case for the rest', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    reduceMetrics(st, ev(11, { at: 0, src: '1001', d1: '1' }));
    reduceMetrics(st, ev(3, { at: 0, ref: 1, src: 'co:1' }));
    const legacy = toLegacySummary(summarize(st, s(2)));
    for (const key of [
      'stations-connected', 'agents-logged-in', 'total-inbound-calls', 'total-answered-calls', 'total-abandoned-calls',
      'total-outbound-calls', 'total-logged-in-time', 'total-avail-time', 'total-unavail-time', 'total-idle-time',
      'total-busy-time', 'total-hold-time', 'total-wrap-time',
      'active-calls', 'calls-in-queue', 'longest-wait-time', 'busy-stations', 'agents-available', 'agents-unavailable',
      'agents-on-wrap', 'answered-within-service-level', 'speed-of-answer-seconds', 'handle-seconds',
      'average-speed-of-answer', 'average-handle-time', 'abandon-rate', 'short-abandons', 'service-level',
      'expired-calls', 'period-start', 'at', 'groups', 'stations', 'coverage',
    ]) {
      expect(legacy).toHaveProperty([key]);
    }
    expect(Object.keys(legacy)).toHaveLength(34);
    expect(legacy['stations-connected']).toBe(1);
    expect(legacy['total-logged-in-time']).toBe(2);
    expect(legacy['service-level']).toBeNull();
    expect((legacy['stations'] as Record<string, unknown>[])[0]).toHaveProperty(['agent-groups'], ['1']);
  });
});

describe('legacyHookPayload', () => {
  it('spells each §5 payload exactly, with the figure after the event', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    const payloads: Record<string, number>[] = [];
    const feed = (e: Parameters<typeof reduceMetrics>[1]): void => {
      reduceMetrics(st, e);
      for (const c of st.lastChanges) payloads.push(legacyHookPayload(c));
    };
    feed(ev(84, { at: 0, src: '1001' }));
    feed(ev(11, { at: 0, src: '1001', d1: '1' }));
    feed(ev(3, { at: 0, ref: 1, src: 'co:1' }));
    feed(ev(62, { at: 0, ref: 1, src: 'co:1', d1: '1' }));
    feed(ev(42, { at: 1, ref: 1, src: 'co:1', dst: '1001' }));
    feed(ev(17, { at: 1, src: '1001' }));
    feed(ev(44, { at: 2, ref: 1, src: 'co:1', d1: '0' }));
    feed(ev(12, { at: 3, src: '1001', d1: '1' }));
    feed(ev(82, { at: 3, src: '1001' }));
    expect(payloads).toEqual([
      { 'Stations connected': 1 },
      { 'Agents Logged In': 1 },
      { 'Total Calls': 1 },
      { 'Calls In Queue': 1 },
      { 'Answered Calls': 1 },
      { 'Busy Stations': 1 },
      { 'Active Calls': 0 },
      { 'Agents Logged In': 0 },
      { 'Stations connected': 0 },
    ]);
  });
});
