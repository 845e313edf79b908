// summary$ as a stream (metrics.md §3): initial value, emission after figure-changing events only, ticks while an
// interval is open, never two equal summaries in a row, the latest replayed to a late subscriber.
import { describe, it } from 'vitest';
import { map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev, TEST_METRICS } from './helpers/acd-event-builders.js';
import { summaryOf } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const calls = (s: AcdSummary): string => `${String(s.activeCalls)} active, ${String(s.callsInQueue)} queued, wait ${String(s.longestWaitTime)}`;

describe('summary$', () => {
  it('emits at subscription, after each burst of events that change a figure, and on ticks only while an interval is open', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 1, src: 'co:1' }), // a call rings: activeCalls 1
        q: ev(62, { ref: 1, src: 'co:1', d1: '1' }), // it is queued: the wait is an open interval
        t: ev(68, { d1: '1127', d2: '26' }), // TIME & DATE changes no figure: no emission
        x: ev(2, { src: 'co:1' }), // CO IDLE ends it: nothing open, ticks fall silent
      };
      const events = cold('        500ms (rq) 996ms t 999ms x 1499ms |', e);
      // r and q arrive in one burst (one instant of the clock): one summary, the one after q (metrics.md §3).
      // Ticks every tickMs (1 s) on the subscription's phase: 1000 and 2000 move the wait; 3000 and 4000 change nothing.
      const expected = '      i 499ms q 499ms a 999ms b 499ms x 1499ms |';
      expectObservable(summaryOf(events, scheduler, TEST_METRICS).summary$.pipe(map(calls))).toBe(expected, {
        i: '0 active, 0 queued, wait 0',
        r: '1 active, 0 queued, wait 0',
        q: '1 active, 1 queued, wait 0',
        a: '1 active, 1 queued, wait 0.5',
        b: '1 active, 1 queued, wait 1.5',
        x: '0 active, 0 queued, wait 0',
      });
    });
  });

  it('replays the latest summary to a late subscriber, at once', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold('100ms r 1999ms |', { r: ev(3, { ref: 1, src: 'co:1' }) });
      const summary$ = summaryOf(events, scheduler).summary$.pipe(map((s) => s.activeCalls));
      const n = { z: 0, o: 1 };
      expectObservable(summary$, '^ 1500ms !').toBe('z 99ms o', n);
      // Subscribed at 700 ms: gets the value of 100 ms immediately.
      expectObservable(summary$, '700ms ^ 500ms !').toBe('700ms o', n);
    });
  });

  it('never emits two equal summaries in a row, even when several events arrive', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      // 1 CO BUSY and 68 TIME & DATE touch no figure; only the 3 does.
      const e = { b: ev(1, { ref: 1, src: 'co:1' }), t: ev(68), r: ev(3, { ref: 1, src: 'co:1' }) };
      const events = cold('10ms b 9ms t 9ms r 9ms t 9ms |', e);
      expectObservable(summaryOf(events, scheduler).summary$.pipe(map((s) => s.activeCalls))).toBe('z 29ms o 19ms |', { z: 0, o: 1 });
    });
  });

  it('updates$ is summary$ with its cause: the event after which it was taken, none for the first summary and ticks', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { r: ev(3, { ref: 1, src: 'co:1' }), q: ev(62, { ref: 1, src: 'co:1', d1: '1' }) };
      const events = cold('        500ms r 499ms q 1499ms |', e);
      // The queue wait is an open interval: the tick at 2000 ms moves it (cause: none).
      const expected = '      i 499ms r 499ms q 999ms t 499ms |';
      const updates$ = summaryOf(events, scheduler, TEST_METRICS).updates$.pipe(map((u) => `${u.event === undefined ? 'none' : String(u.event.code)} at ${String(u.at)}, ${String(u.summary.callsInQueue)} queued`));
      expectObservable(updates$).toBe(expected, {
        i: 'none at 0, 0 queued',
        r: '3 at 500, 0 queued',
        q: '62 at 1000, 1 queued',
        t: 'none at 2000, 1 queued',
      });
    });
  });

  it('the streams share one core: summary$ joins a core changes$ started with its latest; an error or the end of the events ends every stream; after the end, summary$ replays its last and changes$ runs a new core', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { r: ev(3, { ref: 1, src: 'co:1' }), s: ev(3, { ref: 2, src: 'co:2' }) };
      // changes$ starts the core at 0; summary$ subscribes at 300 ms and gets the summary after r at once.
      const ended = summaryOf(cold('100ms r 399ms s 99ms |', e), scheduler);
      expectObservable(ended.changes$.pipe(map((c) => `${c.kind} ${String(c.figure)}`))).toBe('100ms a 399ms b 99ms |', { a: 'newCall 1', b: 'newCall 2' });
      expectObservable(ended.summary$.pipe(map((s) => s.activeCalls)), '300ms ^').toBe('300ms o 199ms t 99ms |', { o: 1, t: 2 });
      expectObservable(ended.periods$).toBe('600ms |');
      // The events fail at 200 ms: summary$, changes$ and periods$ fail with them.
      const failed = summaryOf(cold('100ms r 99ms #', e, new Error('socket')), scheduler);
      expectObservable(failed.summary$.pipe(map((s) => s.activeCalls))).toBe('z 99ms o 99ms #', { z: 0, o: 1 }, new Error('socket'));
      expectObservable(failed.changes$.pipe(map((c) => c.kind))).toBe('100ms n 99ms #', { n: 'newCall' }, new Error('socket'));
      expectObservable(failed.periods$).toBe('200ms #', undefined, new Error('socket'));
      // After the end: summary$ replays its last value and ends; changes$ runs the events again from a fresh state.
      const again = summaryOf(cold('100ms r 99ms |', e), scheduler);
      expectObservable(again.summary$.pipe(map((s) => s.activeCalls)), '^ 300ms !').toBe('z 99ms o 99ms |', { z: 0, o: 1 });
      expectObservable(again.summary$.pipe(map((s) => s.activeCalls)), '400ms ^').toBe('400ms (o|)', { o: 1 });
      expectObservable(again.changes$.pipe(map((c) => `${c.kind} ${String(c.figure)}`)), '400ms ^').toBe('500ms n 99ms |', { n: 'newCall 1' });
    });
  });
});
