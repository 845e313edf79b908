// Health of the live feed, as a pure function of the connection state, the last frame instant and the clock.
//
// "Fresh" means: the socket is open and something arrived within `freshnessMs` (default 150 s). Any frame counts
// (the PBX sends code 68 TIME & DATE every minute, so a healthy quiet line still talks); a socket that has just
// opened counts as fresh from its `open` instant. The window is 2.5× the PBX's 60 s clock event, so one missed
// TIME & DATE does not flip the health.

import type { ConnectionState } from '../socket/types.js';

/** Default freshness window (ms). */
export const DEFAULT_FRESHNESS_MS = 150_000;

/** What the health is computed from. */
export interface HealthInput {
  /** The latest connection state that is not a `gap` marker; `undefined` before the first. */
  readonly state: ConnectionState | undefined;
  /** The latest frame's instant (scheduler ms), if any frame arrived. */
  readonly lastFrameAt: number | undefined;
  /** The clock now (scheduler ms). */
  readonly now: number;
  readonly freshnessMs: number;
}

/** The health as `/health` reports it. */
export interface HealthReport {
  /** `true`: the socket is open and fresh. */
  readonly ok: boolean;
  /** 200 when ok, else 503. */
  readonly status: 200 | 503;
  /** One human line: why it is (un)healthy. */
  readonly reason: string;
  /** The connection state's kind (`unknown` before the first). */
  readonly state: ConnectionState['kind'] | 'unknown';
  /** Instant of the last frame (ms), `null` if none yet. */
  readonly lastFrameAt: number | null;
  /** Seconds since the last frame (or since the socket opened, whichever is later); `null` if neither. */
  readonly lastEventAgeSeconds: number | null;
  readonly freshnessSeconds: number;
  /** The clock when computed (ms), so a viewer can tick ages itself. */
  readonly now: number;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

/** Computes the health (see the file comment for the rule). */
export function healthOf(input: HealthInput): HealthReport {
  const { state, lastFrameAt, now, freshnessMs } = input;
  const base = { lastFrameAt: lastFrameAt ?? null, freshnessSeconds: seconds(freshnessMs), now };
  const openedAt = state?.kind === 'open' ? state.at : undefined;
  const reference = openedAt === undefined ? lastFrameAt : Math.max(openedAt, lastFrameAt ?? openedAt);
  const age = reference === undefined ? null : seconds(Math.max(0, now - reference));
  if (state === undefined) return { ...base, ok: false, status: 503, reason: 'no connection yet', state: 'unknown', lastEventAgeSeconds: age };
  if (state.kind !== 'open') {
    const why = state.kind === 'closed' || state.kind === 'backoff' ? ` (${state.reason}: ${state.detail})` : state.kind === 'connecting' ? ` (attempt ${state.attempt})` : '';
    return { ...base, ok: false, status: 503, reason: `socket not open: ${state.kind}${why}`, state: state.kind, lastEventAgeSeconds: age };
  }
  if (age !== null && age * 1000 > freshnessMs) {
    return { ...base, ok: false, status: 503, reason: `stale: nothing received for ${age} s (window ${seconds(freshnessMs)} s)`, state: 'open', lastEventAgeSeconds: age };
  }
  return { ...base, ok: true, status: 200, reason: `socket open; last frame ${age ?? 0} s ago`, state: 'open', lastEventAgeSeconds: age };
}
