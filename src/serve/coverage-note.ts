// What the figures cover, in words (docs/cold-start.md): the same sentence on the terminal (demo, watch), on the
// wallboard and in the logs. The ACD stream has no replay and the Web API no agent-state query, so a client
// started mid-day says since when its figures are complete and that agents appear as they act. Pure.

import type { CoverageSummary } from '../metrics/types.js';

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * The coverage after its time: `agents appear as they act; 2 agents logged in before the start (not counted); …`.
 * Empty when the figures cover the whole period with nothing partly known and no gap.
 */
export function coverageNote(c: CoverageSummary): string {
  const parts: string[] = [];
  if (!c.wholePeriod) parts.push('agents appear as they act');
  if (c.unknownAgents.length > 0) parts.push(`${plural(c.unknownAgents.length, 'agent', 'agents')} logged in before the start (not counted)`);
  if (c.unseenStations.length > 0) parts.push(`${plural(c.unseenStations.length, 'station', 'stations')} known from the PBX's status only`);
  if (c.gaps > 0) {
    const restarts = c.restarts > 0 ? `, ${plural(c.restarts, 'restart', 'restarts')}` : '';
    parts.push(`${plural(c.gaps, 'gap', 'gaps')} of ${c.gapSeconds.toFixed(1)} s unseen${restarts}`);
  }
  return parts.join('; ');
}

/** The whole sentence: `figures since 10:02; agents appear as they act`, with `timeOfDay` formatting `since`. */
export function describeCoverage(c: CoverageSummary, timeOfDay: (ms: number) => string): string {
  const note = coverageNote(c);
  const head = c.wholePeriod ? 'figures for the whole period' : `figures since ${timeOfDay(c.since)}`;
  return note === '' ? head : `${head}; ${note}`;
}

/** `10:02` on a 24-hour clock, in `timeZone` (default the host's). */
export function hourMinute(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone === undefined ? {} : { timeZone }) }).format(new Date(ms));
}
