// The consumer's order of one site, as plain data and functions (no I/O; the clock is handed in).
//
// The bridge stamps a site's messages with dense ids in PBX order (`<site>:<epoch>:<seq>`, seq 1, 2, 3… in each
// bridge run, see outbox.ts), so a consumer knows exactly which message comes next. JetStream may still store a
// site's messages out of order: a publish that failed (a stream leader that died, an ack timeout) is resent after
// messages that were stored meanwhile. So:
//
// - the next id is delivered at once, and after it every held one that follows on;
// - an id further on is held (a bounded reorder window: at most `maxHeld` messages, for at most `maxHoldMs`) until
//   the ones before it arrive;
// - when the window overflows or times out, the ids still missing before the oldest held message are declared
//   missing (the consumer publishes that as a gap marker with their count) and delivery goes on from there;
// - an id already delivered is a redelivery (`duplicate`); one declared missing that arrives afterwards is `late`:
//   both are dropped, counted, never delivered twice or out of order. An id before `last` that was neither (from
//   before the first one this consumer delivered, or of an older bridge run after a newer one began) is `late` and
//   not declared yet: the consumer reports it as a gap of one. Nothing is dropped unreported.
//
// A new bridge run (a greater epoch) starts at seq 1; its first message follows on from any id of an older run
// once nothing of that run is still held (what the old run lost at its very end is its restart gap marker's job).
// A new consumer starts at once with a run's seq 1; otherwise it holds what it gets until it has caught up with the
// stream (`caughtUp`), then starts at the lowest id it saw, declaring nothing before it missing.

import { compareMessageIds, type MessageId } from './message-id.js';

/** The bounds of the reorder window. */
export interface ReorderPolicy {
  /** Most messages held while an earlier one is missing. */
  readonly maxHeld: number;
  /** Longest a message is held (ms on the consumer's clock, connected time: see {@link restartHoldClock}). */
  readonly maxHoldMs: number;
}

/** What admitting a message (or a timeout) releases, in delivery order. */
export type Release<T> =
  | { readonly kind: 'deliver'; readonly value: T }
  /** `count` ids before `before` will not be delivered: report them as a gap. */
  | { readonly kind: 'missing'; readonly count: number; readonly after: MessageId | undefined; readonly before: MessageId; readonly beforeValue: T }
  /** Dropped: an id already delivered (a redelivery or a re-publish JetStream kept). */
  | { readonly kind: 'duplicate'; readonly value: T }
  /**
   * Dropped: an id before `last` never delivered. `declared`: it was reported missing already; otherwise it is
   * new news (an id from before the first one delivered, or of an older bridge run after a newer one began): the
   * consumer reports it as a gap of one.
   */
  | { readonly kind: 'late'; readonly value: T; readonly declared: boolean };

interface Held<T> {
  readonly id: MessageId;
  readonly value: T;
  heldAt: number;
}

interface Range {
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
}

/** The order state of one site. Read it through the functions of this file. */
export interface SiteOrder<T> {
  readonly policy: ReorderPolicy;
  /** The last id delivered or declared missing. */
  last: MessageId | undefined;
  /** The first id delivered. */
  first: MessageId | undefined;
  /** The last seq reached in each recent bridge epoch (bounded), to tell a redelivery from a late arrival. */
  epochsSeen: Map<number, number>;
  /** Held messages, sorted by id, all after `last`. */
  held: Held<T>[];
  /** The latest ranges declared missing (bounded), to tell a late arrival from a redelivery. */
  declared: Range[];
  delivered: number;
  duplicates: number;
  late: number;
  /** Ids declared missing, ever. */
  missing: number;
  /** Messages that had to wait for an earlier one (arrived out of order), ever. */
  reordered: number;
}

const DECLARED_KEPT = 64;
const EPOCHS_KEPT = 16;

/** Moves `last` on to `id`: delivered, or (`delivered` false) the id just before a held message delivery goes on from. */
function advance(order: SiteOrder<unknown>, id: MessageId, delivered = true): void {
  order.last = id;
  if (delivered) order.first ??= id;
  order.epochsSeen.set(id.epoch, id.seq);
  if (order.epochsSeen.size > EPOCHS_KEPT) {
    const oldest = order.epochsSeen.keys().next().value;
    if (oldest !== undefined) order.epochsSeen.delete(oldest);
  }
}

/** A new order state: nothing delivered yet (see {@link caughtUp} for where delivery starts). */
export function createSiteOrder<T>(policy: ReorderPolicy): SiteOrder<T> {
  return { policy, last: undefined, first: undefined, epochsSeen: new Map(), held: [], declared: [], delivered: 0, duplicates: 0, late: 0, missing: 0, reordered: 0 };
}

/** Messages held now. */
export function heldCount(order: SiteOrder<unknown>): number {
  return order.held.length;
}

