// `ipecs-rx record` and `ipecs-rx replay`: the journal commands. `record` writes every raw frame of a live
// connection with its `at`; `replay` re-runs the whole pipeline on a virtual clock and prints each period's
// closing summary and the final one. The CLI only wires the library (journal/, socket/, config/).

import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createConnection } from '../socket/connection.js';
import { loadConfig, loadConfigFile } from '../config/load.js';
import { createLogger } from '../logging/winston-logger.js';
import { recordJournal } from '../journal/record.js';
import { replayJournal, type ReplayProgress } from '../journal/replay.js';
import type { AcdSummary } from '../metrics/types.js';
import { renderSummary } from './render.js';
import { SOURCE_OPTIONS, durationOf, openSource, untilStopped } from './source.js';
import type { CliIo } from './io.js';

/** Usage of `record` and `replay` (for the main usage text). */
export const JOURNAL_USAGE = `  record    write every raw frame of a live connection to an NDJSON journal
              --out FILE.ndjson (required)  --config FILE | --demo [--seed N (1) --speed X (30)]  --duration S
  replay    re-run a journal on a virtual clock; print each period's summary and the final one
              FILE.ndjson  --json  --until ISO-TIME|EPOCH-MS  --config FILE (metrics/filters instead of the journal's)`;

/**
 * `ipecs-rx record --out FILE.ndjson [--config FILE | --demo] [--duration S]`. Takes the raw arguments after the
 * command name; returns the exit code.
 */
export async function recordCommand(args: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: { ...SOURCE_OPTIONS, out: { type: 'string' } }, strict: true }));
  } catch (err: unknown) {
    io.err(`record: ${err instanceof Error ? err.message : String(err)}\n\n${JOURNAL_USAGE}`);
    return 2;
  }
  if (values.out === undefined) {
    io.err(`record: needs --out FILE.ndjson\n\n${JOURNAL_USAGE}`);
    return 2;
  }
  const durationMs = durationOf(values.duration);
  if (typeof durationMs === 'string') {
    io.err(`record: ${durationMs}`);
    return 2;
  }
  const source = await openSource(values, io);
  if (typeof source === 'string') {
    io.err(`record: ${source}\n\n${JOURNAL_USAGE}`);
    return 2;
  }
  try {
    const { config, warnings } = loadConfig(source.input, source.emulator ? {} : process.env);
    const logger = createLogger({ label: 'record', ...config.log });
    for (const w of warnings) io.err(`warning: ${w}`);
    const connection = createConnection(config, { logger });
    const recorder = recordJournal(connection.frames$, {
      out: values.out,
      header: { metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, source: source.emulator ? source.label : config.server.host },
      connection$: connection.connection$,
      logger,
    });
    io.err(`recording to ${values.out} (Ctrl-C to stop)`);
    // A fatal connection error ends the frames stream, and so the recording.
    await Promise.race([untilStopped(io, durationMs), recorder.done]);
    const result = await recorder.close();
    await connection.close();
    await logger.close();
    io.out(`recorded ${result.frames} frames (${result.bytes} bytes)${result.dropped > 0 ? `, ${result.dropped} dropped (disk too slow)` : ''} to ${values.out}`);
    if (result.error !== undefined) {
      io.err(`record: ${result.error}`);
      return 1;
    }
    return 0;
  } finally {
    await source.emulator?.stop();
  }
}

/** Parses `--until`: epoch ms, or an ISO date-time. */
function untilOf(value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const t = Date.parse(value);
  return Number.isNaN(t) ? `--until: not a time: ${value}` : t;
}

/** A one-line progress bar (drawn in place on a terminal). */
export function progressBar(p: ReplayProgress, width = 30): string {
  const total = p.totalBytes ?? 0;
  const ratio = total > 0 ? Math.min(1, p.bytesRead / total) : 0;
  const filled = Math.round(ratio * width);
  const at = p.at > 0 ? new Date(p.at).toISOString().replace('T', ' ').slice(0, 19) : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%  ${p.frames} frames  ${at}`;
}

/** Files larger than this get a progress bar on a terminal. */
const LONG_FILE_BYTES = 1024 * 1024;

/**
 * `ipecs-rx replay FILE.ndjson [--json] [--until T] [--config FILE]`. Takes the raw arguments after the command
 * name; returns the exit code.
 */
export async function replayCommand(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean', default: false }, until: { type: 'string' }, config: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err: unknown) {
    io.err(`replay: ${err instanceof Error ? err.message : String(err)}\n\n${JOURNAL_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) {
    io.err(`replay: needs exactly one journal file\n\n${JOURNAL_USAGE}`);
    return 2;
  }
  const until = untilOf(values.until);
  if (typeof until === 'string') {
    io.err(`replay: ${until}`);
    return 2;
  }
  const override = values.config === undefined ? undefined : loadConfigFile(values.config).config;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err: unknown) {
    io.err(`replay: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  // The bar goes to stderr, on a terminal only, for long files, at most every 100 ms (real time: a CLI concern).
  const showProgress = io.isTTY && size > LONG_FILE_BYTES;
  let lastDrawn = 0;
  let drawn = false;
  const clearBar = (): void => {
    if (drawn) io.err('\x1b[1A\x1b[2K\x1b[1A');
    drawn = false;
  };
  const print = (text: string): void => {
    clearBar();
    io.out(text);
  };
  const describe = (label: string, s: AcdSummary): string =>
    values.json ? JSON.stringify({ kind: label, summary: s }) : renderSummary(s, undefined, `${label}: ${new Date(s.periodStart).toISOString()} → ${new Date(s.at).toISOString()}`);

  const result = await replayJournal(file, {
    ...(until === undefined ? {} : { until }),
    ...(override === undefined ? {} : { metrics: override.metrics, filters: override.filters, maxFrameBytes: override.socket.maxFrameBytes }),
    onPeriod: (closing) => {
      print(describe('period', closing));
    },
    ...(showProgress
      ? {
          progressEvery: 2000,
          onProgress: (p: ReplayProgress) => {
            const now = Date.now();
            if (now - lastDrawn < 100) return;
            lastDrawn = now;
            clearBar();
            io.err(progressBar(p));
            drawn = true;
          },
        }
      : {}),
  });
  clearBar();
  print(describe('final', result.final));
  const notes = [
    `${result.frames} frames, ${result.periods.length} period${result.periods.length === 1 ? '' : 's'} closed`,
    result.badLines > 0 ? `${result.badLines} unreadable lines skipped` : '',
    result.outOfOrder > 0 ? `${result.outOfOrder} frames out of order` : '',
    result.droppedWhileRecording > 0 ? `${result.droppedWhileRecording} frames were dropped while recording` : '',
    result.gaps > 0 ? `${result.gaps} connection gaps in the recording` : '',
  ].filter((x) => x !== '');
  io.err(`replayed ${notes.join('; ')}`);
  return 0;
}
