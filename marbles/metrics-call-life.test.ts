// Call life (metrics.md §2 Call): inbound by the first 3, answered by the first 42, ended by 44 / 2 / 43,
// abandoned when it ends unanswered, outbound by 41/67 once per key, transfers, blank callRefIds, key reuse
// (§3 totalInboundCalls, totalAnsweredCalls, totalAbandonedCalls, totalOutboundCalls, activeCalls,
// averageSpeedOfAnswer, averageHandleTime, abandonRate, shortAbandons, serviceLevel).
import { describe, it } from 'vitest';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import type { AcdSummary } from '../src/metrics/types.js';

const totals = (s: AcdSummary): string =>
  `in ${String(s.totalInboundCalls)} ans ${String(s.totalAnsweredCalls)} ab ${String(s.totalAbandonedCalls)} out ${String(s.totalOutboundCalls)} active ${String(s.activeCalls)}`;
const quality = (s: AcdSummary): string =>
  `asa ${String(s.averageSpeedOfAnswer)} aht ${String(s.averageHandleTime)} rate ${String(s.abandonRate)} short ${String(s.shortAbandons)} sl ${String(s.serviceLevel)}`;

describe('call life', () => {
  it('an inbound call: created by the first 3 (later 3s are the same call), answered by the first 42, ended by the first 44', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 7, src: 'co:5', d1: '1' }),
        g: ev(3, { ref: 7, src: 'co:5', dst: '1001' }), // UCD ring: same call
        a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }),
        x: ev(42, { ref: 7, src: '1001', dst: 'co:5' }), // a second 42 is not a second answer
        d: ev(44, { ref: 7, src: 'co:5', d1: '0' }),
        o: ev(44, { ref: 7, src: '1001', dst: 'co:5', d1: '0' }), // the other party: changes nothing
        i: ev(2, { src: 'co:5' }), // the trunk goes idle: changes nothing
      };
      const events = cold(' 1000ms r 999ms g 999ms a 999ms x 999ms d o 998ms i 999ms |', e);
      const expected = '   z 999ms r 1999ms a 1999ms d 1999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1',
        a: 'in 1 ans 1 ab 0 out 0 active 1',
        d: 'in 1 ans 1 ab 0 out 0 active 0',
      });
    });
  });

  it('speed of answer = answer − ring; handle time = answer → end (+ wrap) per answered call; service level', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { r: ev(3, { ref: 7, src: 'co:5' }), a: ev(42, { ref: 7, src: 'co:5', dst: '1001' }), d: ev(44, { ref: 7, src: 'co:5', d1: '0' }) };
      // rings at 1 s (the abandon rate is defined from then on), answered at 4 s (within 20 s), ends at 10 s
      const events = cold(' 1000ms r 2999ms a 5999ms d 999ms |', e);
      const expected = '   z 999ms r 2999ms a 5999ms d 999ms |';
      expectObservable(figure(events, scheduler, quality)).toBe(expected, {
        z: 'asa 0 aht 0 rate null short 0 sl null',
        r: 'asa 0 aht 0 rate 0 short 0 sl null',
        a: 'asa 3 aht 0 rate 0 short 0 sl 1',
        d: 'asa 3 aht 6 rate 0 short 0 sl 1',
      });
    });
  });

  it('abandons: by CO IDLE (2), by 43 naming the trunk while a station rings, by DISCONNECT before answer; ≤ 5 s is short', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        a: ev(3, { ref: 1, src: 'co:1' }),
        A: ev(2, { src: 'co:1' }), // 2 s after: short abandon
        b: ev(3, { ref: 2, src: 'co:2' }),
        r: ev(66, { ref: 2, src: '1002', dst: 'co:2' }),
        B: ev(43, { src: 'co:2', dst: '1002' }), // no callRefId: the call on trunk 2, ringing at 1002
        c: ev(3, { ref: 3, src: 'co:3' }),
        C: ev(44, { ref: 3, src: 'co:3', d1: '0' }),
      };
      const events = cold(' 1000ms a 1999ms A 999ms b r 8998ms B 999ms c 5999ms C 999ms |', e);
      const pick = (s: AcdSummary): string => `ab ${String(s.totalAbandonedCalls)} short ${String(s.shortAbandons)} rate ${String(s.abandonRate)} active ${String(s.activeCalls)}`;
      const expected = '   z 999ms a 1999ms A 999ms b 8999ms B 999ms c 5999ms C 999ms |';
      expectObservable(figure(events, scheduler, pick)).toBe(expected, {
        z: 'ab 0 short 0 rate null active 0',
        a: 'ab 0 short 0 rate 0 active 1',
        A: 'ab 1 short 1 rate 1 active 0',
        b: 'ab 1 short 1 rate 0.5 active 1',
        B: 'ab 2 short 1 rate 1 active 0',
        c: `ab 2 short 1 rate ${String(2 / 3)} active 1`,
        C: 'ab 3 short 1 rate 1 active 0',
      });
    });
  });

  it('two calls interleaved on different trunks stay apart; a blank-callRefId 43 matches its trunk', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        a: ev(3, { ref: 1, src: 'co:1' }),
        b: ev(3, { ref: 2, src: 'co:2' }),
        B: ev(42, { ref: 2, src: 'co:2', dst: '1002' }),
        A: ev(43, { src: 'co:1' }),
        d: ev(44, { ref: 2, src: '1002', dst: 'co:2', d1: '0' }),
      };
      const events = cold(' 1000ms a 999ms b 999ms B 999ms A 999ms d 999ms |', e);
      const expected = '   z 999ms a 999ms b 999ms B 999ms A 999ms d 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        a: 'in 1 ans 0 ab 0 out 0 active 1',
        b: 'in 2 ans 0 ab 0 out 0 active 2',
        B: 'in 2 ans 1 ab 0 out 0 active 2',
        A: 'in 2 ans 1 ab 1 out 0 active 1',
        d: 'in 2 ans 1 ab 1 out 0 active 0',
      });
    });
  });

  it('outbound: 41 or 67 from a station to a CO, once per key; station-to-station calls count in no total', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        s: ev(41, { ref: 20, src: '1001', dst: 'co:9' }),
        n: ev(67, { ref: 20, src: '1001', dst: 'co:9', d2: '0123' }), // same key: counted once
        i: ev(41, { ref: 21, src: '1002', dst: '1003' }), // internal
        d: ev(44, { ref: 20, src: '1001', dst: 'co:9', d1: '0' }),
      };
      const events = cold(' 1000ms s 999ms n 999ms i 999ms d 999ms |', e);
      const expected = '   z 999ms s 2999ms d 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        s: 'in 0 ans 0 ab 0 out 1 active 1',
        d: 'in 0 ans 0 ab 0 out 1 active 0',
      });
    });
  });

  it('a transfer: after 70 the call belongs to the destination, whose blank-callRefId 44 ends it', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 40, src: 'co:7' }),
        a: ev(42, { ref: 40, src: 'co:7', dst: '1001' }),
        h: ev(58, { ref: 40, src: '1001', dst: '1002' }), // transfer hold: the call goes on
        t: ev(70, { ref: 40, src: '1001', dst: '1002' }),
        o: ev(44, { src: '1001' }), // the transferring station hangs up: no call of its own any more
        d: ev(44, { src: '1002' }),
      };
      const events = cold(' 1000ms r 999ms a 999ms h 999ms t 999ms o 999ms d 999ms |', e);
      const expected = '   z 999ms r 999ms a 3999ms d 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        r: 'in 1 ans 0 ab 0 out 0 active 1',
        a: 'in 1 ans 1 ab 0 out 0 active 1',
        d: 'in 1 ans 1 ab 0 out 0 active 0',
      });
    });
  });

  it('keys are reused: a new 3 on an ended key (or a trunk key) is a new call', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { r: ev(3, { src: 'co:4' }), i: ev(2, { src: 'co:4' }) }; // blank callRefId: keyed co:4
      const events = cold(' 1000ms r 999ms i 999ms r 999ms |', e);
      const expected = '   z 999ms a 999ms b 999ms c 999ms |';
      expectObservable(figure(events, scheduler, totals)).toBe(expected, {
        z: 'in 0 ans 0 ab 0 out 0 active 0',
        a: 'in 1 ans 0 ab 0 out 0 active 1',
        b: 'in 1 ans 0 ab 1 out 0 active 0',
        c: 'in 2 ans 0 ab 1 out 0 active 1',
      });
    });
  });
});
