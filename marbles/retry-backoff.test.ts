// retryBackoff: capped exponential backoff with jitter, a floor, and a counter that resets only after the
// source stayed up for minUptime (reliability bar R6). Each cold source below is one connection attempt.
import fc from 'fast-check';
import { defer, ignoreElements, NEVER, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryBackoff, type RetryInfo } from '../src/retry/retry-backoff.js';
import { runMarbles } from './helpers/run-marbles.js';

/** mulberry32: a seeded [0,1) generator, so every jitter draw is reproducible from the fast-check seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('retryBackoff', () => {
  it('backs off 10, 20, 40, 40 ms (base 10, cap 40, jitter at its top) against a source that fails at once', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('-#');
      const result = attempt.pipe(retryBackoff({ baseMs: 10, capMs: 40, floorMs: 5, minUptimeMs: 1_000, random: () => 0.999_999 }));
      // Each attempt fails 1 ms after it starts; the next one starts after the delay.
      expectObservable(result, '^ 200ms !').toBe('');
      expectSubscriptions(attempt.subscriptions).toBe([
        '^!',
        '11ms ^!', //          1 + 10
        '32ms ^!', //         12 + 20
        '73ms ^!', //         33 + 40
        '114ms ^!', //        74 + 40 (capped)
        '155ms ^!',
        '196ms ^!',
      ]);
    });
  });

  // delayFor: the caller's own delay for an error it understands (the connection: the floor for a re-login whose
  // reason is known). The counter still goes up, so the next ordinary error backs off from there.
  //   errors:   a(auth)  t       t
  //   delays:   5 (own)  20      40     (base 10, cap 40, jitter at its top; attempt 1 took the own delay)
  it('delayFor replaces the backoff for the errors it answers, and the attempt counter still counts them', () => {
    const seen: RetryInfo[] = [];
    const starts: number[] = [];
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const auth = new Error('auth');
      const attempt = defer(() => {
        starts.push(scheduler.now());
        return starts.length === 1 ? cold('-#', undefined, auth) : cold('-#');
      });
      const result = attempt.pipe(
        retryBackoff({
          baseMs: 10,
          capMs: 40,
          floorMs: 5,
          minUptimeMs: 1_000,
          random: () => 0.999_999,
          delayFor: (e) => (e === auth ? 5 : undefined),
          onRetry: (i) => seen.push(i),
        }),
      );
      expectObservable(result, '^ 70ms !').toBe('');
    });
    expect(seen.map((i) => [i.attempt, i.delayMs])).toEqual([[1, 5], [2, 20], [3, 40], [4, 40]]);
    expect(starts).toEqual([0, 6, 27, 68]); // 1 + 5, 7 + 20, 28 + 40
  });

  it('never waits less than the floor, even when the jitter draws 0', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('-#');
      const result = attempt.pipe(retryBackoff({ baseMs: 10, capMs: 40, floorMs: 5, minUptimeMs: 1_000, random: () => 0 }));
      expectObservable(result, '^ 20ms !').toBe('');
      expectSubscriptions(attempt.subscriptions).toBe(['^!', '6ms ^!', '12ms ^!', '18ms ^!']);
    });
  });

  it('resets the counter after the source stayed up for minUptime, and NOT before', () => {
    runMarbles(({ cold, expectObservable }) => {
      const seen: RetryInfo[] = [];
      const opts = { baseMs: 10, capMs: 1_000, floorMs: 0, minUptimeMs: 100, random: () => 0.999_999, onRetry: (i: RetryInfo) => seen.push(i) };
      // Up ('o') for 99 ms, then lost: short of the 100 ms window, so delays 10, 20, 40, 80 (attempts 1, 2, 3, 4).
      const flapping = cold('o 98ms #');
      expectObservable(flapping.pipe(retryBackoff(opts)), '^ 600ms !').toBe('o 108ms o 118ms o 138ms o 178ms o', { o: 'o' });
      // Up for exactly 100 ms each time: the counter resets and every delay is the first one (10 ms).
      const stable = cold('o 99ms #');
      const seenStable: RetryInfo[] = [];
      expectObservable(stable.pipe(retryBackoff({ ...opts, onRetry: (i: RetryInfo) => seenStable.push(i) })), '^ 400ms !').toBe(
        'o 109ms o 109ms o 109ms o',
        { o: 'o' },
      );
      return () => {
        expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3, 4]);
        expect(seenStable.map((s) => s.attempt)).toEqual([1, 1, 1]);
      };
    })();
  });

  it('passes a fatal error through without retrying', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const attempt = cold('--#', undefined, new Error('fatal'));
      const result = attempt.pipe(retryBackoff({ baseMs: 10, capMs: 40, floorMs: 5, minUptimeMs: 100, shouldRetry: () => false }));
      expectObservable(result).toBe('--#', undefined, new Error('fatal'));
      expectSubscriptions(attempt.subscriptions).toBe('^-!');
    });
  });

  it('property: for random seeds and settings, every delay is in [floor, max(floor, min(cap, base·2^(n-1)))] and attempts are ≥ floor apart', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.integer({ min: 0, max: 50 }),
        (seed, baseMs, capMs, floorMs, upMs) => {
          const delays: RetryInfo[] = [];
          const starts: number[] = [];
          runMarbles(({ scheduler, expectObservable }) => {
            // Each attempt comes up after 1 ms and drops `upMs` later: far shorter than minUptime, so no reset.
            const attempt: Observable<string> = defer(() => {
              starts.push(scheduler.now());
              return scheduler.createColdObservable(`-o ${upMs}ms #`);
            });
            const result = attempt.pipe(
              retryBackoff({ baseMs, capMs, floorMs, minUptimeMs: 10 ** 9, random: seeded(seed), onRetry: (i) => delays.push(i) }),
            );
            expectObservable(result.pipe(ignoreElements()), `^ ${40 * (Math.max(capMs, floorMs) + upMs + 2)}ms !`).toBe('');
          });
          expect(delays.length).toBeGreaterThan(0);
          delays.forEach((d, i) => {
            expect(d.attempt).toBe(i + 1);
            const upper = Math.max(floorMs, Math.min(capMs, baseMs * 2 ** (d.attempt - 1)));
            expect(d.delayMs).toBeGreaterThanOrEqual(floorMs);
            expect(d.delayMs).toBeLessThanOrEqual(upper);
          });
          for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(floorMs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('backoffDelay is pure and clamps its draw', () => {
    expect(backoffDelay(1, 0, { baseMs: 100, capMs: 1_000, floorMs: 50 })).toBe(50);
    expect(backoffDelay(1, 1, { baseMs: 100, capMs: 1_000, floorMs: 50 })).toBe(100);
    expect(backoffDelay(30, 1, { baseMs: 100, capMs: 1_000, floorMs: 50 })).toBe(1_000);
    expect(backoffDelay(5, 2, { baseMs: 100, capMs: 1_000, floorMs: 2_000 })).toBe(2_000);
    expect(NEVER).toBeDefined();
  });
});
