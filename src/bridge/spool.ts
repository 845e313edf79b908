// The bridge's spool: every accepted message is appended (one JSON line) before it is published, so a bridge that
// is killed replays, on restart, what JetStream may not have stored, with the same message ids (JetStream drops
// the copies it has). Plain appends without fsync: it survives the process, not the machine. The file is emptied
// when nothing waits for an ack and rewritten with the waiting messages when it grows past twice their number.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import type { OutMessage } from './outbox.js';

/** An open spool file of one site. */
export interface Spool {
  readonly path: string;
  /** Appends messages (one write for all of them). */
  append(msgs: readonly OutMessage[]): void;
  /** Called after acks: empties or compacts the file (see the file comment). */
  settle(pending: () => readonly OutMessage[], pendingCount: number): void;
  close(): void;
}

function isOutMessage(x: unknown): x is OutMessage {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o['id'] === 'string' && typeof o['subject'] === 'string' && typeof o['payload'] === 'string' && typeof o['at'] === 'number';
}

/** Reads the messages of a spool file (a torn last line, from a kill mid-write, is skipped). */
export function readSpool(path: string): OutMessage[] {
  if (!existsSync(path)) return [];
  const out: OutMessage[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      const x: unknown = JSON.parse(line);
      if (isOutMessage(x)) out.push({ id: x.id, subject: x.subject, payload: x.payload, at: x.at });
    } catch {
      // torn line: skipped
    }
  }
  return out;
}

/** The spool path of a site. */
export function spoolPath(dir: string, siteId: string): string {
  return join(dir, `${siteId}.spool.ndjson`);
}

/** Opens (creating the directory) the spool of a site and returns what it held from the previous run. */
export function openSpool(dir: string, siteId: string): { readonly spool: Spool; readonly replay: OutMessage[] } {
  mkdirSync(dir, { recursive: true });
  const path = spoolPath(dir, siteId);
  const replay = readSpool(path);
  // Start the file afresh with exactly what is replayed (so a torn line is not kept).
  writeFileSync(path, replay.map((m) => `${JSON.stringify(m)}\n`).join(''));
  let fd = openSync(path, 'a');
  let lines = replay.length;
  const spool: Spool = {
    path,
    append(msgs) {
      if (msgs.length === 0) return;
      let text = '';
      for (const m of msgs) text += `${JSON.stringify(m)}\n`;
      writeSync(fd, text);
      lines += msgs.length;
    },
    settle(pending, pendingCount) {
      if (pendingCount === 0) {
        if (lines > 0) {
          ftruncateSync(fd, 0);
          lines = 0;
        }
        return;
      }
      if (lines > 2 * pendingCount + 10_000) {
        const kept = pending();
        const tmp = `${path}.tmp`;
        writeFileSync(tmp, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
        closeSync(fd);
        renameSync(tmp, path);
        fd = openSync(path, 'a');
        lines = kept.length;
      }
    },
    close() {
      closeSync(fd);
    },
  };
  return { spool, replay };
}

/**
 * The message ids' epoch of a new bridge run: the clock, but always above the previous run's (kept in
 * `<dir>/epoch`), so a clock stepped back between two runs cannot make new ids look older than stored ones.
 */
export function nextEpoch(dir: string, now: number): number {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'epoch');
  const previous = existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) || 0 : 0;
  const epoch = Math.max(Math.floor(now), previous + 1);
  writeFileSync(path, `${String(epoch)}\n`);
  return epoch;
}
