// compileFilters and eventGroup (metrics.md §6) without Rx.
import { describe, it, expect } from 'vitest';
import { compileFilters } from '../../src/streams/filter-events.js';
import { eventGroup } from '../../src/protocol/group.js';
import { ev } from '../../marbles/helpers/acd-event-builders.js';
import type { FiltersConfig } from '../../src/config/config.js';

const NONE: FiltersConfig = { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] };

describe('compileFilters', () => {
  it('empty lists filter nothing, whatever the event', () => {
    const f = compileFilters(NONE);
    for (const code of [1, 3, 11, 17, 44, 68, 99]) expect(f(ev(code, { src: '1001', dst: 'co:1', d1: '7' }))).toBeUndefined();
  });

  it('station ranges: low-high in either order, spaces, leading zeros, exact non-numeric names', () => {
    const f = compileFilters({ ...NONE, stations: [' 1099 - 1000 ', '2000', 'OP'] });
    expect(f(ev(18, { src: '1000' }))).toBeUndefined();
    expect(f(ev(18, { src: '1099' }))).toBeUndefined();
    expect(f(ev(18, { src: '01050' }))).toBeUndefined();
    expect(f(ev(18, { src: '1100' }))).toBe('station');
    expect(f(ev(18, { src: '2000' }))).toBeUndefined();
    expect(f(ev(18, { src: 'OP' }))).toBeUndefined();
    expect(f(ev(18, { src: 'op' }))).toBe('station');
    // either party in range keeps the event; a trunk is not a station
    expect(f(ev(42, { ref: 1, src: 'co:1000', dst: '1500' }))).toBe('station');
    expect(f(ev(42, { ref: 1, src: '1500', dst: '1001' }))).toBeUndefined();
    // an event naming no station is kept
    expect(f(ev(2, { src: 'co:1500' }))).toBeUndefined();
    expect(f(ev(68))).toBeUndefined();
  });

  it('groups compare as numbers and apply only to events carrying one', () => {
    const f = compileFilters({ ...NONE, groups: ['01', '3'] });
    expect(f(ev(11, { src: '1', d1: '1' }))).toBeUndefined();
    expect(f(ev(11, { src: '1', d1: '0003' }))).toBeUndefined();
    expect(f(ev(25, { src: '1', d1: '2' }))).toBe('group');
    expect(f(ev(14, { src: '1', d1: '1', d2: '2' }))).toBe('group'); // 14 carries the group in data2
    expect(f(ev(14, { src: '1', d1: '2' }))).toBeUndefined(); // blank data2: no group carried
    expect(f(ev(66, { ref: 1, src: '1', d1: '4' }))).toBe('group');
    expect(f(ev(66, { ref: 1, src: '1', d1: '0' }))).toBeUndefined();
    expect(f(ev(3, { ref: 1, src: 'co:1', d1: '4' }))).toBe('group'); // 3 CO IN RING names its group too (metrics.md §1, §6)
    expect(f(ev(3, { ref: 1, src: 'co:1' }))).toBeUndefined(); // a group ringing: data1 blank, no group
  });

  it('blocked is checked before allowed, then stations, then groups', () => {
    const f = compileFilters({ stations: ['1000'], groups: ['1'], eventsAllowed: [11, 12], eventsBlocked: [12] });
    expect(f(ev(12, { src: '1000', d1: '1' }))).toBe('event-blocked');
    expect(f(ev(17, { src: '1000' }))).toBe('event-not-allowed');
    expect(f(ev(11, { src: '2000', d1: '2' }))).toBe('station');
    expect(f(ev(11, { src: '1000', d1: '2' }))).toBe('group');
    expect(f(ev(11, { src: '1000', d1: '1' }))).toBeUndefined();
  });
});

describe('eventGroup', () => {
  it('reads the group where the catalogue puts it', () => {
    expect([11, 12, 23, 24, 25, 26].map((c) => eventGroup(ev(c, { d1: '0005', d2: '9' })))).toEqual(['5', '5', '5', '5', '5', '5']);
    expect([13, 14].map((c) => eventGroup(ev(c, { d1: '9', d2: '0005' })))).toEqual(['5', '5']);
    expect(eventGroup(ev(62, { d1: '7' }))).toBe('7');
    expect(eventGroup(ev(62, { d1: '0000' }))).toBeUndefined();
    expect(eventGroup(ev(17, { d1: '7' }))).toBeUndefined();
    expect(eventGroup(ev(11))).toBeUndefined();
  });
});
