// Pure text rendering for the terminal (demo, watch, replay): the summary, and the connection line that says why
// it cannot connect and how many attempts failed. No I/O here.

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

/** What the connection line shows: the latest state, failed attempts since the last open socket, their cause. */
export interface ConnectionView {
  readonly state: ConnectionState | undefined;
  /** Failed attempts (logins or sockets) since the last open socket. */
  readonly failures: number;
  /** The last failure in words, until a socket opens. */
  readonly cause: string | undefined;
}

/** Before the first state. */
export const NO_CONNECTION: ConnectionView = { state: undefined, failures: 0, cause: undefined };

// Node's network error codes in a supervisor's words (the code stays, for whoever reads the log).
const NETWORK_WORDS: readonly (readonly [RegExp, string])[] = [
  [/ECONNREFUSED/, 'connection refused: nothing answers on that address and port (ECONNREFUSED)'],
  [/ENOTFOUND/, 'host name not found (ENOTFOUND)'],
  [/EAI_AGAIN/, 'name lookup failed (EAI_AGAIN)'],
  [/EHOSTUNREACH|ENETUNREACH/, 'no route to the PBX (EHOSTUNREACH)'],
  [/ECONNRESET|EPIPE/, 'the connection was reset (ECONNRESET)'],
  [/timed out|ETIMEDOUT|ECONNABORTED/, 'no answer: the request timed out'],
  [/already login/i, 'the account is logged in elsewhere ("Already Login"); waiting for the PBX to free it'],
  [/HTTP 503/, 'the PBX is refusing logins for now (HTTP 503)'],
];

/** The cause of a failed attempt in words: a known network code or PBX refusal, else the library's own detail. */
export function causeText(reason: string, detail: string): string {
  for (const [pattern, words] of NETWORK_WORDS) if (pattern.test(detail)) return words;
  if (reason === 'heartbeat-timeout') return `the PBX stopped answering (${detail})`;
  return `${reason}: ${detail}`;
}

/** The next connection view after a state (a scan step). Gap markers change nothing. */
export function nextConnectionView(view: ConnectionView, state: ConnectionState): ConnectionView {
  switch (state.kind) {
    case 'gap':
      return view;
    case 'open':
      return { state, failures: 0, cause: undefined };
    case 'connecting':
      return { ...view, state };
    case 'backoff':
      return { state, failures: Math.max(view.failures + 1, state.attempt), cause: causeText(state.reason, state.detail) };
    case 'closed':
      return { ...view, state, cause: state.reason === 'client-closed' ? view.cause : causeText(state.reason, state.detail) };
  }
}

const attempts = (n: number): string => `${n} failed attempt${n === 1 ? '' : 's'}`;

/** One line describing the connection: connected, or why not and how many attempts failed. */
export function describeConnection(view: ConnectionView): string {
  const { state, failures, cause } = view;
  if (state === undefined) return 'starting';
  switch (state.kind) {
    case 'open':
    case 'gap':
      return 'connected';
    case 'connecting':
      return cause === undefined ? `connecting (attempt ${state.attempt})` : `cannot connect (${attempts(failures)}): ${cause}; trying again now`;
    case 'backoff':
      return `cannot connect (${attempts(failures)}): ${cause ?? state.detail}; next try in ${(state.delayMs / 1000).toFixed(1)} s`;
    case 'closed':
      return state.reason === 'client-closed' ? 'closed' : `stopped: ${cause ?? state.detail}`;
  }
}

/** What the title line says about the source, e.g. the emulator's speed. */
export interface RenderOptions {
  readonly title: string;
  /** A note under the title (the demo's speed and what its times mean). */
  readonly note?: string;
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
    ['ASA / AHT', `${num(s.averageSpeedOfAnswer)} s / ${num(s.averageHandleTime)} s`],
    ['Stations', `${s.stationsConnected} in service, ${s.busyStations} busy`],
    ['Agents', `${s.agentsLoggedIn} logged in: ${s.agentsAvailable} available, ${s.agentsUnavailable} unavailable, ${s.agentsOnWrap} wrap-up`],
    ['Agent time, summed', `logged in ${formatDuration(s.totalLoggedInTime)}, avail ${formatDuration(s.totalAvailTime)}, unavail ${formatDuration(s.totalUnavailTime)}`],
    ['Station time, summed', `idle ${formatDuration(s.totalIdleTime)}, busy ${formatDuration(s.totalBusyTime)}, hold ${formatDuration(s.totalHoldTime)}, wrap ${formatDuration(s.totalWrapTime)}`],
  ];
  const head = connection === undefined ? opts.title : `${opts.title} — ${describeConnection(connection)}`;
  const lines = [head];
  if (opts.note !== undefined) lines.push(opts.note);
  lines.push('─'.repeat(Math.min(78, Math.max(40, opts.title.length + 30))));
  for (const [k, v] of rows) lines.push(`${pad(k, 21)} ${v}`);
  return lines.join('\n');
}
