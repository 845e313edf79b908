// A TestScheduler seen through a clock that starts at a real instant: `now()` is `base + virtual frames`, timers
// are the TestScheduler's. The daily reset computes its instants from `now()`, so a marble diagram can run on a
// given day of a given zone (a DST change) while time still only moves in virtual frames.
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';

/** `scheduler` with its clock moved to start at `base` (epoch ms). */
export function startingAt(scheduler: TestScheduler, base: number): SchedulerLike {
  return {
    now: () => base + scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      return scheduler.schedule(work, delay, state);
    },
  };
}
