// A tiny seeded PRNG (mulberry32) and the draws the simulated centre needs. No Math.random in the centre.

/** A seeded source of uniform numbers in [0, 1). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** Exponential with the given mean, at least `min`, at most `max`. */
  exp(mean: number, min?: number, max?: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T;
}

/** mulberry32: 32-bit state, good enough for simulation, identical on every platform. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    exp: (mean, min = 0, max = Number.POSITIVE_INFINITY) =>
      Math.min(max, Math.max(min, -mean * Math.log(1 - next()))),
    chance: (p) => next() < p,
    pick: <T>(xs: readonly T[]): T => {
      const x = xs[Math.floor(next() * xs.length)];
      if (x === undefined) throw new RangeError('pick from an empty array');
      return x;
    },
  };
}
