// Station states (metrics.md §2 Station): in service, busy/idle, implicit registration, 82/83 keeping a station
// out, and the idle/busy time totals (§3 stationsConnected, busyStations, totalIdleTime, totalBusyTime).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev, TEST_METRICS } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const service = (s: AcdSummary): string => `${String(s.stationsConnected)} in service, ${String(s.busyStations)} busy`;
const times = (s: AcdSummary): string => `idle ${String(s.totalIdleTime)} s, busy ${String(s.totalBusyTime)} s`;

const busy = ev(17, { src: '1001', dst: 'co:5' });
const idle = ev(18, { src: '1001' });
const inService = ev(84, { src: '1001' });
const outOfService = ev(82, { src: '1001' });

describe('station states', () => {
  it('a never-seen station is registered in service at its first event, once (implicit registration)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      // 17 from unknown 1001: in service (1) and busy (1) at once; later events do not count it again.
      const events = cold(' 1000ms b 999ms i 999ms b 999ms |', { b: busy, i: idle });
      const expected = '   z 999ms b 999ms i 999ms b 999ms |';
      expectObservable(figure(events, scheduler, service)).toBe(expected, {
        z: '0 in service, 0 busy',
        b: '1 in service, 1 busy',
        i: '1 in service, 0 busy',
      });
    });
  });

  it('82 takes a station out until 84, whatever else names it (the PBX sends 82 → 18 → 17)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 1000ms s 999ms o 999ms i 999ms b 999ms s 999ms |', { s: inService, o: outOfService, i: idle, b: busy });
      // 18 and 17 while out change nothing; 84 brings it back idle.
      const expected = '   z 999ms a 999ms z 2999ms a 999ms |';
      expectObservable(figure(events, scheduler, service)).toBe(expected, { z: '0 in service, 0 busy', a: '1 in service, 0 busy' });
    });
  });

  it('idle and busy time accumulate while in service; ticks move them (tickMs = 1 s)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      // In service at 1 s, busy at 3 s, idle at 4 s; the stream ends at 5 s.
      const events = cold(' 1000ms s 1999ms b 999ms i 999ms |', { s: inService, b: busy, i: idle });
      const expected = '   z 1999ms a 999ms b 999ms c 999ms |';
      expectObservable(figure(events, scheduler, times, TEST_METRICS)).toBe(expected, {
        z: 'idle 0 s, busy 0 s',
        a: 'idle 1 s, busy 0 s', // tick at 2 s
        b: 'idle 2 s, busy 0 s', // tick at 3 s (the 17 at 3 s closes the idle interval: same figure)
        c: 'idle 2 s, busy 1 s', // tick at 4 s
      });
    });
  });

  it('a station leaving service while busy stops its busy time and leaves busyStations', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const events = cold(' 1000ms s 999ms b 1999ms o 999ms i 999ms |', { s: inService, b: busy, o: outOfService, i: idle });
      const expected = '   z 999ms s 999ms b 1999ms o 1999ms |';
      const pick = (s: AcdSummary): string => `${service(s)}; ${times(s)}`;
      expectObservable(figure(events, scheduler, pick)).toBe(expected, {
        z: '0 in service, 0 busy; idle 0 s, busy 0 s',
        s: '1 in service, 0 busy; idle 0 s, busy 0 s',
        b: '1 in service, 1 busy; idle 1 s, busy 0 s',
        o: '0 in service, 0 busy; idle 1 s, busy 2 s',
      });
    });
  });
});
