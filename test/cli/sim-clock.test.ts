// The demo's clock (src/cli/sim-clock.ts): now() runs `speed` times faster than real time from its creation; timers
// keep real durations.
import { describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/cli/sim-clock.js';

describe('simulatedClock', () => {
  it('runs now() speed times faster from its start', () => {
    let real = 1_000_000;
    const clock = simulatedClock(10, () => real);
    expect(clock.now()).toBe(1_000_000);
    real += 1_500;
    expect(clock.now()).toBe(1_015_000);
  });

  it('keeps timers in real time', async () => {
    const clock = simulatedClock(100);
    const started = Date.now();
    await new Promise<void>((resolve) => clock.schedule(() => { resolve(); }, 50));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
