// Hold (metrics.md §2 held): 49 opens a hold interval on the call; 42, 50, 44 and the call's end close it;
// 58 TRANSFER HOLD is not hold (§3 totalHoldTime, open interval included up to the emission).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev, TEST_METRICS } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const hold = (s: AcdSummary): string => `hold ${String(s.totalHoldTime)} s`;
const call = {
  r: ev(3, { ref: 7, src: 'co:5' }),
  a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }),
  h: ev(49, { ref: 7, src: '1001', dst: 'co:5' }),
  b: ev(42, { ref: 7, src: '1001', dst: 'co:5' }), // back from hold
  u: ev(50, { ref: 7, src: '1001', dst: 'co:5' }), // hold recall
  t: ev(58, { ref: 7, src: '1001', dst: '1002' }), // transfer hold: not hold
  d: ev(44, { ref: 7, src: 'co:5', d1: '0' }),
};

describe('hold time', () => {
  it('a call held twice: 49→42 (2 s) and 49→50 (3 s) make 5 s', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' r a 998ms h 1999ms b 999ms h 2999ms u 999ms d 999ms |', call);
      const expected = '   z 2999ms b 3999ms u 1999ms |';
      expectObservable(figure(events, scheduler, hold)).toBe(expected, { z: 'hold 0 s', b: 'hold 2 s', u: 'hold 5 s' });
    });
  });

  it('an open hold counts up to each tick, and the call end closes it', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      // held from 1 s; ticks at 2 s and 3 s; the call ends at 3.5 s
      const events = cold(' r a 998ms h 2499ms d 1499ms |', call);
      const expected = '   z 1999ms a 999ms b 499ms c 1499ms |';
      expectObservable(figure(events, scheduler, hold, TEST_METRICS)).toBe(expected, { z: 'hold 0 s', a: 'hold 1 s', b: 'hold 2 s', c: 'hold 2.5 s' });
    });
  });

  it('58 TRANSFER HOLD opens no hold interval', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' r a 998ms t 2999ms d 999ms |', call);
      expectObservable(figure(events, scheduler, hold)).toBe('z 4999ms |', { z: 'hold 0 s' });
    });
  });
});
