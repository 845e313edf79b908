// The message id of each published frame (JetStream's `Nats-Msg-Id`), and its reading on the consumer side.
//
//   <site>:<epoch>:<seq>     e.g. leeds:1764288000123:42
//
// `epoch` is the instant (ms) the bridge process started (kept above the previous run's in the spool folder, see
// `nextEpoch`), `seq` counts the site's messages from 1 in that run, without holes: only a message the outbox
// queues gets a seq, in queue order (PBX order), so a consumer knows which id comes next (see reorder.ts).
// The id is made once, when the frame is received, and travels with the frame into the bridge's spool file.
// Why not a hash of the frame: the PBX legitimately sends identical frames (same code, fields and 1-second
// `time`), and two of them must both count. Why not the PBX socket generation: two bridge runs would reuse it.
//
// Duplicates arise only from re-publishing a frame whose ack was lost: a retry after a timeout or a NATS
// restart, or a restarted bridge replaying its spool. All of them reuse the stored id, so JetStream drops the
// copy within the stream's `duplicate_window`, and a consumer drops an id it already delivered (redeliveries too).
// Ids of a site grow: (epoch, seq) in lexicographic order.

/** A parsed message id. */
export interface MessageId {
  readonly siteId: string;
  readonly epoch: number;
  readonly seq: number;
}

/** Formats a message id. */
export function formatMessageId(id: MessageId): string {
  return `${id.siteId}:${String(id.epoch)}:${String(id.seq)}`;
}

/** Parses a message id; `undefined` when it is not one of ours. */
export function parseMessageId(s: string): MessageId | undefined {
  const m = /^([A-Za-z0-9_-]+):(\d+):(\d+)$/.exec(s);
  if (m === null) return undefined;
  return { siteId: m[1] ?? '', epoch: Number(m[2]), seq: Number(m[3]) };
}

/** Orders two ids of one site: negative when `a` was made before `b`. */
export function compareMessageIds(a: MessageId, b: MessageId): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.seq - b.seq;
}
