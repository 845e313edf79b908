// When the daily reset falls (metrics.md §4): `metrics.resetTime` (`HH:MM`) in `metrics.timeZone`, on the
// scheduler's clock. Intl gives the zone's wall clock; the instant is found by correcting the UTC guess with the
// zone's offset twice, which settles across DST changes (a reset time inside a spring-forward gap lands an hour
// later that day; recomputed after every reset).

/** Parses `HH:MM` (00:00–23:59). */
export function parseResetTime(resetTime: string): { hour: number; minute: number } | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(resetTime.trim());
  if (m === null) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

/**
 * A function giving the first reset instant strictly after `now` (ms): a reset time already past waits for the
 * next day. Throws a `RangeError` at once for an unknown zone or a malformed time (a configuration error).
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

  const wall = (t: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } => {
    const p = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
    for (const part of fmt.formatToParts(t)) {
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
    return p;
  };
  const offset = (t: number): number => {
    const base = Math.floor(t / 1000) * 1000;
    const w = wall(base);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - base;
  };
  const zonedToInstant = (y: number, mo: number, d: number): number => {
    const guess = Date.UTC(y, mo - 1, d, hm.hour, hm.minute);
    const o1 = offset(guess);
    let t = guess - o1;
    const o2 = offset(t);
    if (o2 !== o1) t = guess - o2;
    return t;
  };

  return (now: number): number => {
    const today = wall(now);
    for (let day = 0; day < 4; day++) {
      const t = zonedToInstant(today.y, today.mo, today.d + day);
      if (t > now) return t;
    }
    return now + 86_400_000; // unreachable in practice
  };
}
