// Wrap-up (metrics.md §2 wrap-up): 15 starts, 16 ends; also ended by the agent's logout from its last group and
// by 82 (§3 totalWrapTime, agentsOnWrap).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const wrap = (s: AcdSummary): string => `${String(s.agentsOnWrap)} on wrap, ${String(s.totalWrapTime)} s`;
const e = {
  l: ev(11, { src: '1001', d1: '1' }),
  m: ev(25, { src: '1001', d1: '2' }),
  w: ev(15, { src: '1001' }),
  e: ev(16, { src: '1001' }),
  o: ev(12, { src: '1001', d1: '1' }),
  p: ev(26, { src: '1001', d1: '2' }),
  x: ev(82, { src: '1001' }),
};

describe('wrap-up', () => {
  it('15 → 16 is wrap time', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 1000ms l 999ms w 2999ms e 999ms |', e);
      const expected = '   z 1999ms w 2999ms e 999ms |';
      expectObservable(figure(events, scheduler, wrap)).toBe(expected, { z: '0 on wrap, 0 s', w: '1 on wrap, 0 s', e: '0 on wrap, 3 s' });
    });
  });

  it('a logout during wrap-up ends it, but only the logout from the last group', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 1000ms (lm) 996ms w 999ms o 999ms p 999ms e 999ms |', e);
      // Leaving group 1 at 3 s keeps the wrap open (1 s so far); leaving group 2 at 4 s ends it; the 16 at 5 s is late.
      const expected = '   z 1999ms w 999ms o 999ms p 1999ms |';
      expectObservable(figure(events, scheduler, wrap)).toBe(expected, { z: '0 on wrap, 0 s', w: '1 on wrap, 0 s', o: '1 on wrap, 1 s', p: '0 on wrap, 2 s' });
    });
  });

  it('82 OUT OF SERVICE ends wrap-up', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 1000ms l 999ms w 3999ms x 999ms |', e);
      const expected = '   z 1999ms w 3999ms x 999ms |';
      expectObservable(figure(events, scheduler, wrap)).toBe(expected, { z: '0 on wrap, 0 s', w: '1 on wrap, 0 s', x: '0 on wrap, 4 s' });
    });
  });
});
