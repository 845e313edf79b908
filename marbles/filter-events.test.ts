// filterEvents (metrics.md §6): events outside the filters are dropped before the metrics, each drop reported
// with its reason, never silently. An empty list is no filter.
import { describe, it, expect } from 'vitest';
import { map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { filterEvents, type FilterReason } from '../src/streams/filter-events.js';
import type { FiltersConfig } from '../src/config/config.js';

const NONE: FiltersConfig = { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] };
const code = map((e: { code: number }) => e.code);

describe('filterEvents', () => {
  it('with empty lists keeps everything', () => {
    runMarbles(({ cold, expectObservable }) => {
      const e = { a: ev(17, { src: '1001' }), b: ev(3, { ref: 1, src: 'co:1' }), c: ev(99) };
      expectObservable(cold('abc|', e).pipe(filterEvents(NONE, () => undefined), code)).toBe('abc|', { a: 17, b: 3, c: 99 });
    });
  });

  it('stations: keeps events whose source or destination station is listed (numbers or low-high ranges); events naming no station pass', () => {
    const dropped: [number, FilterReason][] = [];
    runMarbles(({ cold, expectObservable }) => {
      const e = {
        i: ev(17, { src: '1001' }), // 1001 is in 1000-1099
        o: ev(17, { src: '2001' }), // out of range: dropped
        d: ev(42, { ref: 1, src: 'co:1', dst: '2500' }), // destination listed exactly
        t: ev(3, { ref: 1, src: 'co:1' }), // names no station: kept
        z: ev(18, { src: '01005' }), // leading zero, numerically 1005: in range
      };
      const f = { ...NONE, stations: ['1000-1099', '2500'] };
      expectObservable(cold('iodtz|', e).pipe(filterEvents(f, (x, r) => dropped.push([x.code, r])), code)).toBe('i-dtz|', { i: 17, d: 42, t: 3, z: 18 });
    });
    expect(dropped).toEqual([[17, 'station']]);
  });

  it('groups: applies only to events naming a group (e.g. 11-14, 62; every code of metrics-groups), compared as numbers', () => {
    const dropped: [number, FilterReason][] = [];
    runMarbles(({ cold, expectObservable }) => {
      const e = {
        l: ev(11, { src: '1001', d1: '0001' }), // group 1: kept
        m: ev(11, { src: '1002', d1: '2' }), // group 2: dropped
        u: ev(13, { src: '1001', d1: '3', d2: '2' }), // 13 carries its group in data2: dropped
        q: ev(62, { ref: 1, src: 'co:1', d1: '0' }), // group 0 = not an ACD call: carries no group, kept
        s: ev(17, { src: '1001' }), // carries no group: kept
      };
      const f = { ...NONE, groups: ['1'] };
      expectObservable(cold('lmuqs|', e).pipe(filterEvents(f, (x, r) => dropped.push([x.code, r])), code)).toBe('l--qs|', { l: 11, q: 62, s: 17 });
    });
    expect(dropped).toEqual([
      [11, 'group'],
      [13, 'group'],
    ]);
  });

  it('eventsBlocked drops listed codes; eventsAllowed keeps only listed codes', () => {
    const dropped: FilterReason[] = [];
    runMarbles(({ cold, expectObservable }) => {
      const e = { a: ev(68), b: ev(17, { src: '1001' }), c: ev(73, { ref: 2 }) };
      const f = { ...NONE, eventsAllowed: [17, 68], eventsBlocked: [68] };
      expectObservable(cold('abc|', e).pipe(filterEvents(f, (_x, r) => dropped.push(r)), code)).toBe('-b-|', { b: 17 });
    });
    expect(dropped).toEqual(['event-blocked', 'event-not-allowed']);
  });
});
