// What a person reads about the feed, in their own words: why it cannot connect (a refused port, an unknown host,
// "Already Login") and how many attempts failed, and, for the wallboard, whether its figures are live, stale or
// frozen and since when. Pure functions over connection states and the health; the terminal (cli) and the
// wallboard page show the same words.

import type { ConnectionState } from '../socket/types.js';
import type { HealthReport } from './health.js';

/** The connection as a person follows it: the latest state, failed attempts since the last open socket, their cause. */
export interface ConnectionView {
  readonly state: ConnectionState | undefined;
  /** Failed attempts (logins or sockets) since the last open socket. */
  readonly failures: number;
  /** The last failure in words, until a socket opens. */
  readonly cause: string | undefined;
  /** When the socket was lost, or the first attempt failed (scheduler ms); `undefined` while open. */
  readonly downSince: number | undefined;
  /** A socket was open at least once. */
  readonly everOpen: boolean;
}

/** Before the first state. */
export const NO_CONNECTION: ConnectionView = { state: undefined, failures: 0, cause: undefined, downSince: undefined, everOpen: false };

// Node's network error codes and the PBX's refusals in a supervisor's words (the code stays, for whoever reads
// the log).
const CAUSE_WORDS: readonly (readonly [RegExp, string])[] = [
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
  for (const [pattern, words] of CAUSE_WORDS) if (pattern.test(detail)) return words;
  if (reason === 'heartbeat-timeout') return `the PBX stopped answering (${detail})`;
  if (reason === 'network' && /1006|closed/i.test(detail)) return 'the connection to the PBX dropped';
  return `${reason}: ${detail}`;
}

/** The next connection view after a state (a scan step). Gap markers change nothing. */
export function nextConnectionView(view: ConnectionView, state: ConnectionState): ConnectionView {
  switch (state.kind) {
    case 'gap':
      return view;
    case 'open':
      return { state, failures: 0, cause: undefined, downSince: undefined, everOpen: true };
    case 'connecting':
      return { ...view, state };
    case 'backoff':
      return { ...view, state, failures: Math.max(view.failures + 1, state.attempt), cause: causeText(state.reason, state.detail), downSince: view.downSince ?? state.at };
    case 'closed':
      return {
        ...view,
        state,
        cause: state.reason === 'client-closed' ? view.cause : causeText(state.reason, state.detail),
        downSince: view.downSince ?? state.at,
      };
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

/** What the wallboard says about its figures. */
export interface BoardStatus {
  /** `live`: figures are current; `stale`: connected but nothing arrives; `down`: not connected; `starting`: not yet. */
  readonly level: 'live' | 'stale' | 'down' | 'starting';
  /** What it means for the figures, in a supervisor's words. */
  readonly headline: string;
  /** Why, in words (the cause and the attempts); empty when live. */
  readonly detail: string;
  /** Since when (ms of the server's clock): the last frame when stale, the loss of the link when down. */
  readonly since: number | null;
}

/** The wallboard's status from the health and the connection as followed. */
export function boardStatus(health: HealthReport, connection: ConnectionView): BoardStatus {
  if (health.ok) return { level: 'live', headline: 'Live', detail: '', since: null };
  const state = connection.state;
  if (state === undefined || (!connection.everOpen && connection.failures === 0 && state.kind !== 'closed')) {
    return { level: 'starting', headline: 'Connecting to the phone system…', detail: '', since: null };
  }
  if (health.state === 'open') {
    return {
      level: 'stale',
      headline: 'No news from the phone system',
      detail: `The figures may be out of date: nothing received for ${Math.round(health.lastEventAgeSeconds ?? 0)} s, and a quiet line still sends the time every minute.`,
      since: health.lastFrameAt,
    };
  }
  const why = connection.cause === undefined ? '' : connection.failures > 0 ? ` Trying again (${attempts(connection.failures)}): ${connection.cause}.` : ` ${connection.cause}.`;
  const stopped = state.kind === 'closed' && state.reason !== 'client-closed' ? ` Stopped: ${connection.cause ?? state.detail}.` : why;
  return { level: 'down', headline: 'Not connected to the phone system', detail: `The figures are frozen.${stopped}`, since: connection.downSince ?? health.lastFrameAt };
}
