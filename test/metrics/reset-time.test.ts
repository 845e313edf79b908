// The daily reset instant (metrics.md §4): HH:MM in an IANA zone, strictly after now, DST-safe.
import { describe, it, expect } from 'vitest';
import { parseResetTime, resetClock } from '../../src/metrics/reset-time.js';

const iso = (t: number): string => new Date(t).toISOString();

describe('resetClock', () => {
  it('gives today at HH:MM when still ahead, else tomorrow (a time already past waits)', () => {
    const next = resetClock('02:30', 'UTC');
    expect(iso(next(Date.parse('2026-11-27T01:00:00Z')))).toBe('2026-11-27T02:30:00.000Z');
    expect(iso(next(Date.parse('2026-11-27T02:30:00Z')))).toBe('2026-11-28T02:30:00.000Z');
    expect(iso(next(Date.parse('2026-11-27T23:59:59Z')))).toBe('2026-11-28T02:30:00.000Z');
  });

  it('uses the zone offset, including half-hour zones', () => {
    expect(iso(resetClock('00:00', 'Asia/Kolkata')(Date.parse('2026-11-27T12:00:00Z')))).toBe('2026-11-27T18:30:00.000Z');
    expect(iso(resetClock('00:00', 'America/New_York')(Date.parse('2026-11-27T12:00:00Z')))).toBe('2026-11-28T05:00:00.000Z');
  });

  it('is DST-safe: London midnight before and after the March change, and month ends', () => {
    const next = resetClock('00:00', 'Europe/London');
    expect(iso(next(Date.parse('2026-03-28T12:00:00Z')))).toBe('2026-03-29T00:00:00.000Z'); // GMT
    expect(iso(next(Date.parse('2026-03-29T12:00:00Z')))).toBe('2026-03-29T23:00:00.000Z'); // BST
    expect(iso(next(Date.parse('2026-10-24T12:00:00Z')))).toBe('2026-10-24T23:00:00.000Z'); // BST
    expect(iso(next(Date.parse('2026-10-24T23:30:00Z')))).toBe('2026-10-26T00:00:00.000Z'); // GMT from 25 Oct
    expect(iso(next(Date.parse('2026-10-31T12:00:00Z')))).toBe('2026-11-01T00:00:00.000Z');
  });

  it('a reset inside the spring-forward gap still falls on that day', () => {
    const t = resetClock('01:30', 'Europe/London')(Date.parse('2026-03-29T00:00:00Z'));
    expect(t).toBeGreaterThan(Date.parse('2026-03-29T00:00:00Z'));
    expect(t).toBeLessThan(Date.parse('2026-03-29T02:00:00Z'));
  });

  it('rejects a malformed time or an unknown zone at once', () => {
    expect(() => resetClock('25:00', 'UTC')).toThrow(RangeError);
    expect(() => resetClock('00:00', 'Mars/Olympus')).toThrow(RangeError);
    expect(parseResetTime('7:05')).toEqual({ hour: 7, minute: 5 });
    expect(parseResetTime('07:5')).toBeUndefined();
  });
});
