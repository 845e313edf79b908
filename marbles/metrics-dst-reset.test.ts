// The daily reset on DST days (docs/metrics.md §4): exactly one reset per calendar day of the zone; a reset time
// that does not exist that day (spring forward) is moved forward by the gap's length, one that happens twice (fall
// back) fires at its first occurrence, in zones west and east of UTC. The virtual clock starts at noon of the day
// before the change (see helpers/offset-scheduler.ts); periods$ shows each closing summary's reset instant as the
// zone's wall clock, so the diagram reads like the user's report.
import { describe, it } from 'vitest';
import { map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { startingAt } from './helpers/offset-scheduler.js';
import { QUIET_METRICS } from './helpers/metrics-marbles.js';
import { createSummary } from '../src/metrics/summary.js';
import type { AcdEvent } from '../src/protocol/acd-event.js';

/** `YYYY-MM-DD hh:mm ±hh:mm` of an instant in a zone, from the host's zoneinfo. */
function wall(t: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'longOffset',
  }).formatToParts(t);
  const p = (type: string): string => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${p('timeZoneName').replace('GMT', '')}`;
}

/** periods$ over silence, the clock starting at `start`; the diagram shows each reset as the zone's wall clock. */
function resets(start: string, resetTime: string, timeZone: string, diagram: string, values: Record<string, string>): void {
  runMarbles(
    ({ cold, expectObservable, scheduler }) => {
      const silence = cold<AcdEvent>(`${String(durationOf(diagram))}ms |`);
      const { periods$ } = createSummary(silence, { metrics: { ...QUIET_METRICS, resetTime, timeZone }, scheduler: startingAt(scheduler, Date.parse(start)) });
      expectObservable(periods$.pipe(map((p) => wall(p.at, timeZone)))).toBe(diagram, values);
    },
    { maxFrames: 3 * 86_400_000 },
  );
}

/** The frame of a diagram's completion `|` (time progressions in ms or m, one frame per other character). */
function durationOf(diagram: string): number {
  let t = 0;
  for (const token of diagram.trim().split(/\s+/)) {
    const m = /^(\d+)(ms|m)$/.exec(token);
    if (m !== null) t += Number(m[1]) * (m[2] === 'm' ? 60_000 : 1);
    else if (token === '|') return t;
    else t += token.replace(/[()]/g, '').length;
  }
  return t;
}

describe('the daily reset on DST days (§4)', () => {
  it('00:00 in America/Santiago on 2026-09-06 (a day without a midnight): once on 09-05, once on 09-06 at 01:00 -03:00, once on 09-07', () => {
    // From 2026-09-04 12:00 -04:00: 12 h to midnight, 24 h to 01:00 -03:00 (04:00 UTC), then 23 h to the next midnight.
    resets('2026-09-04T12:00:00-04:00', '00:00', 'America/Santiago', '720m a 1439m 59999ms b 1379m 59999ms c 59m 59999ms |', {
      a: '2026-09-05 00:00 -04:00',
      b: '2026-09-06 01:00 -03:00',
      c: '2026-09-07 00:00 -03:00',
    });
  });

  it('02:30 in America/New_York on 2026-03-08 (inside the spring-forward gap): at 03:30 EDT, not 01:30 EST', () => {
    // From 2026-03-07 12:00 EST: 14.5 h to 03:30 EDT (07:30 UTC), then 23 h to 02:30 EDT on 03-09.
    resets('2026-03-07T12:00:00-05:00', '02:30', 'America/New_York', '870m a 1379m 59999ms b 59m 59999ms |', {
      a: '2026-03-08 03:30 -04:00',
      b: '2026-03-09 02:30 -04:00',
    });
  });

  it('02:30 in Europe/Berlin on 2026-10-25 (it happens twice): at its first occurrence, 02:30 CEST', () => {
    // From 2026-10-24 12:00 CEST: 14.5 h to 02:30 +02:00 (00:30 UTC), then 25 h to 02:30 +01:00 on 10-26.
    resets('2026-10-24T12:00:00+02:00', '02:30', 'Europe/Berlin', '870m a 1499m 59999ms b 59m 59999ms |', {
      a: '2026-10-25 02:30 +02:00',
      b: '2026-10-26 02:30 +01:00',
    });
  });

  it('01:30 in America/New_York on 2026-11-01 (it happens twice): at its first occurrence too, 01:30 EDT', () => {
    // From 2026-10-31 12:00 EDT: 13.5 h to 01:30 -04:00 (05:30 UTC), then 25 h to 01:30 -05:00 on 11-02.
    resets('2026-10-31T12:00:00-04:00', '01:30', 'America/New_York', '810m a 1499m 59999ms b 59m 59999ms |', {
      a: '2026-11-01 01:30 -04:00',
      b: '2026-11-02 01:30 -05:00',
    });
  });

  it('Lord Howe moves by 30 minutes: 02:15 on 2026-10-04 (gap 02:00-02:30) is at 02:45 +11:00', () => {
    // From 2026-10-03 12:00 +10:30: 14.25 h to 02:45 +11:00 (15:45 UTC), then 23.5 h to 02:15 +11:00 on 10-05.
    resets('2026-10-03T12:00:00+10:30', '02:15', 'Australia/Lord_Howe', '855m a 1409m 59999ms b 59m 59999ms |', {
      a: '2026-10-04 02:45 +11:00',
      b: '2026-10-05 02:15 +11:00',
    });
  });
});
