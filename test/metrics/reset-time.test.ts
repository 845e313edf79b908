// The daily reset instant (docs/metrics.md §4): HH:MM in an IANA zone, strictly after now, one per calendar day, a
// time in a spring-forward gap moved forward by the gap, a repeated one at its first occurrence, in zones west and
// east of UTC. The expectations come from the host's zoneinfo (Intl) by scanning the wall clock minute by minute,
// independently of the arithmetic under test.
import { describe, it, expect } from 'vitest';
import { parseResetTime, resetClock } from '../../src/metrics/reset-time.js';

const iso = (t: number): string => new Date(t).toISOString();
const MINUTE = 60_000;

/** The zone's wall clock at an instant, `YYYY-MM-DD hh:mm`, and its offset name. */
function wallOf(fmt: Intl.DateTimeFormat, t: number): { wall: string; offset: string } {
  const parts = fmt.formatToParts(t);
  const p = (type: string): string => parts.find((x) => x.type === type)?.value ?? '';
  return { wall: `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`, offset: p('timeZoneName') };
}

const formatter = (timeZone: string): Intl.DateTimeFormat =>
  new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'longOffset' });

/** Every instant of 2026 (minute resolution) where the zone's offset changes. */
function transitions2026(timeZone: string): number[] {
  const fmt = formatter(timeZone);
  const out: number[] = [];
  // Hourly steps find the change; minutes pin it down.
  let prev = wallOf(fmt, Date.UTC(2026, 0, 1)).offset;
  for (let t = Date.UTC(2026, 0, 1) + 3_600_000; t < Date.UTC(2027, 0, 1); t += 3_600_000) {
    const o = wallOf(fmt, t).offset;
    if (o === prev) continue;
    let m = t - 3_600_000;
    while (wallOf(fmt, m).offset === prev) m += MINUTE;
    out.push(m);
    prev = o;
  }
  return out;
}

/** Wall clock → the instants showing it, minute by minute, over the days around `around`. */
function wallTable(timeZone: string, around: number): Map<string, number[]> {
  const fmt = formatter(timeZone);
  const table = new Map<string, number[]>();
  for (let t = around - 3 * 86_400_000; t <= around + 3 * 86_400_000; t += MINUTE) {
    const w = wallOf(fmt, t).wall;
    const list = table.get(w);
    if (list === undefined) table.set(w, [t]);
    else list.push(t);
  }
  return table;
}

const addMinutes = (hhmm: string, minutes: number): string => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
};

/**
 * The reset instant of `day` (`YYYY-MM-DD`) at `hhmm` by the contract, read off the wall-clock table: the first
 * instant showing it; none (a gap): the first instant showing it moved forward by the gap's length.
 */
function expectedReset(table: Map<string, number[]>, day: string, hhmm: string, gapMinutes: number): number | undefined {
  const hit = table.get(`${day} ${hhmm}`)?.[0];
  if (hit !== undefined) return hit;
  return table.get(`${day} ${addMinutes(hhmm, gapMinutes)}`)?.[0];
}

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

  it('a reset inside the spring-forward gap falls on that day, moved forward by the gap (01:30 GMT → 02:30 BST)', () => {
    expect(iso(resetClock('01:30', 'Europe/London')(Date.parse('2026-03-29T00:00:00Z')))).toBe('2026-03-29T01:30:00.000Z');
  });

  const zones = ['America/Santiago', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe'];
  it.each(zones)('%s: on the days around each 2026 transition, every quarter hour resets once a day, at the contract instant', (zone) => {
    const changes = transitions2026(zone);
    // Kolkata has no DST: its (one) check is a plain day in the middle of the year, east of UTC by 5:30.
    const days = changes.length === 0 ? [Date.UTC(2026, 5, 15, 12)] : changes;
    if (zone !== 'Asia/Kolkata') expect(changes).toHaveLength(2);
    const fmt = formatter(zone);
    for (const change of days) {
      const table = wallTable(zone, change);
      const before = wallOf(fmt, change - MINUTE).offset;
      const after = wallOf(fmt, change).offset;
      const minutesOf = (o: string): number => {
        const m = /GMT([+-])(\d{2}):(\d{2})/.exec(o);
        return m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
      };
      const gap = Math.max(0, minutesOf(after) - minutesOf(before));
      // Four calendar days of the zone around the change (a change at midnight belongs to either of two days).
      const [y, mo, d] = wallOf(fmt, change - MINUTE).wall.slice(0, 10).split('-').map(Number) as [number, number, number];
      const theDays = [-1, 0, 1, 2].map((k) => new Date(Date.UTC(y, mo - 1, d + k)).toISOString().slice(0, 10));
      for (let q = 0; q < 96; q++) {
        const hhmm = addMinutes('00:00', q * 15);
        const next = resetClock(hhmm, zone);
        const want = theDays.map((d) => expectedReset(table, d, hhmm, gap));
        expect(want.every((t) => t !== undefined), `${zone} ${hhmm}: table covers the days`).toBe(true);
        const [w0, ...rest] = want as [number, number, number, number];
        // From the first day's reset, the next three are the following days' (none skipped, none doubled).
        const got: number[] = [];
        for (let t = w0, k = 0; k < 3; k++) got.push((t = next(t)));
        expect(got.map(iso), `${zone} ${hhmm} around ${iso(change)}`).toEqual(rest.map(iso));
        // A reset equal to now waits for the next day; a minute before, it is that day's.
        for (const w of rest) expect(next(w - MINUTE)).toBe(w);
      }
    }
  });

  it('rejects a malformed time or an unknown zone at once', () => {
    expect(() => resetClock('25:00', 'UTC')).toThrow(RangeError);
    expect(() => resetClock('00:00', 'Mars/Olympus')).toThrow(RangeError);
    expect(parseResetTime('7:05')).toEqual({ hour: 7, minute: 5 });
    expect(parseResetTime('07:5')).toBeUndefined();
  });
});
