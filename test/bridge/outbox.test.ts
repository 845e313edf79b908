// The bridge's buffering and retry policy (pure): FIFO, a bounded in-flight window, a failure or a lost connection
// resends the whole unacknowledged run in order with the same ids before anything newer, ids are stamped dense and
// in queue order (only on what is queued), a bound drops the newest and reports them as one gap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackSent, canSend, createOutbox, failAll, failSent, flushDrops, offer, pendingCount, pendingMessages, restore, takeToSend, type Draft, type DropRun, type OutMessage, type Outbox, type Sent } from '../../src/bridge/outbox.js';

const draft = (n: number): Draft => ({ subject: 'ipecs.s.acd.3', payload: String(n), at: n });
const gapFor = (run: DropRun): Draft => ({ subject: 'ipecs.s.gap', payload: `gap ${String(run.from)}-${String(run.to)} x${String(run.count)}`, at: run.to });
/** Stamps ids s:1:1, s:1:2, … in the order the outbox asks. */
function stamper(): (d: Draft) => OutMessage {
  let seq = 0;
  return (d) => ({ id: `s:1:${String(++seq)}`, ...d });
}
const ids = (sent: readonly Sent[]): string[] => sent.map((s) => s.msg.id);
const payloads = (sent: readonly Sent[]): string[] => sent.map((s) => s.msg.payload);

function filled(n: number, policy: { maxBuffered: number; maxInFlight: number }): { box: Outbox; stamp: (d: Draft) => OutMessage } {
  const box = createOutbox(policy);
  const stamp = stamper();
  for (let i = 1; i <= n; i++) offer(box, draft(i), stamp, gapFor);
  return { box, stamp };
}

