// The recorder: every raw frame (and, optionally, every connection state) as one NDJSON line, with its `at`.
//
// A WebSocket cannot be paused, so backpressure is handled by a bound: the write stream buffers while the disk
// is slower than the PBX, and past `maxBufferedBytes` frames are dropped, counted, and the loss is written as a
// `dropped` line as soon as there is room again. Nothing is lost silently.

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { asyncScheduler, merge, map, Subscription, type Observable, type SchedulerLike } from 'rxjs';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { ConnectionState, RawFrame } from '../socket/types.js';
import { JOURNAL_VERSION, encodeConnection, encodeDropped, encodeEnd, encodeFrame, encodeHeader, type JournalHeader } from './format.js';

/** What the header records besides the format fields. */
export type JournalHeaderInput = Omit<JournalHeader, 'journal' | 'version' | 'startedAt'> & {
  /** The instant the live summary started (its `periodStart`); default `scheduler.now()` at the call. */
  readonly startedAt?: number;
};

/** Options of {@link recordJournal}. */
export interface RecordJournalOptions {
  /** A file path (created or truncated; closed by the recorder) or a writable stream (left open). */
  readonly out: string | Writable;
  readonly header: JournalHeaderInput;
  /** Connection states to write as informative lines (gaps stay visible in the journal). */
  readonly connection$?: Observable<ConnectionState>;
  /** The clock of `startedAt` and of the end line (default `asyncScheduler`). */
  readonly scheduler?: SchedulerLike;
  readonly logger?: Logger;
  /** Frames are dropped (counted, then written as a `dropped` line) while more bytes than this wait. Default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /**
   * Append to the journal at `out` (a path) instead of starting it: no header is written (the file has it; `header`
   * must be that one), and a newline first when the file ends in a line cut by a kill (`cutLine`). A warm start.
   */
  readonly append?: { readonly cutLine: boolean };
}

/** Counters of a recording. */
export interface JournalRecordStats {
  /** Frames written. */
  readonly frames: number;
  /** Bytes handed to the stream (lines included). */
  readonly bytes: number;
  /** Frames dropped because the write buffer was full. */
  readonly dropped: number;
  /** Connection-state lines written. */
  readonly states: number;
}

/** The outcome of a recording. */
export interface JournalRecordResult extends JournalRecordStats {
  /** Why the recording stopped early (the frames stream or the file failed), if it did. */
  readonly error?: string;
}

/** A running recording. */
export interface JournalRecorder {
  /** The header as written (its `startedAt` included). */
  readonly header: JournalHeader;
  stats(): JournalRecordStats;
  /** Settles when the frames stream ends (completion, error or `close()`), after the end line is flushed. Never rejects. */
  readonly done: Promise<JournalRecordResult>;
  /** Stops recording, writes the end line and flushes (closing the file when the recorder opened it). Idempotent. */
  close(): Promise<JournalRecordResult>;
}

const DEFAULT_MAX_BUFFERED = 64 * 1024 * 1024;

type Item = { readonly kind: 'frame'; readonly frame: RawFrame } | { readonly kind: 'state'; readonly state: ConnectionState };

/**
 * Records `frames$` to an NDJSON journal (format: `journal/format.ts`). Subscribes at once; subscribe it to the
 * same shared frames as the live pipeline, and pass the live summary's `periodStart` as `header.startedAt` so a
 * replay reproduces the live figures exactly.
 */
export function recordJournal(frames$: Observable<RawFrame>, options: RecordJournalOptions): JournalRecorder {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
  const ownsStream = typeof options.out === 'string';
  const append = typeof options.out === 'string' ? options.append : undefined;
  const stream: Writable = typeof options.out === 'string' ? createWriteStream(options.out, { flags: append === undefined ? 'w' : 'a' }) : options.out;
  const header: JournalHeader = {
    journal: 'ipecs-rx',
    version: JOURNAL_VERSION,
    startedAt: options.header.startedAt ?? scheduler.now(),
    metrics: options.header.metrics,
    filters: options.header.filters,
    maxFrameBytes: options.header.maxFrameBytes,
    ...(options.header.source === undefined ? {} : { source: options.header.source }),
  };

  let frames = 0;
  let bytes = 0;
  let dropped = 0;
  let pendingDropped = 0;
  let states = 0;
  let failure: string | undefined;
  let stopped = false;

  const write = (line: string): void => {
    const text = `${line}\n`;
    bytes += Buffer.byteLength(text, 'utf8');
    stream.write(text);
  };
  const onStreamError = (err: Error): void => {
    failure ??= `journal write failed: ${err.message}`;
    logger.error('journal write failed', { error: err.message });
    void finish();
  };
  stream.on('error', onStreamError);
  if (append === undefined) write(encodeHeader(header));
  else if (append.cutLine) stream.write('\n'); // the cut line stays one bad line; the next frame starts clean

  const onItem = (item: Item): void => {
    if (stopped) return;
    if (item.kind === 'state') {
      states++;
      write(encodeConnection(item.state));
      return;
    }
    if (stream.writableLength > maxBuffered) {
      if (pendingDropped === 0) logger.warn('journal write buffer full; dropping frames', { bufferedBytes: stream.writableLength });
      dropped++;
      pendingDropped++;
      return;
    }
    if (pendingDropped > 0) {
      write(encodeDropped(item.frame.at, pendingDropped));
      pendingDropped = 0;
    }
    frames++;
    write(encodeFrame(item.frame));
  };

  const items$: Observable<Item> = merge(
    frames$.pipe(map((frame): Item => ({ kind: 'frame', frame }))),
    ...(options.connection$ ? [options.connection$.pipe(map((state): Item => ({ kind: 'state', state })))] : []),
  );

  let resolveDone: (r: JournalRecordResult) => void = () => undefined;
  const done = new Promise<JournalRecordResult>((resolve) => {
    resolveDone = resolve;
  });
  const result = (): JournalRecordResult => {
    const base = { frames, bytes, dropped, states };
    return failure === undefined ? base : { ...base, error: failure };
  };

  let finishing: Promise<JournalRecordResult> | undefined;
  // Closed by finish(); a subscription added after that (a synchronous completion) is released at once.
  const sub = new Subscription();
  const finish = (): Promise<JournalRecordResult> => {
    finishing ??= (async () => {
      stopped = true;
      sub.unsubscribe();
      try {
        if (!stream.destroyed && !stream.writableEnded) {
          if (pendingDropped > 0) write(encodeDropped(scheduler.now(), pendingDropped));
          write(encodeEnd(scheduler.now()));
          if (ownsStream) {
            stream.end();
            await finished(stream);
          }
        }
      } catch (err: unknown) {
        failure ??= `journal close failed: ${err instanceof Error ? err.message : String(err)}`;
      }
      // The error listener stays: a late write error on this stream must not become an uncaught 'error'.
      const r = result();
      logger.info('journal closed', { frames: r.frames, dropped: r.dropped, bytes: r.bytes });
      resolveDone(r);
      return r;
    })();
    return finishing;
  };

  sub.add(
    items$.subscribe({
      next: onItem,
      error: (err: unknown) => {
        failure ??= `frames stream failed: ${err instanceof Error ? err.message : String(err)}`;
        void finish();
      },
      complete: () => {
        void finish();
      },
    }),
  );

  return {
    header,
    stats: () => ({ frames, bytes, dropped, states }),
    done,
    close: finish,
  };
}
