// The bridge's buffering and retry policy (pure): FIFO, a bounded in-flight window, a failure resends the whole
// unacknowledged run in order with the same ids, a bound that drops the newest and reports them as one gap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackSent, canSend, createOutbox, failSent, flushDrops, offer, pendingCount, pendingMessages, takeToSend, type DropRun, type OutMessage, type Sent } from '../../src/bridge/outbox.js';

const msg = (n: number): OutMessage => ({ id: `s:1:${String(n)}`, subject: 'ipecs.s.acd.3', payload: '{}', at: n });
const gapFor = (run: DropRun): OutMessage => ({ id: `gap:${String(run.from)}-${String(run.to)}x${String(run.count)}`, subject: 'ipecs.s.gap', payload: '{}', at: run.to });
const ids = (sent: readonly Sent[]): string[] => sent.map((s) => s.msg.id);

describe('outbox', () => {
  it('sends in order within the window and frees a message only when acknowledged', () => {
    const box = createOutbox({ maxBuffered: 10, maxInFlight: 2 });
    for (let i = 1; i <= 3; i++) offer(box, msg(i), gapFor);
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
    const box = createOutbox({ maxBuffered: 10, maxInFlight: 3 });
    for (let i = 1; i <= 4; i++) offer(box, msg(i), gapFor);
    const sent = takeToSend(box); // 1 2 3
    ackSent(box, sent[0] as Sent);
    expect(failSent(box, sent[1] as Sent)).toBe(true);
    expect(failSent(box, sent[2] as Sent)).toBe(false); // same failure, already handled
    expect(ids(takeToSend(box))).toEqual(['s:1:2', 's:1:3', 's:1:4']);
    // A late ack of the old generation still counts (JetStream stored it) and is not sent again.
    ackSent(box, sent[2] as Sent);
    expect(pendingMessages(box).map((m) => m.id)).toEqual(['s:1:2', 's:1:4']);
  });

  it('drops the newest over the bound and reports the run as one gap ahead of the next accepted message', () => {
    const box = createOutbox({ maxBuffered: 2, maxInFlight: 5 });
    expect(offer(box, msg(1), gapFor)).toHaveLength(1);
    offer(box, msg(2), gapFor);
    expect(offer(box, msg(3), gapFor)).toEqual([]);
    expect(offer(box, msg(4), gapFor)).toEqual([]);
    expect(box.dropped).toBe(2);
    for (const s of takeToSend(box)) ackSent(box, s);
    const queued = offer(box, msg(5), gapFor);
    expect(queued.map((m) => m.id)).toEqual(['gap:3-4x2', 's:1:5']);
    expect(ids(takeToSend(box))).toEqual(['gap:3-4x2', 's:1:5']);
  });

  it('whatever the acks and failures, every accepted message is acknowledged once and first sent in order', () => {
    const op = fc.oneof(fc.constant({ k: 'offer' as const }), fc.record({ k: fc.constant('ack' as const), i: fc.nat() }), fc.record({ k: fc.constant('fail' as const), i: fc.nat() }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (ops, window) => {
        const box = createOutbox({ maxBuffered: 1000, maxInFlight: window });
        const inFlight: Sent[] = [];
        const firstSends: number[] = [];
        const seen = new Set<number>();
        let n = 0;
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
          if (o.k === 'offer') offer(box, msg(++n), gapFor);
          else if (inFlight.length > 0) {
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
      }),
      { numRuns: 300 },
    );
  });
});

describe('outbox drops', () => {
  it('reports a drop run as soon as acks make room, without waiting for the next frame', () => {
    const box = createOutbox({ maxBuffered: 1, maxInFlight: 1 });
    offer(box, msg(1), gapFor);
    offer(box, msg(2), gapFor);
    expect(flushDrops(box, gapFor)).toEqual([]); // no room yet
    for (const s of takeToSend(box)) ackSent(box, s);
    expect(flushDrops(box, gapFor).map((m) => m.id)).toEqual(['gap:2-2x1']);
    expect(flushDrops(box, gapFor)).toEqual([]); // reported once
  });
});
