// Pure text rendering of a summary for the terminal (demo, watch). No I/O here.

import type { AcdSummary } from '../metrics/types.js';
import type { ConnectionState } from '../socket/types.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (n: number | null): string => (n === null ? '—' : String(n));
const pct = (n: number | null): string => (n === null ? '—' : `${(n * 100).toFixed(1)}%`);

/** `3723.5` seconds → `1:02:03`. */
function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** One line describing the connection state. */
function describeConnection(state: ConnectionState | undefined): string {
  if (!state) return 'starting';
  switch (state.kind) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'open':
      return 'connected';
    case 'backoff':
      return `reconnecting in ${(state.delayMs / 1000).toFixed(1)} s (${state.reason})`;
    case 'closed':
      return `closed (${state.reason})`;
    case 'gap':
      return `connected, gap of ${((state.to - state.from) / 1000).toFixed(1)} s`;
  }
}

/** The live summary as a block of text lines that fits an 80-column terminal. */
export function renderSummary(s: AcdSummary, state: ConnectionState | undefined, title: string): string {
  const rows: [string, string][] = [
    ['Calls in queue', `${s.callsInQueue}  (longest wait ${formatDuration(s.longestWaitTime)})`],
    ['Active calls', String(s.activeCalls)],
    ['Inbound / answered', `${s.totalInboundCalls} / ${s.totalAnsweredCalls}`],
    ['Abandoned', `${s.totalAbandonedCalls}  (short ${s.shortAbandons}, rate ${pct(s.abandonRate)})`],
    ['Outbound', String(s.totalOutboundCalls)],
    ['Service level', pct(s.serviceLevel)],
    ['ASA / AHT', `${num(s.averageSpeedOfAnswer)} s / ${num(s.averageHandleTime)} s`],
    ['Stations', `${s.stationsConnected} in service, ${s.busyStations} busy`],
    ['Agents', `${s.agentsLoggedIn} logged in: ${s.agentsAvailable} available, ${s.agentsUnavailable} unavailable, ${s.agentsOnWrap} wrap-up`],
    ['Agent time', `logged in ${formatDuration(s.totalLoggedInTime)}, avail ${formatDuration(s.totalAvailTime)}, unavail ${formatDuration(s.totalUnavailTime)}`],
    ['Station time', `idle ${formatDuration(s.totalIdleTime)}, busy ${formatDuration(s.totalBusyTime)}, hold ${formatDuration(s.totalHoldTime)}, wrap ${formatDuration(s.totalWrapTime)}`],
  ];
  const lines = [`${title} — ${describeConnection(state)}`, '─'.repeat(Math.min(78, title.length + 30))];
  for (const [k, v] of rows) lines.push(`${pad(k, 20)} ${v}`);
  return lines.join('\n');
}
