// The consumer's reorder window (pure): the next id at once, later ones held until the ones before arrive, ids
// that never come declared missing with their count, redeliveries and late arrivals dropped and told apart, and
// nothing dropped unreported. Properties over random shuffles, losses and copies of a site's dense ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../src/bridge/message-id.js';
import { admit, caughtUp, createSiteOrder, expireHeld, heldCount, restartHoldClock, type Release } from '../../src/bridge/reorder.js';

const id = (seq: number, epoch = 1): MessageId => ({ siteId: 's', epoch, seq });
const key = (m: MessageId): string => `${String(m.epoch)}:${String(m.seq)}`;

/** The releases as short strings: `d1:3` delivered, `m2<1:5` 2 missing before 1:5, `x1:3` duplicate, `l1:3` late. */
function show(rs: readonly Release<MessageId>[]): string[] {
  return rs.map((r) => {
    switch (r.kind) {
      case 'deliver':
        return `d${key(r.value)}`;
      case 'missing':
        return `m${String(r.count)}<${key(r.before)}`;
      case 'duplicate':
        return `x${key(r.value)}`;
      case 'late':
        return `${r.declared ? 'l' : 'L'}${key(r.value)}`;
    }
  });
}

describe('reorder window', () => {
  it('delivers the next id at once and holds a later one until the ones before it arrive', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    const step = (m: MessageId, now = 0): string[] => show(admit(o, m, m, now));
    expect(step(id(1))).toEqual(['d1:1']);
    expect(step(id(4))).toEqual([]);
    expect(step(id(3))).toEqual([]);
    expect(heldCount(o)).toBe(2);
    expect(step(id(2))).toEqual(['d1:2', 'd1:3', 'd1:4']);
    expect(step(id(3))).toEqual(['x1:3']); // a redelivery
    expect(o.delivered).toBe(4);
  });

  it('declares the missing ids with their count when the window times out, and drops a late arrival as late', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    admit(o, id(1), id(1), 0);
    expect(show(admit(o, id(5), id(5), 100))).toEqual([]);
    expect(show(admit(o, id(6), id(6), 200))).toEqual([]);
    expect(show(expireHeld(o, 1099))).toEqual([]);
    expect(show(expireHeld(o, 1100))).toEqual(['m3<1:5', 'd1:5', 'd1:6']);
    expect(show(admit(o, id(3), id(3), 1200))).toEqual(['l1:3']);
    expect(show(admit(o, id(6), id(6), 1200))).toEqual(['x1:6']);
    expect([o.missing, o.late, o.duplicates]).toEqual([3, 1, 1]);
  });

  it('declares the missing ids as soon as more than maxHeld are held', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 2, maxHoldMs: 1e9 });
    admit(o, id(1), id(1), 0);
    admit(o, id(3), id(3), 0);
    admit(o, id(4), id(4), 0);
    expect(show(admit(o, id(6), id(6), 0))).toEqual(['m1<1:3', 'd1:3', 'd1:4']);
    expect(heldCount(o)).toBe(1); // 6 waits for 5
  });

  it('stops the hold clock while disconnected (restartHoldClock)', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    admit(o, id(1), id(1), 0);
    admit(o, id(3), id(3), 0);
    restartHoldClock(o, 5000); // reconnected at 5 s: the missing one could not come meanwhile
    expect(show(expireHeld(o, 5500))).toEqual([]);
    expect(show(admit(o, id(2), id(2), 5600))).toEqual(['d1:2', 'd1:3']);
  });

  it('goes on to a new bridge run at seq 1, but not past ids of the old run still held', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    admit(o, id(1), id(1), 0);
    expect(show(admit(o, id(3), id(3), 0))).toEqual([]); // 2 missing in run 1
    expect(show(admit(o, id(1, 2), id(1, 2), 0))).toEqual([]); // run 2 waits behind it
    expect(show(admit(o, id(2), id(2), 0))).toEqual(['d1:2', 'd1:3', 'd2:1']);
    expect(show(admit(o, id(2, 2), id(2, 2), 0))).toEqual(['d2:2']);
    // A message of run 1 arriving now was neither delivered nor declared: late, and not yet reported.
    expect(show(admit(o, id(9), id(9), 0))).toEqual(['L1:9']);
    // One of run 1 that was delivered is a redelivery.
    expect(show(admit(o, id(2), id(2), 0))).toEqual(['x1:2']);
  });

  it('a new consumer holds a first message that is not a seq 1 until it has caught up, then starts at the lowest id', () => {
    const o = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    // A bridge that resent 1-2 after 3-4 were stored (a failure at its start): the stream holds 3 4 1 2.
    expect(show(admit(o, id(3), id(3), 0))).toEqual([]);
    expect(show(admit(o, id(4), id(4), 0))).toEqual([]);
    expect(show(admit(o, id(1), id(1), 0))).toEqual(['d1:1']);
    expect(show(admit(o, id(2), id(2), 0))).toEqual(['d1:2', 'd1:3', 'd1:4']);
    // A consumer of new messages only starts mid-run: once caught up, at what it saw, nothing declared before it.
    const late = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    expect(show(admit(late, id(7), id(7), 0))).toEqual([]);
    expect(show(caughtUp(late))).toEqual(['d1:7']);
    expect(late.missing).toBe(0);
    // An id before its start that arrives afterwards was never delivered nor declared: late, reported as news.
    expect(show(admit(late, id(6), id(6), 0))).toEqual(['L1:6']);
    // Without a catch-up, the window's bounds start it too.
    const slow = createSiteOrder<MessageId>({ maxHeld: 10, maxHoldMs: 1000 });
    admit(slow, id(5), id(5), 0);
    expect(show(expireHeld(slow, 1000))).toEqual(['d1:5']);
  });

  it('whatever the shuffle, losses and copies: each id delivered at most once, in order; every id up to the last delivered or declared missing, once', () => {
    const scenario = fc.record({
      n: fc.integer({ min: 1, max: 150 }),
      spread: fc.integer({ min: 0, max: 20 }),
      seed: fc.array(fc.nat({ max: 1000 }), { minLength: 150, maxLength: 150 }),
      lost: fc.array(fc.nat({ max: 149 }), { maxLength: 20 }),
      copies: fc.array(fc.nat({ max: 149 }), { maxLength: 20 }),
      maxHeld: fc.integer({ min: 1, max: 40 }),
      tick: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(scenario, ({ n, spread, seed, lost, copies, maxHeld, tick }) => {
        // Ids 1..n (1 always first and kept), each displaced by up to `spread`, some lost, some sent twice.
        const order = Array.from({ length: n }, (_, i) => ({ seq: i + 1, pos: i === 0 ? -1 : i + ((seed[i] ?? 0) % (spread + 1)) })).sort((a, b) => a.pos - b.pos);
        const lostSet = new Set(lost.filter((x) => x > 0));
        const arrivals: number[] = [];
        for (const [i, x] of order.entries()) {
          if (!lostSet.has(x.seq - 1)) arrivals.push(x.seq);
          if (copies.includes(i) && arrivals.length > 0) arrivals.push(arrivals[arrivals.length - 1 - ((seed[i] ?? 0) % Math.min(3, arrivals.length))] ?? 1);
        }
        const o = createSiteOrder<MessageId>({ maxHeld, maxHoldMs: 50 });
        const out: Release<MessageId>[] = [];
        let now = 0;
        for (const seq of arrivals) {
          now += tick;
          out.push(...admit(o, id(seq), id(seq), now), ...expireHeld(o, now));
        }
        out.push(...expireHeld(o, now + 1_000_000));
        expect(heldCount(o)).toBe(0);
        // Walk the releases: delivered ids strictly increase; missing runs fill exactly the holes.
        let next = 1;
        for (const r of out) {
          if (r.kind === 'deliver') {
            expect(r.value.seq).toBe(next);
            next++;
          } else if (r.kind === 'missing') {
            expect(r.before.seq).toBe(next + r.count);
            for (let k = 0; k < r.count; k++) expect(lostSet.has(next - 1 + k) || arrivals.includes(next + k)).toBe(true);
            next += r.count;
          } else {
            // 1 came first: nothing is news from before it. A late one was declared; a copy may be of a held one.
            if (r.kind === 'late') {
              expect(r.declared).toBe(true);
              expect(r.value.seq).toBeLessThan(next);
            }
          }
        }
        // Every id that arrived is accounted for: delivered, declared missing (and then late), or a copy.
        const maxArrived = Math.max(...arrivals);
        expect(next - 1).toBe(maxArrived);
        expect(o.delivered + o.duplicates + o.late).toBe(arrivals.length);
        // Nothing lost went undeclared: every lost id below the highest arrived one is in a missing run.
        const lostBelow = [...lostSet].map((x) => x + 1).filter((seq) => seq < maxArrived && seq <= n);
        expect(o.missing).toBeGreaterThanOrEqual(lostBelow.length);
        // With a window wide enough and no timeout, nothing that arrives is declared missing.
        if (maxHeld > n && tick === 0) expect(o.missing).toBe(lostBelow.length);
      }),
      { numRuns: 500 },
    );
  });
});
