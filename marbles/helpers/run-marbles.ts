// The 15-line marble helper: a TestScheduler asserting with vitest, guarded against runaway virtual time.
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { expect } from 'vitest';

/**
 * Runs `fn` in TestScheduler run mode (1 frame = 1 ms). Infinite streams must be bounded with `!`. Virtual time
 * stops at `maxFrames` (default 24 h).
 */
export function runMarbles<T>(fn: (helpers: RunHelpers & { scheduler: TestScheduler }) => T, options: { readonly maxFrames?: number } = {}): T {
  const scheduler = new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
  return scheduler.run((helpers) => {
    scheduler.maxFrames = options.maxFrames ?? 24 * 3_600_000;
    return fn({ ...helpers, scheduler });
  });
}
