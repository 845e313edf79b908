// The replay's clock: a virtual-time RxJS scheduler that reads as absolute epoch ms and is moved forward by the
// reader, one journal line at a time.
//
// Why not rxjs's VirtualTimeScheduler: it keeps every rescheduled action alive on purpose (a periodic action makes
// a new immutable action per run and chains it to the previous one, so tests can inspect them), which grows
// without bound over a day of 1 s ticks. This one reuses a rescheduled action, keeps pending actions in a binary
// heap ordered by (due, scheduling order), and forgets them once run or cancelled.

import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';

interface Entry {
  readonly action: ClockAction<unknown>;
  readonly due: number;
  readonly seq: number;
  /** The action's generation when queued; a rescheduled or cancelled action leaves a stale entry behind. */
  readonly gen: number;
}

const before = (a: Entry, b: Entry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  gen = 0;
  state: T | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super(() => {
      this.gen++; // any queued entry of this action is now stale
    });
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.gen++;
    this.clock.enqueue(this as ClockAction<unknown>, delay);
    return this;
  }

  run(): void {
    try {
      this.work.call(this, this.state);
    } catch (err: unknown) {
      this.unsubscribe();
      throw err;
    }
  }
}

/** A virtual clock for RxJS: `now()` is the virtual instant; timers run only when the clock is advanced. */
export class VirtualClock implements SchedulerLike {
  private frame: number;
  private seq = 0;
  private readonly heap: Entry[] = [];

  constructor(start: number) {
    this.frame = start;
  }

  now(): number {
    return this.frame;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    return new ClockAction<T>(this, work).schedule(state, delay);
  }

  /** Timers waiting (stale entries of rescheduled or cancelled actions excluded). */
  pending(): number {
    return this.heap.filter((e) => e.gen === e.action.gen && !e.action.closed).length;
  }

  /** @internal Queues `action` at now + delay. */
  enqueue(action: ClockAction<unknown>, delay: number): void {
    const delayMs = Number.isFinite(delay) && delay > 0 ? delay : 0;
    this.push({ action, due: this.frame + delayMs, seq: this.seq++, gen: action.gen });
  }

  /**
   * Runs every timer due before `to` (strictly, or up to and including it with `inclusive`), each at its own
   * instant, then sets the clock to `to`. Timers scheduled on the way run too if they fall in the range. Never
   * moves backwards.
   */
  advance(to: number, inclusive: boolean): void {
    if (to < this.frame) return;
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.due > to || (!inclusive && top.due === to)) break;
      this.pop();
      if (top.gen !== top.action.gen || top.action.closed) continue;
      this.frame = top.due;
      top.action.run();
    }
    this.frame = to;
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || !before(e, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let best: Entry = last;
      const left = h[l];
      const right = h[r];
      if (left !== undefined && before(left, best)) {
        m = l;
        best = left;
      }
      if (right !== undefined && before(right, best)) {
        m = r;
        best = right;
      }
      if (m === i) break;
      h[i] = best;
      i = m;
    }
    h[i] = last;
  }
}
