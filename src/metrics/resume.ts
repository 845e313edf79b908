// Resuming a state after a restart (metrics.md §4): entities keep their last known state and the time between the
// state's last instant and the restart is not counted. Every open interval's start moves forward by that length,
// so idle, busy, wrap-up, logged-in, hold and talk time continue from where they stood. A call's creation and
// queueing instants stay: its caller really waited (speed of answer, longest wait, expiry are real durations).

import type { MetricsState } from './types.js';

/** Moves the start of every open interval `ms` later, so those ms are not counted; returns the state (in place). */
export function shiftOpenIntervals(state: MetricsState, ms: number): MetricsState {
  const d = ms;
  if (d <= 0) return state;
  for (const st of state.stations.values()) {
    st.serviceMark += d;
    st.agentMark += d;
    if (st.wrapSince !== undefined) st.wrapSince += d;
  }
  for (const c of state.calls.values()) {
    c.talkMark += d;
    if (c.holdSince !== undefined) c.holdSince += d;
  }
  state.version++;
  return state;
}
