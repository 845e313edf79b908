// The demo's clock: the client of `ipecs-rx demo` measures on the simulated centre's clock, which runs `speed`
// times faster than real time, so that every figure (waits, the service level within 20 s, short abandons within
// 5 s, ASA, AHT, summed times) is the simulated centre's own and reads as a real centre's at any speed. Only the
// clock is scaled: timers (ticks, heartbeats, timeouts) keep real durations.

import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** A scheduler whose `now()` runs `speed` times faster than real time from this instant on (timers unchanged). */
export function simulatedClock(speed: number, realNow: () => number = Date.now): SchedulerLike {
  const t0 = realNow();
  return {
    now: () => t0 + (realNow() - t0) * speed,
    schedule: asyncScheduler.schedule.bind(asyncScheduler),
  };
}
