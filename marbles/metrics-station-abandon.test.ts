// A 43 SEIZE NAK/ABANDON (docs/metrics.md §2 "43"): it is matched to the open call on the trunk it names. A 43 that
// names no trunk (station to station: a consultation or internal call refused or given up) ends only an open
// internal call of the stations it names, never an inbound or outbound call ringing at or connected to one of
// them; with no such internal call it changes no call figure.
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const totals = (s: AcdSummary): string =>
  `in ${String(s.totalInboundCalls)} ans ${String(s.totalAnsweredCalls)} ab ${String(s.totalAbandonedCalls)} out ${String(s.totalOutboundCalls)} active ${String(s.activeCalls)}`;

describe('a 43 that names no trunk (§2)', () => {
  it('3, 66 (rings A), 43 (B→A, station to station), 42: the call rings on and is answered, not abandoned', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5', d1: '1' }), // 1 s: inbound call 7
        g: ev(66, { ref: 7, src: '1001', dst: 'co:5', d1: '1' }), // 2 s: it rings at A (1001)
        n: ev(43, { src: '1002', dst: '1001' }), // 3 s: B's call to A refused: no trunk named
        a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }), // 5 s: A answers call 7
        d: ev(44, { ref: 7, src: 'co:5', d1: '0' }), // 9 s
      };
      const events = cold(' 1s r 999ms g 999ms n 1999ms a 3999ms d 999ms |', e);
      const expected = '   z 999ms r 3999ms a 3999ms d 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1',
        a: 'in 1 ans 1 ab 0 out 0 active 1',
        d: 'in 1 ans 1 ab 0 out 0 active 0',
      });
    });
  });

  it('a consultation refused: the 43 ends the internal call, the inbound call it was made from goes on', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5' }),
        a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }), // 2 s: A (1001) answers
        c: ev(41, { ref: 8, src: '1001', dst: '1002' }), // 3 s: A consults B: internal call 8
        h: ev(49, { ref: 8, src: '1001', dst: '1002' }), // 4 s: (hold time on the internal call counts)
        n: ev(43, { src: '1002', dst: '1001' }), // 6 s: B refuses: internal call 8 ends, its hold closes
        d: ev(44, { src: '1001' }), // 9 s: A hangs up: no callRefId, the call at A is 7
      };
      const events = cold(' 1s r 999ms a 999ms c 999ms h 1999ms n 2999ms d 999ms |', e);
      const pick = (s: AcdSummary): string => `${totals(s)} hold ${String(s.totalHoldTime)}`;
      const expected = '   z 999ms r 999ms a 3999ms n 2999ms d 999ms |';
      expectObservable(figure(events, scheduler, pick)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0 hold 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1 hold 0',
        a: 'in 1 ans 1 ab 0 out 0 active 1 hold 0',
        n: 'in 1 ans 1 ab 0 out 0 active 1 hold 2',
        d: 'in 1 ans 1 ab 0 out 0 active 0 hold 2',
      });
    });
  });

  it('a 43 naming a trunk still abandons the call on that trunk, wherever it rings', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5' }),
        g: ev(66, { ref: 7, src: '1001', dst: 'co:5' }),
        n: ev(43, { src: 'co:5', dst: '1001' }), // the caller gives up while A rings
      };
      const events = cold(' 1s r 999ms g 999ms n 999ms |', e);
      const expected = '   z 999ms r 1999ms n 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1',
        n: 'in 1 ans 0 ab 1 out 0 active 0',
      });
    });
  });
});