/** Index of the first held message not before `id`. */
function lowerBound(held: readonly Held<unknown>[], id: MessageId): number {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const h = held[mid];
    if (h !== undefined && compareMessageIds(h.id, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when `id` is the one that comes right after `last` (and nothing held comes before it). */
function followsOn(order: SiteOrder<unknown>, id: MessageId): boolean {
  const last = order.last;
  if (last !== undefined && id.epoch === last.epoch) return id.seq === last.seq + 1;
  // The first of a bridge run follows on from an older run, or starts a new consumer.
  if ((last !== undefined && id.epoch < last.epoch) || id.seq !== 1) return false;
  // Nothing of an older run may still be held before it.
  const first = order.held[0];
  return first === undefined || compareMessageIds(first.id, id) >= 0;
}

/**
 * An id not after `last` was delivered unless it is before the first one delivered or in a run of an older bridge
 * epoch that ended before `last`'s run began: within one epoch every id from the first delivered to `last` was
 * delivered or declared missing.
 */
function wasDelivered(order: SiteOrder<unknown>, id: MessageId): boolean {
  const first = order.first;
  if (first === undefined || compareMessageIds(id, first) < 0) return false;
  return order.epochsSeen.has(id.epoch) && id.seq <= (order.epochsSeen.get(id.epoch) ?? 0);
}

function wasDeclared(order: SiteOrder<unknown>, id: MessageId): boolean {
  return order.declared.some((r) => r.epoch === id.epoch && id.seq >= r.from && id.seq <= r.to);
}

/** Delivers the held messages that follow on from `last`. */
function releaseRun<T>(order: SiteOrder<T>, out: Release<T>[]): void {
  for (;;) {
    const h = order.held[0];
    if (h === undefined || !followsOn(order, h.id)) return;
    order.held.shift();
    advance(order, h.id);
    order.delivered++;
    out.push({ kind: 'deliver', value: h.value });
  }
}

/**
 * Declares missing every id between `last` and the oldest held message, then delivers from there. Before anything
 * was delivered (a new consumer) nothing is declared: what came before its first message is not its to miss.
 */
function skipToHeld<T>(order: SiteOrder<T>, out: Release<T>[]): void {
  const h = order.held[0];
  if (h === undefined) return;
  const last = order.last;
  if (last !== undefined) {
    const range: Range = last.epoch === h.id.epoch ? { epoch: h.id.epoch, from: last.seq + 1, to: h.id.seq - 1 } : { epoch: h.id.epoch, from: 1, to: h.id.seq - 1 };
    const count = Math.max(0, range.to - range.from + 1);
    if (count > 0) {
      order.missing += count;
      order.declared.push(range);
      if (order.declared.length > DECLARED_KEPT) order.declared.shift();
      out.push({ kind: 'missing', count, after: last, before: h.id, beforeValue: h.value });
    }
  }
  // The held message now follows on: `last` is the id just before it.
  advance(order, { siteId: h.id.siteId, epoch: h.id.epoch, seq: h.id.seq - 1 }, false);
  releaseRun(order, out);
}

/**
 * The consumer has caught up with the stream (JetStream says nothing more is pending for it). A new consumer
 * holds its first messages until then unless the very first is a run's seq 1, since an earlier id of the same
 * run may still be stored after them (a bridge that resent after a failure); once caught up, delivery starts at
 * the lowest id seen, and nothing before it is reported missing.
 */
export function caughtUp<T>(order: SiteOrder<T>): Release<T>[] {
  const out: Release<T>[] = [];
  if (order.last === undefined) skipToHeld(order, out);
  return out;
}

/**
 * Admits one message of the site: returns what to deliver (in order), what to report missing, or that it is
 * dropped. A message without a parseable id (not the bridge's) is delivered as it comes. `now` stamps a held message.
 */
export function admit<T>(order: SiteOrder<T>, id: MessageId | undefined, value: T, now: number): Release<T>[] {
  if (id === undefined) {
    order.delivered++;
    return [{ kind: 'deliver', value }];
  }
  const last = order.last;
  if (last !== undefined && compareMessageIds(id, last) <= 0) {
    if (wasDeclared(order, id)) {
      order.late++;
      return [{ kind: 'late', value, declared: true }];
    }
    if (wasDelivered(order, id)) {
      order.duplicates++;
      return [{ kind: 'duplicate', value }];
    }
    order.late++;
    order.missing++;
    return [{ kind: 'late', value, declared: false }];
  }
  const out: Release<T>[] = [];
  if (followsOn(order, id)) {
    advance(order, id);
    order.delivered++;
    out.push({ kind: 'deliver', value });
    releaseRun(order, out);
    return out;
  }
  const at = lowerBound(order.held, id);
  const there = order.held[at];
  if (there !== undefined && compareMessageIds(there.id, id) === 0) {
    order.duplicates++;
    return [{ kind: 'duplicate', value }];
  }
  order.held.splice(at, 0, { id, value, heldAt: now });
  if (order.last !== undefined) order.reordered++; // (a new consumer waiting to catch up is not a reorder)
  if (order.held.length > order.policy.maxHeld) skipToHeld(order, out);
  return out;
}

/** Releases what waited past `maxHoldMs` by `now`: the ids missing before it are declared, delivery goes on. */
export function expireHeld<T>(order: SiteOrder<T>, now: number): Release<T>[] {
  const out: Release<T>[] = [];
  while (order.held.length > 0 && now - oldestHoldStart(order) >= order.policy.maxHoldMs) skipToHeld(order, out);
  return out;
}

/** When the oldest held message was held (Infinity when nothing is held). */
export function oldestHoldStart(order: SiteOrder<unknown>): number {
  let t = Infinity;
  for (const h of order.held) t = Math.min(t, h.heldAt);
  return t;
}

/**
 * The feed was disconnected (what is missing could not arrive meanwhile): the hold time of every held message
 * starts again at `now`.
 */
export function restartHoldClock(order: SiteOrder<unknown>, now: number): void {
  for (const h of order.held) h.heldAt = now;
}
