// The warm start (docs/cold-start.md): a client that records a journal replays it at its next start, on a virtual
// clock through the same pipeline as the live path (acdPipeline → createSummary), and goes live from the state it
// reached at the journal's last frame. Counts are then exact up to that frame; what came after it (until the new
// socket) is a gap with `cause: 'restart'`, not counted in any open interval.
//
// It runs before the client's first socket, so it reads the file synchronously, in chunks (bounded memory whatever
// the journal's length). A journal whose period has ended (a daily reset after its last frame) is not restored.

import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { FiltersConfig, MetricsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import { resetClock } from '../metrics/reset-time.js';
import type { MetricsState } from '../metrics/types.js';
import { decodeEntry, decodeHeader, type JournalHeader } from './format.js';
import { openJournalFeed, recordedGap, type JournalFeed } from './feed.js';

const CHUNK = 1 << 20;

/** The lines of a file, read synchronously in chunks; the last one may lack its newline (a process killed mid-write). */
export function* readLinesSync(path: string): Generator<string, { readonly endsWithNewline: boolean }> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const text = rest + decoder.write(buf.subarray(0, n));
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) yield l;
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
    return { endsWithNewline: rest === '' };
  } finally {
    closeSync(fd);
  }
}

/** What a warm start found in the journal. */
export type WarmStart =
  | {
      readonly kind: 'warm';
      readonly header: JournalHeader;
      /** The state at the journal's last frame (owned by the caller from here on). */
      readonly state: MetricsState;
      /** The instant of the last frame (or of the header when there was none): the restart gap starts here. */
      readonly lastAt: number;
      readonly frames: number;
      /** Lines that are none of the journal's shapes (a line cut by a kill counts here). */
      readonly badLines: number;
      /** The file does not end with a newline: an appending recorder must write one first. */
      readonly cutLine: boolean;
    }
  /** The journal's period ended before now (a daily reset since its last frame): not restored. */
  | { readonly kind: 'stale'; readonly header: JournalHeader; readonly lastAt: number }
  /** No journal, an empty one, or one that is not a journal (`reason`). */
  | { readonly kind: 'none'; readonly reason: string };

/** Options of {@link warmStart}. */
export interface WarmStartOptions {
  /** The live client's settings: the replay uses them (not the header's), so the state is the live one's. */
  readonly metrics: MetricsConfig;
  readonly filters: FiltersConfig;
  readonly maxFrameBytes: number;
  /** The live clock's instant (a journal of an earlier period is stale). */
  readonly now: number;
  readonly logger?: Logger;
}

/**
 * Replays the journal at `path` to its last frame and returns the state there, or says why not. Never throws for a
 * missing, empty or foreign file (`none`); an unreadable one throws (a configuration error of the host).
 */
export function warmStart(path: string, options: WarmStartOptions): WarmStart {
  const logger = options.logger ?? silentLogger;
  if (!existsSync(path)) return { kind: 'none', reason: 'no journal yet' };
  const lines = readLinesSync(path);
  let header: JournalHeader | undefined;
  let feed: JournalFeed | undefined;
  let release: (() => void) | undefined;
  let failure: unknown;
  let lastAt = 0;
  let frames = 0;
  let badLines = 0;
  let cutLine = false;
  try {
    for (;;) {
      const next = lines.next();
      if (next.done === true) {
        cutLine = !next.value.endsWithNewline;
        break;
      }
      const line = next.value;
      if (line.trim() === '') continue;
      if (feed === undefined) {
        const h = decodeHeader(line);
        if ('error' in h) return { kind: 'none', reason: h.error };
        header = h;
        lastAt = h.startedAt;
        // The live client's settings, not the header's: the state is the live one's.
        feed = openJournalFeed(h, { metrics: options.metrics, filters: options.filters, maxFrameBytes: options.maxFrameBytes, logger, logPeriods: false });
        // The summary is what runs the core; its values are not needed here (so no burst is ever flushed).
        const sub = feed.streams.summary$.subscribe({ error: (err: unknown) => { failure ??= err; } });
        release = () => { sub.unsubscribe(); };
        continue;
      }
      const entry = decodeEntry(line);
      if (entry === undefined) {
        badLines++;
        continue;
      }
      if (entry.kind === 'end' || entry.kind === 'dropped') continue;
      if (entry.kind === 'connection') {
        // Gaps drive coverage (and a restart's is not counted in open intervals), as they did live.
        const gap = recordedGap(entry.state);
        if (gap !== undefined) feed.gap(gap, gap.at);
        continue;
      }
      feed.frame(entry.frame);
      frames++;
      lastAt = feed.clock.now();
      if (failure !== undefined) break;
    }
    if (header === undefined || feed === undefined) return { kind: 'none', reason: 'the journal is empty' };
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(`summary stream failed: ${JSON.stringify(failure)}`);
    // Timers due up to the last frame have run; the state is as the live client had it then.
    const reset = resetClock(options.metrics.resetTime, options.metrics.timeZone)(lastAt);
    if (reset <= options.now) return { kind: 'stale', header, lastAt };
    const state = feed.streams.state();
    if (state === undefined) return { kind: 'none', reason: 'the replay produced no state' };
    logger.info('warm start from the journal', { frames, lastAt, badLines });
    return { kind: 'warm', header, state, lastAt, frames, badLines, cutLine };
  } finally {
    release?.();
    lines.return({ endsWithNewline: true });
  }
}
