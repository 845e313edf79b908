// Late reports (docs/metrics.md §2 "late reports"): an ended call's key and end instant are kept for
// `metrics.lateReportSeconds` (30 s here). Within that window (≤: exactly 30 s is still late) an event naming the
// key changes no call figure, except 3, which always creates a new inbound call, and 41 from a station, which
// always creates a new call. After the window the key is free.
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const totals = (s: AcdSummary): string =>
  `in ${String(s.totalInboundCalls)} ans ${String(s.totalAnsweredCalls)} ab ${String(s.totalAbandonedCalls)} out ${String(s.totalOutboundCalls)} active ${String(s.activeCalls)}`;

describe('late reports (§2)', () => {
  it('the final 67 after the 44, the 69 and the other party 44 change nothing; 30 s after the end is still late, later the key is free', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        s: ev(41, { ref: 20, src: '1001', dst: 'co:9' }), // 1 s: outbound call 20
        n: ev(67, { ref: 20, src: '1001', dst: 'co:9', d2: '0123' }), // 3 s: digits so far, same call
        d: ev(44, { ref: 20, src: '1001', dst: 'co:9', d1: '0' }), // 10 s: it ends
        i: ev(2, { src: 'co:9' }), // 10 s: the trunk's 2
        o: ev(44, { ref: 20, src: 'co:9', dst: '1001', d1: '0' }), // 11 s: the other party's 44
        f: ev(67, { ref: 20, src: '1001', dst: 'co:9', d2: '01234567' }), // 25 s: the final 67, 15 s late
        m: ev(69, { ref: 20, src: '1001', dst: 'co:9', d1: '000007', d2: '01234567' }), // 40 s: SMDR, exactly 30 s late
        F: ev(67, { ref: 20, src: '1001', dst: 'co:9', d2: '01234567' }), // 40 s: a 67 exactly 30 s late: still late
        N: ev(67, { ref: 20, src: '1001', dst: 'co:9', d2: '0999' }), // 40.004 s: past the window, a new outbound call
      };
      const events = cold(' 1s s 1999ms n 6999ms (di) 996ms o 13999ms f 14999ms (mF) N 999ms |', e);
      const expected = '   z 999ms s 8999ms d 30003ms N 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        s: 'in 0 ans 0 ab 0 out 1 active 1',
        d: 'in 0 ans 0 ab 0 out 1 active 0',
        N: 'in 0 ans 0 ab 0 out 2 active 1',
      });
    });
  });

  it('a late 42 or 49 naming an ended key does not touch the call now open on its trunk', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5' }), // 1 s: inbound call 7 on trunk 5
        x: ev(2, { src: 'co:5' }), // 2 s: it ends unanswered (abandoned)
        b: ev(3, { src: 'co:5' }), // 3 s: a new call on trunk 5 with a blank callRefId (keyed co:5)
        a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }), // 4 s: a late 42 of call 7: no answer of the new call
        h: ev(49, { ref: 7, src: '1001', dst: 'co:5' }), // 5 s: a late hold of call 7: no hold opens
        A: ev(42, { src: 'co:5', dst: '1002' }), // 9 s: the new call is answered (blank callRefId, its trunk)
      };
      const events = cold(' 1s r 999ms x 999ms b 999ms a 999ms h 3999ms A 999ms |', e);
      const pick = (s: AcdSummary): string => `${totals(s)} hold ${String(s.totalHoldTime)}`;
      const expected = '   z 999ms r 999ms x 999ms b 5999ms A 999ms |';
      expectObservable(figure(events, scheduler, pick)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0 hold 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1 hold 0',
        x: 'in 1 ans 0 ab 1 out 0 active 0 hold 0',
        b: 'in 2 ans 0 ab 1 out 0 active 1 hold 0',
        A: 'in 2 ans 1 ab 1 out 0 active 1 hold 0',
      });
    });
  });

  it('inside the window a 3 always creates a new inbound call and a 41 from a station a new outbound call', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5' }),
        d: ev(44, { ref: 7, src: 'co:5', d1: '0' }), // 2 s: ends unanswered
        R: ev(3, { ref: 7, src: 'co:6' }), // 3 s: the key is reused at once: a new inbound call
        s: ev(41, { ref: 8, src: '1001', dst: 'co:9' }),
        e: ev(44, { ref: 8, src: '1001', dst: 'co:9', d1: '0' }),
        S: ev(41, { ref: 8, src: '1002', dst: 'co:9' }), // the outbound key reused within the window: a new call
      };
      const events = cold(' 1s r 999ms d 999ms R 999ms s 999ms e 999ms S 999ms |', e);
      const expected = '   z 999ms r 999ms d 999ms R 999ms s 999ms e 999ms S 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1',
        d: 'in 1 ans 0 ab 1 out 0 active 0',
        R: 'in 2 ans 0 ab 1 out 0 active 1',
        s: 'in 2 ans 0 ab 1 out 1 active 2',
        e: 'in 2 ans 0 ab 1 out 1 active 1',
        S: 'in 2 ans 0 ab 1 out 2 active 2',
      });
    });
  });

  it('a trunk-keyed call: the trunk key is late too, and a 67 without a callRefId on that trunk creates nothing', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        s: ev(41, { src: '1001', dst: 'co:4' }), // 1 s: outbound, blank callRefId: keyed co:4
        i: ev(2, { src: 'co:4' }), // 5 s: ends
        f: ev(67, { src: '1001', dst: 'co:4', d2: '0123' }), // 20 s: its final 67: late
        g: ev(67, { src: '1001', dst: 'co:4', d2: '0456' }), // 36 s: 31 s after the end: a new call
      };
      const events = cold(' 1s s 3999ms i 14999ms f 15999ms g 999ms |', e);
      const expected = '   z 999ms s 3999ms i 30999ms g 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        s: 'in 0 ans 0 ab 0 out 1 active 1',
        i: 'in 0 ans 0 ab 0 out 1 active 0',
        g: 'in 0 ans 0 ab 0 out 2 active 1',
      });
    });
  });
});
