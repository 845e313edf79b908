// The per-event streams of metrics.md §5, derived from the reducer's transitions: each carries the event, the
// entity and the figure as it stands after the event; the legacy hook payload is that figure under the §5 key.
import { describe, it } from 'vitest';
import { map, merge } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { summaryOf } from './helpers/metrics-marbles.js';
import { acdEventStreams } from '../src/streams/event-streams.js';
import { legacyHookPayload } from '../src/metrics/legacy.js';

describe('per-event streams', () => {
  it('fire in event order with the figure after the event', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        l: ev(11, { src: '1001', d1: '1' }), // stationConnected (implicit) then agentLoggedIn
        r: ev(3, { ref: 1, src: 'co:1' }), // newCall
        q: ev(62, { ref: 1, src: 'co:1', d1: '1' }), // callWaiting
        a: ev(42, { ref: 1, src: 'co:1', dst: '1001' }), // callAnswered
        b: ev(17, { ref: 1, src: '1001', dst: 'co:1' }), // stationBusy
        d: ev(44, { ref: 1, src: 'co:1', d1: '0' }), // callDisconnected
        o: ev(82, { src: '1001' }), // agentLoggedOut then stationDisconnected
      };
      const s = acdEventStreams(summaryOf(cold('l 9ms r 9ms q 9ms a 9ms b 9ms d 9ms o 9ms |', e), scheduler).changes$);
      const tag = (name: string) => map((c: { figure: number }) => `${name} ${String(c.figure)}`);
      const all$ = merge(
        s.stationConnected$.pipe(tag('stationConnected')),
        s.agentLoggedIn$.pipe(tag('agentLoggedIn')),
        s.newCall$.pipe(tag('newCall')),
        s.callWaiting$.pipe(tag('callWaiting')),
        s.callAnswered$.pipe(tag('callAnswered')),
        s.stationBusy$.pipe(tag('stationBusy')),
        s.callDisconnected$.pipe(tag('callDisconnected')),
        s.agentLoggedOut$.pipe(tag('agentLoggedOut')),
        s.stationDisconnected$.pipe(tag('stationDisconnected')),
      );
      expectObservable(all$).toBe('(cl) 6ms r 9ms q 9ms a 9ms b 9ms d 9ms (ox) 6ms |', {
        c: 'stationConnected 1',
        l: 'agentLoggedIn 1',
        r: 'newCall 1',
        q: 'callWaiting 1',
        a: 'callAnswered 1',
        b: 'stationBusy 1',
        d: 'callDisconnected 0',
        o: 'agentLoggedOut 0',
        x: 'stationDisconnected 0',
      });
    });
  });

  it('carry the entity, and map to the legacy hook payload', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const s = acdEventStreams(summaryOf(cold('r|', { r: ev(3, { ref: 9, src: 'co:4', d1: '2' }) }), scheduler).changes$);
      expectObservable(s.newCall$.pipe(map((c) => ({ entity: c.entity, code: c.event.code, payload: legacyHookPayload(c) })))).toBe('n|', {
        n: { entity: { key: '9', direction: 'inbound', trunk: '4', group: '2' }, code: 3, payload: { 'Total Calls': 1 } },
      });
    });
  });
});
