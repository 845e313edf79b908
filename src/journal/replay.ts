// The replay: a journal re-run through the SAME pipeline as the live client (acdPipeline → createSummary) on a
// virtual clock that starts at the header's `startedAt` and jumps to each frame's recorded `at`. Ticks and daily
// resets are timers on that clock, so they fire at the same virtual instants as a live run that started at
// `startedAt` would have them; every figure that follows an event is the live figure exactly.
//
// The file is read chunk by chunk and split into lines (bounded memory, whatever its length); per line the clock
// first runs every timer due up to the frame's `at`, then the frame is delivered at that instant. The lines of one
// chunk are one batch: summary$ coalesces them (metrics.md §3) into one summary after the batch, equal to the
// per-event summary after its last event, unless the metrics ask for one per event (`summaryPerEvent`).

import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Subscription } from 'rxjs';
import type { FiltersConfig, MetricsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { AcdSummary, Change } from '../metrics/types.js';
import type { PipelineStats } from '../streams/pipeline.js';
import { decodeEntry, decodeHeader, type JournalHeader } from './format.js';
import { openJournalFeed, recordedGap, type JournalFeed } from './feed.js';

/** Progress of a replay, reported every `progressEvery` lines and at the end. */
export interface ReplayProgress {
  /** Bytes of the journal read so far (lines and newlines). */
  readonly bytesRead: number;
  /** Size of the file, when the source is a path. */
  readonly totalBytes: number | undefined;
  readonly frames: number;
  /** The virtual clock (ms). */
  readonly at: number;
}

/** Options of {@link replayJournal}. Settings default to the journal header's. */
export interface ReplayJournalOptions {
  readonly metrics?: MetricsConfig;
  readonly filters?: FiltersConfig;
  readonly maxFrameBytes?: number;
  /** Stop at this instant: later lines are not read, and timers run up to it. Default: the journal's end. */
  readonly until?: number;
  readonly logger?: Logger;
  /** Called with every summary the replayed `summary$` emits (after events and on ticks), in order. */
  readonly onSummary?: (summary: AcdSummary) => void;
  /** Called with each period's closing summary, as the virtual clock passes the daily reset. */
  readonly onPeriod?: (closing: AcdSummary) => void;
  /**
   * Called with every per-event change (metrics.md §5: a new call, an answer, an agent logging in…, each with the
   * event that caused it and the figure after it), in order, as the live client's per-event streams would emit.
   */
  readonly onChange?: (change: Change) => void;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Lines between two progress reports. Default 5000. */
  readonly progressEvery?: number;
  /** Aborts the replay (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** The outcome of a replay. */
export interface ReplayResult {
  readonly header: JournalHeader;
  /** The latest summary when the replay stopped (at `until`, or at the journal's last line). */
  readonly final: AcdSummary;
  /** Every period's closing summary, in order. */
  readonly periods: readonly AcdSummary[];
  /** Summaries emitted on the way (events and ticks). */
  readonly summaries: number;
  /** Per-event changes on the way (see `onChange`). */
  readonly changes: number;
  readonly frames: number;
  /** Lines that are none of the journal's shapes (skipped, counted). */
  readonly badLines: number;
  /** Frames whose `at` was earlier than the clock (delivered at the clock's instant, counted). */
  readonly outOfOrder: number;
  /** Frames the recorder reported dropped (`dropped` lines). */
  readonly droppedWhileRecording: number;
  /** `gap` connection states in the journal. */
  readonly gaps: number;
  /** The virtual instant the replay stopped at. */
  readonly endedAt: number;
  /** The pipeline's counters (received = delivered + filtered + malformed). */
  readonly stats: PipelineStats;
}

/** The journal's first line did not decode as a header. */
export class JournalFormatError extends Error {
  override readonly name = 'JournalFormatError';
}

/**
 * Replays a journal (a file path or a readable stream of its text) and resolves with the final summary and
 * every period's closing summary. Rejects only for an unreadable source, a missing header or an abort; bad lines
 * are counted, never thrown.
 */
export async function replayJournal(source: string | Readable, options: ReplayJournalOptions = {}): Promise<ReplayResult> {
  const logger = options.logger ?? silentLogger;
  const totalBytes = typeof source === 'string' ? statSync(source).size : undefined;
  // Large chunks: a chunk is a replay batch (one summary), and fewer chunks cost fewer awaits.
  const input: Readable = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  const progressEvery = options.progressEvery ?? 5000;

  let header: JournalHeader | undefined;
  let feed: JournalFeed | undefined;
  let latest: AcdSummary | undefined;
  const periods: AcdSummary[] = [];
  let summaries = 0;
  let changes = 0;
  let frames = 0;
  let badLines = 0;
  let outOfOrder = 0;
  let dropped = 0;
  let gaps = 0;
  let bytesRead = 0;
  let lineNo = 0;
  let failure: unknown;
  const subs: Subscription[] = [];

  const report = (): void => {
    options.onProgress?.({ bytesRead, totalBytes, frames, at: feed?.clock.now() ?? 0 });
  };

  const start = (line: string): void => {
    const h = decodeHeader(line);
    if ('error' in h) throw new JournalFormatError(`not a journal: ${h.error}`);
    header = h;
    feed = openJournalFeed(h, {
      metrics: options.metrics ?? h.metrics,
      filters: options.filters ?? h.filters,
      maxFrameBytes: options.maxFrameBytes ?? h.maxFrameBytes,
      logger,
      logPeriods: true,
    });
    const s = feed.streams;
    subs.push(
      s.summary$.subscribe({
        next: (summary) => {
          latest = summary;
          summaries++;
          options.onSummary?.(summary);
        },
        error: (err: unknown) => {
          failure ??= err;
        },
      }),
    );
    subs.push(
      s.periods$.subscribe((p) => {
        periods.push(p);
        options.onPeriod?.(p);
      }),
    );
    subs.push(
      s.changes$.subscribe((c) => {
        changes++;
        options.onChange?.(c);
      }),
    );
  };

  /** Handles one line; `true` when the replay stops here (`until`, a failure). */
  const handle = (line: string): boolean => {
    lineNo++;
    bytesRead += Buffer.byteLength(line, 'utf8') + 1;
    if (lineNo % progressEvery === 0) report();
    if (line.trim() === '') return false;
    if (feed === undefined) {
      start(line);
      return false;
    }
    const entry = decodeEntry(line);
    if (entry === undefined) {
      badLines++;
      if (badLines <= 10) logger.warn('journal line skipped', { line: lineNo });
      return false;
    }
    const at = entry.kind === 'frame' ? entry.frame.at : entry.at;
    if (options.until !== undefined && at > options.until) return true;
    if (entry.kind === 'end') {
      // A recording stopped here; a restarted one may go on after it (appended, behind a restart gap).
      feed.streams.flush();
      feed.clock.advance(at, false);
      return false;
    }
    if (entry.kind === 'dropped') {
      dropped += entry.count;
      return false;
    }
    if (entry.kind === 'connection') {
      const gap = recordedGap(entry.state);
      if (gap !== undefined) {
        gaps++;
        feed.streams.flush(); // the burst before the gap is summarised before it
        feed.gap(gap, at);
      }
      return false;
    }
    frames++;
    if (feed.frame(entry.frame)) outOfOrder++;
    return failure !== undefined;
  };

  try {
    // Lines split by hand (LF or CRLF), chunk by chunk; a multi-byte character split between chunks is kept whole.
    const utf8 = new StringDecoder('utf8');
    let rest = '';
    let stopped = false;
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      options.signal?.throwIfAborted();
      const text = rest + (typeof chunk === 'string' ? chunk : utf8.write(chunk));
      let from = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
        const line = text.charCodeAt(nl - 1) === 13 && nl > from ? text.slice(from, nl - 1) : text.slice(from, nl);
        from = nl + 1;
        options.signal?.throwIfAborted();
        if (handle(line)) {
          stopped = true;
          break;
        }
      }
      rest = text.slice(from);
      feed?.streams.flush(); // the end of a batch
      if (stopped) break;
    }
    if (!stopped) {
      const tail = rest + utf8.end();
      if (tail !== '') handle(tail.endsWith('\r') ? tail.slice(0, -1) : tail);
    }
    feed?.streams.flush();
    if (header === undefined || feed === undefined) {
      throw new JournalFormatError('not a journal: the file is empty');
    }
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(`summary stream failed: ${JSON.stringify(failure)}`);
    if (options.until !== undefined) feed.clock.advance(options.until, true);
    report();
    const final = latest;
    if (final === undefined) throw new JournalFormatError('the replay produced no summary');
    const result: ReplayResult = {
      header,
      final,
      periods,
      summaries,
      changes,
      frames,
      badLines,
      outOfOrder,
      droppedWhileRecording: dropped,
      gaps,
      endedAt: feed.clock.now(),
      stats: feed.stats(),
    };
    feed.end();
    return result;
  } finally {
    for (const s of subs) s.unsubscribe();
    if (typeof source === 'string') input.destroy();
  }
}