describe('outbox', () => {
  it('sends in order within the window and frees a message only when acknowledged', () => {
    const { box } = filled(3, { maxBuffered: 10, maxInFlight: 2 });
    const first = takeToSend(box);
    expect(ids(first)).toEqual(['s:1:1', 's:1:2']);
    expect(takeToSend(box)).toEqual([]); // window full
    ackSent(box, first[1] as Sent); // out of order ack: message 1 still waits
    expect(pendingCount(box)).toBe(2);
    expect(ids(takeToSend(box))).toEqual(['s:1:3']);
    ackSent(box, first[0] as Sent);
    expect(pendingMessages(box).map((m) => m.id)).toEqual(['s:1:3']);
  });

  it('after a failure resends every unacknowledged message from the oldest, with the same ids', () => {
    const { box } = filled(4, { maxBuffered: 10, maxInFlight: 3 });
    const sent = takeToSend(box); // 1 2 3
    ackSent(box, sent[0] as Sent);
    expect(failSent(box, sent[1] as Sent)).toBe(true);
    expect(failSent(box, sent[2] as Sent)).toBe(false); // same failure, already handled
    expect(ids(takeToSend(box))).toEqual(['s:1:2', 's:1:3', 's:1:4']);
    // A late ack of the old generation still counts (JetStream stored it) and is not sent again.
    ackSent(box, sent[2] as Sent);
    expect(pendingMessages(box).map((m) => m.id)).toEqual(['s:1:2', 's:1:4']);
  });

  it('after a lost connection sends what was in flight again before anything newer (no ack timeout to wait for)', () => {
    const { box, stamp } = filled(3, { maxBuffered: 10, maxInFlight: 10 });
    const before = takeToSend(box); // 1 2 3 in flight when the server dies
    ackSent(box, before[0] as Sent);
    expect(failAll(box)).toBe(2); // 2 and 3 were still in flight
    offer(box, draft(4), stamp, gapFor); // arrives while disconnected
    expect(ids(takeToSend(box))).toEqual(['s:1:2', 's:1:3', 's:1:4']);
    // Settlements of the lost generation do not free the new window.
    expect(failSent(box, before[1] as Sent)).toBe(false);
    expect(canSend(box)).toBe(false);
  });

  it('drops the newest over the bound and reports the run as one gap ahead of the next accepted message; ids stay dense', () => {
    const box = createOutbox({ maxBuffered: 2, maxInFlight: 5 });
    const stamp = stamper();
    expect(offer(box, draft(1), stamp, gapFor)).toHaveLength(1);
    offer(box, draft(2), stamp, gapFor);
    expect(offer(box, draft(3), stamp, gapFor)).toEqual([]);
    expect(offer(box, draft(4), stamp, gapFor)).toEqual([]);
    expect(box.dropped).toBe(2);
    for (const s of takeToSend(box)) ackSent(box, s);
    const queued = offer(box, draft(5), stamp, gapFor);
    // The dropped frames took no id: the gap marker is s:1:3, the next frame s:1:4.
    expect(queued.map((m) => [m.id, m.payload])).toEqual([
      ['s:1:3', 'gap 3-4 x2'],
      ['s:1:4', '5'],
    ]);
    expect(payloads(takeToSend(box))).toEqual(['gap 3-4 x2', '5']);
  });

  it('queues replayed messages with their own ids ahead of new ones, past the bound', () => {
    const box = createOutbox({ maxBuffered: 1, maxInFlight: 5 });
    restore(box, { id: 'old:1:7', ...draft(7) });
    restore(box, { id: 'old:1:8', ...draft(8) });
    expect(offer(box, draft(9), stamper(), gapFor)).toEqual([]); // over the bound: dropped
    expect(ids(takeToSend(box))).toEqual(['old:1:7', 'old:1:8']);
  });

  it('whatever the acks, failures and lost connections: each accepted message acknowledged once, ids dense, first sent in order', () => {
    const op = fc.oneof(
      fc.constant({ k: 'offer' as const }),
      fc.record({ k: fc.constant('ack' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('fail' as const), i: fc.nat() }),
      fc.constant({ k: 'lost' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, window) => {
        const box = createOutbox({ maxBuffered: 1000, maxInFlight: window });
        const stamp = stamper();
        let inFlight: Sent[] = [];
        const firstSends: number[] = [];
        const seen = new Set<number>();
        let n = 0;
        const queuedIds: string[] = [];
        const send = (): void => {
          for (const s of takeToSend(box)) {
            inFlight.push(s);
            if (!seen.has(s.msg.at)) {
              seen.add(s.msg.at);
              firstSends.push(s.msg.at);
            }
          }
        };
        for (const o of ops) {
          if (o.k === 'offer') for (const m of offer(box, draft(++n), stamp, gapFor)) queuedIds.push(m.id);
          else if (o.k === 'lost') {
            failAll(box);
            inFlight = []; // nothing of it will ever be settled
          } else if (inFlight.length > 0) {
            const [s] = inFlight.splice(o.i % inFlight.length, 1);
            if (s !== undefined) {
              if (o.k === 'ack') ackSent(box, s);
              else failSent(box, s);
            }
          }
          send();
        }
        // Drain: ack everything until nothing waits.
        for (let guard = 0; pendingCount(box) > 0 && guard < 10_000; guard++) {
          send();
          const s = inFlight.shift();
          if (s !== undefined) ackSent(box, s);
        }
        expect(pendingCount(box)).toBe(0);
        expect(box.acked).toBe(n);
        expect(canSend(box)).toBe(false);
        expect(firstSends).toEqual(Array.from({ length: firstSends.length }, (_, i) => i + 1));
        expect(queuedIds).toEqual(Array.from({ length: n }, (_, i) => `s:1:${String(i + 1)}`));
      }),
      { numRuns: 300 },
    );
  });
});

describe('outbox drops', () => {
  it('reports a drop run as soon as acks make room, without waiting for the next frame', () => {
    const { box, stamp } = filled(1, { maxBuffered: 1, maxInFlight: 1 });
    offer(box, draft(2), stamp, gapFor);
    expect(flushDrops(box, stamp, gapFor)).toEqual([]); // no room yet
    for (const s of takeToSend(box)) ackSent(box, s);
    expect(flushDrops(box, stamp, gapFor).map((m) => [m.id, m.payload])).toEqual([['s:1:2', 'gap 2-2 x1']]);
    expect(flushDrops(box, stamp, gapFor)).toEqual([]); // reported once
  });
});
