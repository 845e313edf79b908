// The period and the daily reset (metrics.md §4): at resetTime in timeZone (here 00:01 UTC, i.e. 60 s after the
// virtual epoch) totals and counters go to zero, open intervals are split at the reset instant, states carry
// over, and the closing summary goes out on periods$ before the reset.
import { describe, it } from 'vitest';
import { distinctUntilChanged, map, merge } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { QUIET_METRICS, summaryOf } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';
import type { AcdEvent } from '../src/protocol/acd-event.js';

const RESET_AT_ONE_MINUTE = { ...QUIET_METRICS, resetTime: '00:01', timeZone: 'UTC' };
const fig = (s: AcdSummary): string =>
  `in ${String(s.totalInboundCalls)} ans ${String(s.totalAnsweredCalls)} hold ${String(s.totalHoldTime)} idle ${String(s.totalIdleTime)} active ${String(s.activeCalls)} from ${String(s.periodStart / 1000)}`;

describe('the daily reset', () => {
  it('a reset in the middle of a held call: periods$ gets the closing summary first, then the zeroed summary', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5' }), // 10 s
        a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }), // 20 s: 1001 registered, idle from 20 s
        h: ev(49, { ref: 7, src: '1001' }), // 50 s: hold opens
        u: ev(50, { ref: 7, src: '1001' }), // 70 s: hold closes (10 s of it after the reset)
        d: ev(44, { ref: 7, src: 'co:5', d1: '0' }), // 80 s
      };
      const events = cold(' 10s r 9999ms a 29999ms h 19999ms u 9999ms d 9999ms |', e);
      const { summary$, periods$ } = summaryOf(events, scheduler, RESET_AT_ONE_MINUTE);
      const both$ = merge(periods$.pipe(map((p) => `closing: ${fig(p)}`)), summary$.pipe(map(fig), distinctUntilChanged()));
      // At 60 s: the closing summary (hold 10 s = 50→60, idle 40 s = 20→60) precedes the new period's first one.
      const expected = ' z 9999ms r 9999ms a 29999ms h 9999ms (PS) 9996ms u 9999ms d 9999ms |';
      expectObservable(both$).toBe(expected, {
        z: 'in 0 ans 0 hold 0 idle 0 active 0 from 0',
        r: 'in 1 ans 0 hold 0 idle 0 active 1 from 0',
        a: 'in 1 ans 1 hold 0 idle 0 active 1 from 0',
        h: 'in 1 ans 1 hold 0 idle 30 active 1 from 0',
        P: 'closing: in 1 ans 1 hold 10 idle 40 active 1 from 0',
        S: 'in 0 ans 0 hold 0 idle 0 active 1 from 60',
        u: 'in 0 ans 0 hold 10 idle 10 active 1 from 60',
        d: 'in 0 ans 0 hold 10 idle 20 active 0 from 60',
      });
    });
  });

  it('the next reset is a day later, recomputed after each one (00:00 UTC at 24 h is outside the frame budget, so 00:01 is used)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold<AcdEvent>('70s |');
      const { periods$ } = summaryOf(events, scheduler, RESET_AT_ONE_MINUTE);
      expectObservable(periods$.pipe(map((p) => `${String(p.periodStart)}→${String(p.at)}`))).toBe('60s p 9999ms |', { p: '0→60000' });
    });
  });

  it('abandonRate (§3) is null with no inbound call in the period, and exceeds 1 when calls from before the reset are abandoned after it', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        a: ev(3, { ref: 1, src: 'co:1' }), // 50 s: two calls of the old period
        b: ev(3, { ref: 2, src: 'co:2' }),
        x: ev(2, { src: 'co:1' }), // 70 s and 71 s: both abandoned in the new period
        y: ev(2, { src: 'co:2' }),
        c: ev(3, { ref: 3, src: 'co:3' }), // 80 s: the new period's first inbound call
      };
      const events = cold(' 50s (ab) 19996ms x 999ms y 8999ms c 999ms |', e);
      const rate = (s: AcdSummary): string => `in ${String(s.totalInboundCalls)} ab ${String(s.totalAbandonedCalls)} rate ${String(s.abandonRate)}`;
      // One summary per event, so the diagram shows both calls of the old period.
      const { summary$ } = summaryOf(events, scheduler, { ...RESET_AT_ONE_MINUTE, summaryPerEvent: true });
      const expected = ' z 49999ms (ab) 9996ms r 9999ms x 999ms y 8999ms c 999ms |';
      expectObservable(summary$.pipe(map(rate), distinctUntilChanged())).toBe(expected, {
        z: 'in 0 ab 0 rate null',
        a: 'in 1 ab 0 rate 0',
        b: 'in 2 ab 0 rate 0',
        r: 'in 0 ab 0 rate null',
        x: 'in 0 ab 1 rate null',
        y: 'in 0 ab 2 rate null',
        c: 'in 1 ab 2 rate 2',
      });
    });
  });
});
