// Pure text rendering for the terminal (demo, watch, replay): the summary, and the connection line that says why
// it cannot connect and how many attempts failed (in the same words as the wallboard: serve/status.ts). No I/O.

import type { AcdSummary } from '../metrics/types.js';
import { describeConnection, type ConnectionView } from '../serve/status.js';
import { describeCoverage, hourMinute } from '../serve/coverage-note.js';

export { NO_CONNECTION, nextConnectionView, type ConnectionView } from '../serve/status.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const secs = (n: number): string => `${n.toFixed(1)} s`;
const pct = (n: number | null): string => (n === null ? '—' : `${(n * 100).toFixed(1)}%`);

/** `3723.5` seconds → `1:02:03`. */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** What the title line says about the source, e.g. the emulator's speed. */
export interface RenderOptions {
  readonly title: string;
  /** A note under the title (the demo's speed and what its times mean). */
  readonly note?: string;
  /** Formats the coverage's `since` (default: `HH:MM` in the host's zone). */
  readonly timeOfDay?: (ms: number) => string;
}

/** The live summary as a block of text lines that fits an 80-column terminal. */
export function renderSummary(s: AcdSummary, connection: ConnectionView | undefined, opts: RenderOptions): string {
  const rows: [string, string][] = [
    ['Calls in queue', `${s.callsInQueue}  (longest wait ${formatDuration(s.longestWaitTime)})`],
    ['Active calls', String(s.activeCalls)],
    ['Inbound / answered', `${s.totalInboundCalls} / ${s.totalAnsweredCalls}`],
    ['Abandoned', `${s.totalAbandonedCalls}  (of them short ${s.shortAbandons}; rate ${pct(s.abandonRate)})`],
    ['Outbound', String(s.totalOutboundCalls)],
    ['Service level', pct(s.serviceLevel)],
    ['ASA / AHT', s.totalAnsweredCalls === 0 ? '— / —' : `${secs(s.averageSpeedOfAnswer)} / ${secs(s.averageHandleTime)}`],
    ['Stations', `${s.stationsConnected} in service, ${s.busyStations} busy`],
    ['Agents', `${s.agentsLoggedIn} logged in: ${s.agentsAvailable} available, ${s.agentsUnavailable} unavailable, ${s.agentsOnWrap} wrap-up`],
    ['Agent time, summed', `logged in ${formatDuration(s.totalLoggedInTime)}, avail ${formatDuration(s.totalAvailTime)}, unavail ${formatDuration(s.totalUnavailTime)}`],
    ['Station time, summed', `idle ${formatDuration(s.totalIdleTime)}, busy ${formatDuration(s.totalBusyTime)}, hold ${formatDuration(s.totalHoldTime)}, wrap ${formatDuration(s.totalWrapTime)}`],
  ];
  const head = connection === undefined ? opts.title : `${opts.title} — ${describeConnection(connection)}`;
  const lines = [head];
  if (opts.note !== undefined) lines.push(opts.note);
  lines.push(`Coverage: ${describeCoverage(s.coverage, opts.timeOfDay ?? ((ms) => hourMinute(ms)))}`);
  lines.push('─'.repeat(Math.min(78, Math.max(40, opts.title.length + 30))));
  for (const [k, v] of rows) lines.push(`${pad(k, 21)} ${v}`);
  return lines.join('\n');
}
