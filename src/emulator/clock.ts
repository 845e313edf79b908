// The emulator's one clock (ipecs-webapi.md §10.1 item 17: "a test hook to move the clock forward"). Real time plus
// whatever `advance` added: the session timers read `monotonic()`, PBX times (ACD `time`, SMDR `StartTime`) read
// `wall()`, and the live centre paces its simulated time on `monotonic()`. Advancing runs the listeners at once,
// so expiry and the centre's backlog happen without any real waiting.

/** A clock that can be moved forward. One per emulator (no module state). */
export class EmulatorClock {
  private offsetMs = 0;
  private readonly listeners = new Set<(ms: number) => void>();

  /** Monotonic milliseconds (`performance.now()` plus the advances). */
  monotonic(): number {
    return performance.now() + this.offsetMs;
  }

  /** Epoch milliseconds of the PBX clock (`Date.now()` plus the advances). */
  wall(): number {
    return Date.now() + this.offsetMs;
  }

  /** How far the clock was moved forward in all, in ms. */
  advancedMs(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward by `ms` (≥ 0) and tells every listener, in the order they registered. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward (got ${String(ms)} ms)`);
    this.offsetMs += ms;
    for (const fn of [...this.listeners]) fn(ms);
  }

  /** Calls `fn(ms)` after every advance; returns the unsubscribe. */
  onAdvance(fn: (ms: number) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }
}
