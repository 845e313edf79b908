// Agent states (metrics.md §2 Agent): login per group, available at login, 13/14, logout from the last group,
// 82, supervisors (§3 agentsLoggedIn, agentsAvailable, agentsUnavailable, totalLoggedInTime, totalAvailTime,
// totalUnavailTime, the per-group breakdown).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const counts = (s: AcdSummary): string => `${String(s.agentsLoggedIn)} in: ${String(s.agentsAvailable)} avail, ${String(s.agentsUnavailable)} unavail`;
const times = (s: AcdSummary): string => `in ${String(s.totalLoggedInTime)}, avail ${String(s.totalAvailTime)}, unavail ${String(s.totalUnavailTime)}`;
const perGroup = (s: AcdSummary): string => s.groups.map((g) => `g${g.group}:${String(g.agentsLoggedIn)}`).join(' ') + ` | ${String(s.agentsLoggedIn)} agent(s)`;

const login = (group: string) => ev(11, { src: '1001', d1: group, d2: '0042' });
const secondary = (group: string) => ev(25, { src: '1001', d1: group, d2: '0042' });
const logout = (group: string) => ev(12, { src: '1001', d1: group });

describe('agent states', () => {
  it('an agent is available at login; 13 makes it unavailable, 14 available; logout ends it', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { l: login('1'), u: ev(13, { src: '1001', d1: '3', d2: '1' }), a: ev(14, { src: '1001', d2: '1' }), o: logout('1') };
      const events = cold(' 1000ms l 999ms u 999ms a 999ms o 999ms |', e);
      const expected = '   z 999ms l 999ms u 999ms l 999ms z 999ms |';
      expectObservable(figure(events, scheduler, counts)).toBe(expected, {
        z: '0 in: 0 avail, 0 unavail',
        l: '1 in: 1 avail, 0 unavail',
        u: '1 in: 0 avail, 1 unavail',
      });
    });
  });

  it('logged-in time splits into available and unavailable time', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { l: login('1'), u: ev(13, { src: '1001', d2: '1' }), a: ev(14, { src: '1001', d2: '1' }), o: logout('1') };
      // login 1 s, unavailable 3 s, available 4 s, logout 7 s
      const events = cold(' 1000ms l 1999ms u 999ms a 2999ms o 999ms |', e);
      const expected = '   z 2999ms u 999ms a 2999ms o 999ms |';
      expectObservable(figure(events, scheduler, times)).toBe(expected, {
        z: 'in 0, avail 0, unavail 0',
        u: 'in 2, avail 2, unavail 0',
        a: 'in 3, avail 2, unavail 1',
        o: 'in 6, avail 5, unavail 1',
      });
    });
  });

  it('an agent in two groups is one agent; leaving one group keeps it logged in', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { p: login('1'), s: secondary('0002'), x: logout('1'), y: ev(26, { src: '1001', d1: '2' }) };
      const events = cold(' 1000ms p 999ms s 999ms x 999ms y 999ms |', e);
      const expected = '   z 999ms p 999ms s 999ms x 999ms y 999ms |';
      expectObservable(figure(events, scheduler, perGroup)).toBe(expected, {
        z: ' | 0 agent(s)',
        p: 'g1:1 | 1 agent(s)',
        s: 'g1:1 g2:1 | 1 agent(s)',
        x: 'g1:0 g2:1 | 1 agent(s)',
        y: 'g1:0 g2:0 | 0 agent(s)',
      });
    });
  });

  it('82 logs the agent out of every group; supervisors (23) are not agents', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { p: login('1'), s: secondary('2'), v: ev(23, { src: '1009', d1: '1', d2: '9' }), o: ev(82, { src: '1001' }) };
      const events = cold(' 1000ms p 999ms s 999ms v 999ms o 999ms |', e);
      const expected = '   z 999ms p 2999ms o 999ms |';
      expectObservable(figure(events, scheduler, counts)).toBe(expected, { z: '0 in: 0 avail, 0 unavail', p: '1 in: 1 avail, 0 unavail', o: '0 in: 0 avail, 0 unavail' });
    });
  });
});
