// Replay speed (bench/run.ts): a realistic multi-hour journal, written in the journal format of src/journal
// (the public `encodeFrame`, `JOURNAL_VERSION`; every line kind checked with `decodeHeader` / `decodeEntry`),
// replayed with the public `replayJournal` through the full pipeline (decode, filter, metrics, summary$,
// periods$, changes$ on the virtual clock) to its last summary.
//
// The journal: bench/frames.ts's contact-centre frames, restamped to spread over `hours` (default 6) from 20:00
// UTC, so the daily reset at 00:00 falls inside (one period closes) and the 1 s tick runs all along (21,600 tick
// instants); the gaps between frames vary (0.1–1.9 × the mean, a fixed pseudo-random sequence). A connection
// `open` line at the start, a `gap` + `open` pair (a reconnect) half-way, an `end` line at the end.
//
// The floor printed next to it: the same file read the same way (readline) with JSON.parse of each line and of
// each frame it carries, and nothing else.

import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CONFIG,
  JOURNAL_VERSION,
  decodeEntry,
  decodeHeader,
  encodeFrame,
  replayJournal,
  type JournalHeader,
} from '../src/index.js';
import { buildFrameTexts } from './frames.js';

/** What {@link writeJournal} wrote. */
export interface WrittenJournal {
  readonly path: string;
  readonly frames: number;
  readonly bytes: number;
  readonly hours: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

const START = Date.UTC(2026, 10, 27, 20, 0, 0);

function checked(line: string, kind: string): string {
  const e = decodeEntry(line);
  if (e?.kind !== kind) throw new Error(`bench journal: a ${kind} line does not decode as one: ${line}`);
  return line;
}

/** Writes a journal of `frames` frames over `hours` hours to a temporary file. */
export function writeJournal(frames: number, hours: number): WrittenJournal {
  const path = join(tmpdir(), `ipecs-rx-bench-${String(process.pid)}.journal`);
  const header: JournalHeader = {
    journal: 'ipecs-rx',
    version: JOURNAL_VERSION,
    startedAt: START,
    metrics: { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC', resetTime: '00:00' },
    filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
    maxFrameBytes: 1_048_576,
    source: 'bench',
  };
  const headerLine = JSON.stringify(header);
  if ('error' in decodeHeader(headerLine)) throw new Error('bench journal: the header does not decode');
  const texts = buildFrameTexts(frames);
  const meanGap = (hours * 3_600_000) / texts.length;
  const fd = openSync(path, 'w');
  let bytes = 0;
  let chunk = '';
  const put = (line: string): void => {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      bytes += writeSync(fd, chunk);
      chunk = '';
    }
  };
  try {
    put(headerLine);
    let at = START + 50;
    put(checked(JSON.stringify({ at, connection: { kind: 'open', at, url: 'wss://pbx.example:8743/ipxapi' } }), 'connection'));
    let seed = 12345;
    const half = Math.floor(texts.length / 2);
    for (const [i, text] of texts.entries()) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      at += Math.max(1, Math.round(meanGap * (0.1 + (1.8 * seed) / 2147483648)));
      if (i === half) {
        put(checked(JSON.stringify({ at, connection: { kind: 'gap', at, from: at - 4000, to: at } }), 'connection'));
        put(checked(JSON.stringify({ at, connection: { kind: 'open', at, url: 'wss://pbx.example:8743/ipxapi' } }), 'connection'));
      }
      const line = encodeFrame({ at, data: Buffer.from(text, 'utf8'), isBinary: false });
      put(i === 0 ? checked(line, 'frame') : line);
    }
    put(checked(JSON.stringify({ at: at + 1000, end: true }), 'end'));
    bytes += writeSync(fd, chunk);
    return { path, frames: texts.length, bytes, hours, startedAt: START, endedAt: at + 1000 };
  } finally {
    closeSync(fd);
  }
}

/** Removes the journal. */
export function removeJournal(j: WrittenJournal): void {
  rmSync(j.path, { force: true });
}

/** One replay of the journal, timed. */
export interface ReplayRun {
  readonly ms: number;
  readonly frames: number;
  readonly summaries: number;
  readonly periods: number;
  readonly changes: number;
}

/** `replayJournal` of the whole file, to its last summary. */
export async function timeReplay(j: WrittenJournal): Promise<ReplayRun> {
  const t0 = performance.now();
  const r = await replayJournal(j.path);
  const ms = performance.now() - t0;
  if (r.frames !== j.frames || r.badLines !== 0) throw new Error(`replay read ${String(r.frames)} frames (${String(r.badLines)} bad lines) of ${String(j.frames)}`);
  if (r.stats.received !== r.stats.delivered + r.stats.filtered + r.stats.malformed) throw new Error('replay: accounting identity broken');
  return { ms, frames: r.frames, summaries: r.summaries, periods: r.periods.length, changes: r.changes };
}

/** The floor: readline + JSON.parse of every line and of the frame it carries. */
export async function timeBareRead(j: WrittenJournal): Promise<{ ms: number; frames: number }> {
  const t0 = performance.now();
  const lines = createInterface({ input: createReadStream(j.path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let frames = 0;
  let codes = 0;
  for await (const line of lines) {
    const o = JSON.parse(line) as { frame?: string };
    if (typeof o.frame === 'string') {
      frames++;
      codes += (JSON.parse(o.frame) as { data: { eventCode: number } }).data.eventCode;
    }
  }
  if (codes === 0 || frames !== j.frames) throw new Error('bare read: frames lost');
  return { ms: performance.now() - t0, frames };
}
