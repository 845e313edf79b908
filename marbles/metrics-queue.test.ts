// Queue (metrics.md §2 queued): 62 puts an inbound call in the queue of group data1; it leaves the queue when it
// rings a station (66), is answered (42) or ends (§3 callsInQueue, longestWaitTime, the per-group breakdown).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev, TEST_METRICS } from './helpers/acd-event-builders.js';
import { PER_EVENT_METRICS, figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const queue = (s: AcdSummary): string => `${String(s.callsInQueue)} queued, oldest ${String(s.longestWaitTime)} s`;
const e = {
  a: ev(3, { ref: 1, src: 'co:1' }),
  A: ev(62, { ref: 1, src: 'co:1', d1: '0003' }),
  b: ev(3, { ref: 2, src: 'co:2' }),
  B: ev(62, { ref: 2, src: 'co:2', d1: '3' }),
  c: ev(3, { ref: 3, src: 'co:3' }),
  C: ev(62, { ref: 3, src: 'co:3', d1: '3' }),
  r: ev(66, { ref: 1, src: '1001', dst: 'co:1', d1: '3' }), // call 1 rings a station
  k: ev(42, { ref: 2, src: 'co:2', dst: '1002' }), // call 2 answered
  x: ev(2, { src: 'co:3' }), // call 3 ends
  n: ev(62, { ref: 9, src: 'co:9', d1: '0' }), // group 0: not an ACD call
};

describe('queue', () => {
  it('62 queues; 66, 42 and the end dequeue; the oldest queued call gives the longest wait', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' (aA) 996ms (bB) 996ms (cC) 996ms r 999ms k 999ms x 999ms |', e);
      // Each event that changes a figure shows the wait as it stands at that instant (one summary per event).
      const expected = '   (zA) 996ms (bB) 996ms (cC) 996ms r 999ms k 999ms x 999ms |';
      expectObservable(figure(events, scheduler, queue, PER_EVENT_METRICS)).toBe(expected, {
        z: '0 queued, oldest 0 s',
        A: '1 queued, oldest 0 s',
        b: '1 queued, oldest 1 s',
        B: '2 queued, oldest 1 s',
        c: '2 queued, oldest 2 s',
        C: '3 queued, oldest 2 s',
        r: '2 queued, oldest 2 s', // call 2 (queued at 1 s) is now the oldest
        k: '1 queued, oldest 2 s', // call 3 (queued at 2 s)
        x: '0 queued, oldest 0 s',
      });
    });
  });

  it('the longest wait moves on ticks while a call is queued', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 500ms (aA) 2996ms x 999ms |', { ...e, x: ev(2, { src: 'co:1' }) });
      const expected = '   z 499ms A 499ms a 999ms b 999ms c 499ms x 999ms |';
      expectObservable(figure(events, scheduler, queue, TEST_METRICS)).toBe(expected, {
        z: '0 queued, oldest 0 s',
        A: '1 queued, oldest 0 s',
        a: '1 queued, oldest 0.5 s',
        b: '1 queued, oldest 1.5 s',
        c: '1 queued, oldest 2.5 s',
        x: '0 queued, oldest 0 s',
      });
    });
  });

  it('per group: the queue and the group known for the call', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const pick = (s: AcdSummary): string => s.groups.map((g) => `g${g.group}: ${String(g.callsInQueue)} queued, ${String(g.totalInboundCalls)} in`).join('; ');
      const events = cold(' (aA) 996ms (bB) 996ms n 999ms |', e);
      const expected = '   (zA) 996ms B 1999ms |';
      expectObservable(figure(events, scheduler, pick)).toBe(expected, { z: '', A: 'g3: 1 queued, 1 in', B: 'g3: 2 queued, 2 in' });
    });
  });
});
