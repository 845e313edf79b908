// The bridge's outbox: the buffering and retry policy, as plain data and functions (no I/O, no clock).
//
// Messages wait in FIFO order until JetStream acknowledges them. At most `maxInFlight` are published and not yet
// settled; a failed publish, or a lost connection, sends every unacknowledged message again from the oldest, in
// order, with the same message id (JetStream drops the copies it already stored), before anything newer. At most
// `maxBuffered` messages wait: past that the newest are dropped (so what waits stays one contiguous run) and
// counted; the run of dropped frames is reported once, as a gap marker put in front of the next message accepted.
//
// Message ids are stamped here, in queue order, only on what is queued: a site's ids are then dense (seq 1, 2, 3…
// without holes) and in PBX order, which is what lets a consumer tell a message still to come from one that was
// lost (see reorder.ts).
//
// Like the metrics reducer, the functions update the outbox in place (one frame must cost O(1)); the outbox is
// owned by one bridge site.

/** One message to publish. */
export interface OutMessage {
  /** `Nats-Msg-Id` (see message-id.ts). */
  readonly id: string;
  readonly subject: string;
  /** JSON text. */
  readonly payload: string;
  /** The frame's receive instant (scheduler ms). */
  readonly at: number;
}

/** A message before it is queued: its id is stamped when (and only if) it is. */
export type Draft = Omit<OutMessage, 'id'>;

