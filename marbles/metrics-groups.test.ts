// Group numbers compare as numbers (docs/metrics.md §1): "0620", "620" and 620 are one group, in the metrics, in
// the breakdown keys (written without leading zeros) and in `filters.groups`; the group filter applies to every
// code whose ipecs-webapi.md §6.3 row names a group (§6), 3 CO IN RING included.
import { describe, it, expect } from 'vitest';
import { map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { figure } from './helpers/metrics-marbles.js';
import { filterEvents, type FilterReason } from '../src/streams/filter-events.js';
import type { FiltersConfig } from '../src/config/config.js';
import type { AcdSummary } from '../src/metrics/types.js';

const NONE: FiltersConfig = { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] };
const byGroup = (s: AcdSummary): string => s.groups.map((g) => `${g.group}: ${String(g.agentsLoggedIn)} in, ${String(g.totalInboundCalls)} calls`).join('; ');

describe('group numbers compare as numbers (§1)', () => {
  it('metrics and breakdown keys: a login to 0620, a secondary login to 620 and a logout of 00620 are one group, keyed 620', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        l: ev(11, { src: '1001', d1: '0620', d2: '0001' }),
        s: ev(25, { src: '1002', d1: '620', d2: '0002' }),
        r: ev(3, { ref: 1, src: 'co:1', d1: '000620' }), // the call's group, padded: the same group
        o: ev(12, { src: '1001', d1: '00620' }),
      };
      const events = cold(' 1s l 999ms s 999ms r 999ms o 999ms |', e);
      const expected = '   z 999ms l 999ms s 999ms r 999ms o 999ms |';
      expectObservable(figure(events, scheduler, byGroup)).toBe(expected, {
        z: '',
        l: '620: 1 in, 0 calls',
        s: '620: 2 in, 0 calls',
        r: '620: 2 in, 1 calls',
        o: '620: 1 in, 1 calls',
      });
    });
  });

  it('long group numbers stay apart: 9007199254740993 is not 9007199254740992 (no float rounding)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = { a: ev(11, { src: '1001', d1: '9007199254740993' }), b: ev(11, { src: '1002', d1: '09007199254740992' }) };
      const events = cold(' 1s a 999ms b 999ms |', e);
      expectObservable(figure(events, scheduler, byGroup)).toBe('   z 999ms a 999ms b 999ms |', {
        z: '',
        a: '9007199254740993: 1 in, 0 calls',
        b: '9007199254740993: 1 in, 0 calls; 9007199254740992: 1 in, 0 calls',
      });
    });
  });

  it('filters.groups: numbers and padded strings name one group; the filter applies to 3 CO IN RING and every code naming a group', () => {
    const dropped: [number, FilterReason][] = [];
    runMarbles(({ cold, expectObservable }) => {
      const e = {
        a: ev(3, { ref: 1, src: 'co:1', d1: '620' }), // group 620: kept
        b: ev(3, { ref: 2, src: 'co:2', d1: '0621' }), // group 621: dropped (today it passes)
        c: ev(3, { ref: 3, src: 'co:3' }), // a group ringing: data1 blank, no group: kept
        d: ev(66, { ref: 1, src: '1001', dst: 'co:1', d1: '00620' }), // kept
        f: ev(59, { ref: 1, src: '1001', d1: '0621' }), // UCD GROUP names group 621: dropped
        g: ev(61, { src: 'co:1', dst: '1001', d1: '0621' }), // UCD OVERFLOW TO names group 621: dropped
        h: ev(14, { src: '1001', d2: '620' }), // 14 names its group in data2: kept
      };
      const f = { ...NONE, groups: ['0620'] };
      const code = map((x: { code: number }) => x.code);
      expectObservable(cold('abcdfgh|', e).pipe(filterEvents(f, (x, r) => dropped.push([x.code, r])), code)).toBe('a-cd--h|', { a: 3, c: 3, d: 66, h: 14 });
    });
    expect(dropped).toEqual([
      [3, 'group'],
      [59, 'group'],
      [61, 'group'],
    ]);
  });
});
