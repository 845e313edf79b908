// The replay's virtual clock: timers run in (due, scheduling) order at their own instants, frames can be put
// before the timers of their instant, cancelled timers never run, and a periodic timer does not pile up actions
// (rxjs's VirtualTimeScheduler keeps one per run: a day of 1 s ticks ran a 48 MB heap out of memory).
import { describe, expect, it } from 'vitest';
import { interval, take, timer } from 'rxjs';
import { VirtualClock } from '../../src/journal/virtual-clock.js';

describe('VirtualClock', () => {
  it('runs timers in due order, then scheduling order, each at its own instant', () => {
    const clock = new VirtualClock(1_000);
    const seen: string[] = [];
    const note = (name: string) => () => seen.push(`${name}@${clock.now()}`);
    clock.schedule(note('c'), 30);
    clock.schedule(note('a'), 10);
    clock.schedule(note('b'), 10);
    clock.schedule(() => {
      seen.push(`n@${clock.now()}`);
      clock.schedule(note('inner'), 5); // due 1_025: inside the range, so it runs in this advance
    }, 20);
    clock.advance(1_030, false);
    expect(seen).toEqual(['a@1010', 'b@1010', 'n@1020', 'inner@1025']);
    expect(clock.now()).toBe(1_030);
    clock.advance(1_030, true);
    expect(seen.at(-1)).toBe('c@1030');
    clock.advance(500, true); // never backwards
    expect(clock.now()).toBe(1_030);
  });

  it('does not run a cancelled timer, and reuses a periodic one', () => {
    const clock = new VirtualClock(0);
    let ran = false;
    clock.schedule(() => (ran = true), 10).unsubscribe();
    const ticks: number[] = [];
    const sub = interval(1_000, clock).subscribe(() => ticks.push(clock.now()));
    clock.advance(100_000_000, true);
    expect(ran).toBe(false);
    expect(ticks).toHaveLength(100_000);
    expect(ticks.slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
    expect(clock.pending()).toBe(1);
    sub.unsubscribe();
    expect(clock.pending()).toBe(0);
    const once: number[] = [];
    timer(5, clock).pipe(take(1)).subscribe(() => once.push(clock.now()));
    clock.advance(100_000_010, true);
    expect(once).toEqual([100_000_005]);
  });
});
