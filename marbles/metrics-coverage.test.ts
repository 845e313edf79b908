// Coverage (metrics.md §3-§4, docs/cold-start.md): the summary's inputs beside the events. The CTI seed sets the
// stations no event has named and logs no agent in; an agent that acts without a login seen is listed, not counted;
// a restart's gap is not counted in any open interval, a socket gap's is.
import { describe, it } from 'vitest';
import { map, distinctUntilChanged } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { QUIET_METRICS, stamp } from './helpers/metrics-marbles.js';
import { createSummary } from '../src/metrics/summary.js';
import type { AcdSummary, GapInput, SeedInput } from '../src/metrics/types.js';

describe('coverage', () => {
  it('the seed: stations in service and busy from the Web API, no agent; an agent acting is partly known', () => {
    runMarbles(({ cold, hot, expectObservable, scheduler }) => {
      // s: the seed's answer at 500 ms (1001 busy, 1002 idle); u: 1003 goes unavailable (no login seen); l: 1003 logs in.
      const events = cold(' 1000ms u 999ms l 999ms |', { u: ev(13, { src: '1003', d1: '2' }), l: ev(11, { src: '1003', d1: '620', d2: '0003' }) });
      const seed: SeedInput = { kind: 'seed', at: 500, stations: [{ number: '1001', inService: true, busy: true, dnd: false, forward: false }, { number: '1002', inService: true, busy: false, dnd: false, forward: false }] };
      const inputs = hot<SeedInput>('500ms s', { s: seed });
      const shown = (s: AcdSummary): string => `${String(s.stationsConnected)} in, ${String(s.busyStations)} busy, ${String(s.agentsLoggedIn)} agents, unknown [${s.coverage.unknownAgents.join()}]`;
      const summary$ = createSummary(events.pipe(stamp(scheduler)), { metrics: QUIET_METRICS, scheduler, inputs$: inputs }).summary$;
      expectObservable(summary$.pipe(map(shown), distinctUntilChanged())).toBe('a 499ms b 499ms c 999ms d 999ms |', {
        a: '0 in, 0 busy, 0 agents, unknown []',
        b: '2 in, 1 busy, 0 agents, unknown []',
        c: '3 in, 1 busy, 0 agents, unknown [1003]',
        d: '3 in, 1 busy, 1 agents, unknown []',
      });
    });
  });

  it("a restart's gap is left out of open intervals; a socket gap's is counted", () => {
    runMarbles(({ cold, hot, expectObservable, scheduler }) => {
      const events = cold(' 1000ms b 9499ms |', { b: ev(17, { src: '1001' }) });
      // r: a restart gap 2.5 s → 5.5 s, at 5.5 s; g: a socket gap 7.5 s → 8.5 s, at 8.5 s.
      const inputs = hot<GapInput>('5500ms r 2999ms g', { r: { kind: 'gap', at: 5500, from: 2500, to: 5500, cause: 'restart' }, g: { kind: 'gap', at: 8500, from: 7500, to: 8500 } });
      const metrics = { ...QUIET_METRICS, tickMs: 1000 };
      const shown = (s: AcdSummary): string => `busy ${String(s.totalBusyTime)} s, ${String(s.coverage.gaps)} gaps, ${String(s.coverage.restarts)} restarts`;
      const summary$ = createSummary(events.pipe(stamp(scheduler)), { metrics, scheduler, inputs$: inputs }).summary$;
      // Busy from 1 s, ticking; at 5.5 s the 3 s of the restart gap leave the total; the socket gap stays in it.
      expectObservable(summary$.pipe(map(shown), distinctUntilChanged())).toBe('a 1999ms b 999ms c 999ms d 999ms e 499ms f 499ms g 999ms h 999ms i 499ms j 499ms k 999ms l 499ms |', {
        a: 'busy 0 s, 0 gaps, 0 restarts',
        b: 'busy 1 s, 0 gaps, 0 restarts',
        c: 'busy 2 s, 0 gaps, 0 restarts',
        d: 'busy 3 s, 0 gaps, 0 restarts',
        e: 'busy 4 s, 0 gaps, 0 restarts',
        f: 'busy 1.5 s, 1 gaps, 1 restarts',
        g: 'busy 2 s, 1 gaps, 1 restarts',
        h: 'busy 3 s, 1 gaps, 1 restarts',
        i: 'busy 4 s, 1 gaps, 1 restarts',
        j: 'busy 4.5 s, 2 gaps, 1 restarts',
        k: 'busy 5 s, 2 gaps, 1 restarts',
        l: 'busy 6 s, 2 gaps, 1 restarts',
      });
    });
  });
});