/** A run of dropped messages, reported as a gap. */
export interface DropRun {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** The buffering policy. */
export interface OutboxPolicy {
  /** Most messages waiting for an ack (the bound while NATS is unreachable). */
  readonly maxBuffered: number;
  /** Most publishes not yet settled. */
  readonly maxInFlight: number;
}

interface Slot {
  readonly msg: OutMessage;
  acked: boolean;
}

/** The outbox state. Read it through the functions of this file. */
export interface Outbox {
  readonly policy: OutboxPolicy;
  /** `slots[i]` is position `base + i`; slots before `head` are acknowledged and released (compacted lazily). */
  slots: Slot[];
  /** Absolute position of `slots[0]`. */
  base: number;
  /** Index in `slots` of the oldest unreleased slot. */
  head: number;
  /** Absolute position of the next slot to send. */
  cursor: number;
  inFlight: number;
  /** Bumped by each failure: settlements of an older generation do not count against `inFlight`. */
  generation: number;
  /** Messages dropped over the bound, ever. */
  dropped: number;
  /** Messages queued (accepted and gap markers), ever. */
  queued: number;
  /** Messages acknowledged, ever. */
  acked: number;
  /** Drops not yet reported. */
  dropRun: DropRun | undefined;
}

/** A message handed to the I/O to publish: settle it with {@link ackSent} or {@link failSent}. */
export interface Sent {
  readonly position: number;
  readonly generation: number;
  readonly msg: OutMessage;
}

/** A new, empty outbox. */
export function createOutbox(policy: OutboxPolicy): Outbox {
  return { policy, slots: [], base: 0, head: 0, cursor: 0, inFlight: 0, generation: 0, dropped: 0, queued: 0, acked: 0, dropRun: undefined };
}

/** Messages waiting for an ack (sent or not). */
export function pendingCount(box: Outbox): number {
  return box.queued - box.acked;
}

/** The messages waiting for an ack, oldest first (for the spool's compaction). */
export function pendingMessages(box: Outbox): OutMessage[] {
  return box.slots.slice(box.head).filter((s) => !s.acked).map((s) => s.msg);
}

/**
 * Offers a message; returns the messages queued (empty: dropped over the bound, and counted). When accepted after
 * drops, the drop run is first turned into a message by `gapFor` and queued ahead of it (the bound may be passed
 * by that one marker). `stamp` gives each queued message its id, in queue order.
 */
export function offer(box: Outbox, draft: Draft, stamp: (d: Draft) => OutMessage, gapFor: (run: DropRun) => Draft): readonly OutMessage[] {
  if (pendingCount(box) >= box.policy.maxBuffered) {
    box.dropped++;
    const r = box.dropRun;
    box.dropRun = r === undefined ? { from: draft.at, to: draft.at, count: 1 } : { from: r.from, to: draft.at, count: r.count + 1 };
    return [];
  }
  if (box.dropRun !== undefined) {
    const gap = stamp(gapFor(box.dropRun));
    box.dropRun = undefined;
    const msg = stamp(draft);
    box.slots.push({ msg: gap, acked: false }, { msg, acked: false });
    box.queued += 2;
    return [gap, msg];
  }
  const msg = stamp(draft);
  box.slots.push({ msg, acked: false });
  box.queued++;
  return [msg];
}

/** Queues a message that already has its id (replayed from the spool): no bound, it is on disk already. */
export function restore(box: Outbox, msg: OutMessage): void {
  box.slots.push({ msg, acked: false });
  box.queued++;
}

/** Queues the gap marker of a drop run as soon as there is room again (returns it, for the spool), else nothing. */
export function flushDrops(box: Outbox, stamp: (d: Draft) => OutMessage, gapFor: (run: DropRun) => Draft): readonly OutMessage[] {
  if (box.dropRun === undefined || pendingCount(box) >= box.policy.maxBuffered) return [];
  const gap = stamp(gapFor(box.dropRun));
  box.dropRun = undefined;
  box.slots.push({ msg: gap, acked: false });
  box.queued++;
  return [gap];
}

/** Takes the next messages to publish, within the in-flight window, in order. */
export function takeToSend(box: Outbox): Sent[] {
  const out: Sent[] = [];
  const end = box.base + box.slots.length;
  while (box.inFlight < box.policy.maxInFlight && box.cursor < end) {
    const slot = box.slots[box.cursor - box.base];
    if (slot !== undefined && !slot.acked) {
      out.push({ position: box.cursor, generation: box.generation, msg: slot.msg });
      box.inFlight++;
    }
    box.cursor++;
  }
  return out;
}

function releaseAckedHead(box: Outbox): void {
  while (box.head < box.slots.length && box.slots[box.head]?.acked === true) box.head++;
  // Compact when the released prefix is most of the array: amortised O(1) per message.
  if (box.head > 0 && box.head * 2 >= box.slots.length) {
    box.slots = box.slots.slice(box.head);
    box.base += box.head;
    box.head = 0;
  }
  if (box.cursor < box.base + box.head) box.cursor = box.base + box.head;
}

/** JetStream acknowledged a sent message (a late ack of an older generation counts too: it is stored). */
export function ackSent(box: Outbox, sent: Sent): void {
  if (sent.generation === box.generation) box.inFlight--;
  const slot = box.slots[sent.position - box.base];
  if (slot !== undefined && !slot.acked) {
    slot.acked = true;
    box.acked++;
  }
  releaseAckedHead(box);
}

/**
 * A publish failed (timeout, no stream, an error ack). Every unacknowledged message will be sent again from the
 * oldest; returns `false` for a failure of an older generation, already handled.
 */
export function failSent(box: Outbox, sent: Sent): boolean {
  if (sent.generation !== box.generation) return false;
  failAll(box);
  return true;
}

/**
 * The connection was lost: whatever is in flight may or may not be stored, and nothing of it will be acknowledged.
 * Everything unacknowledged is sent again from the oldest, before anything newer. Returns how many were in flight.
 */
export function failAll(box: Outbox): number {
  const inFlight = box.inFlight;
  box.generation++;
  box.inFlight = 0;
  box.cursor = box.base + box.head;
  return inFlight;
}

/** True when there is something to send and room in the window. */
export function canSend(box: Outbox): boolean {
  return box.inFlight < box.policy.maxInFlight && box.cursor < box.base + box.slots.length;
}
