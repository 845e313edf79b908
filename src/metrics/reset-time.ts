// When the daily reset falls (metrics.md §4): `metrics.resetTime` (`HH:MM`) in `metrics.timeZone`, on the
// scheduler's clock. Exactly one reset per calendar day of the zone, with the wall-clock rule of RFC 5545 and
// Temporal's `compatible` disambiguation:
//
// - a wall time that happens once is that instant;
// - one that happens twice (fall back) is its first occurrence;
// - one that does not happen (spring forward) is moved forward by the gap's length: read with the offset in force
//   before the gap (02:30 → 03:30 in New York; 00:00 → 01:00 on a Santiago day without a midnight).
//
// The zone's offsets come from Intl (the host's zoneinfo). The candidates of a wall time are found with the offsets
// a day before and a day after it, which works on both sides of UTC (no zone changes its offset twice in two days).

/** Parses `HH:MM` (00:00–23:59). */
export function parseResetTime(resetTime: string): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(resetTime.trim());
  if (m === null) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

const DAY_MS = 86_400_000;

/** The zone's offset from UTC at an instant (ms, east positive), from a formatter of that zone. */
function offsetAt(fmt: Intl.DateTimeFormat, t: number): number {
  const base = Math.floor(t / 1000) * 1000;
  const p = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const part of fmt.formatToParts(base)) {
    const v = Number(part.value);
    switch (part.type) {
      case 'year': p.y = v; break;
      case 'month': p.mo = v; break;
      case 'day': p.d = v; break;
      case 'hour': p.h = v; break;
      case 'minute': p.mi = v; break;
      case 'second': p.s = v; break;
      default: break;
    }
  }
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - base;
}

/** The zone's calendar date at an instant. */
function dateAt(fmt: Intl.DateTimeFormat, t: number): { y: number; mo: number; d: number } {
  const local = new Date(t + offsetAt(fmt, t));
  return { y: local.getUTCFullYear(), mo: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

/**
 * The instant of a wall time in a zone (see the file comment for gaps and overlaps). `wallAsUtc` is the wall time
 * read as if it were UTC (`Date.UTC(y, mo - 1, d, h, mi)`).
 */
function wallToInstant(fmt: Intl.DateTimeFormat, wallAsUtc: number): number {
  const before = offsetAt(fmt, wallAsUtc - DAY_MS);
  const after = offsetAt(fmt, wallAsUtc + DAY_MS);
  const early = wallAsUtc - before;
  const late = wallAsUtc - after;
  const candidates = [early, late].filter((t) => offsetAt(fmt, t) === wallAsUtc - t).sort((a, b) => a - b);
  // Two: the wall time happens twice, the first occurrence wins. None: it falls in a gap, read with the offset
  // before it (later by the gap's length).
  return candidates[0] ?? early;
}

/**
 * A function giving the first reset instant strictly after `now` (ms): a reset time already past (or equal to now)
 * waits for the next day. Throws a `RangeError` at once for an unknown zone or a malformed time (a configuration
 * error).
 */
export function resetClock(resetTime: string, timeZone: string): (now: number) => number {
  const hm = parseResetTime(resetTime);
  if (hm === undefined) throw new RangeError(`metrics.resetTime must be HH:MM, got ${JSON.stringify(resetTime)}`);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });

  /** The reset instant of the zone's calendar day `days` after `date` (Date.UTC normalises the day overflow). */
  const resetOf = (date: { y: number; mo: number; d: number }, days: number): number =>
    wallToInstant(fmt, Date.UTC(date.y, date.mo - 1, date.d + days, hm.hour, hm.minute));

  return (now: number): number => {
    const today = dateAt(fmt, now);
    // Yesterday's reset can still be ahead when a gap pushed it past midnight; tomorrow's is always ahead of today's.
    for (let day = -1; day < 3; day++) {
      const t = resetOf(today, day);
      if (t > now) return t;
    }
    return resetOf(today, 3);
  };
}
