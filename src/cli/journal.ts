// `ipecs-rx record` and `ipecs-rx replay`: the journal commands. `record` writes every raw frame of a live
// connection with its `at`; `replay` re-runs the whole pipeline on a virtual clock and prints each period's
// closing summary and the final one. The CLI only wires the library (journal/, socket/, config/).

import { renameSync, statSync } from 'node:fs';
import { asyncScheduler } from 'rxjs';
import { createConnection } from '../socket/connection.js';
import { openStateContinuity } from '../state/continuity.js';
import { loadConfig, loadConfigFile } from '../config/load.js';
import { createLogger } from '../logging/winston-logger.js';
import { recordJournal } from '../journal/record.js';
import { warmStart } from '../journal/warm-start.js';
import { replayJournal, type ReplayProgress } from '../journal/replay.js';
import type { AcdSummary } from '../metrics/types.js';
import { renderSummary } from './render.js';
import { SOURCE_OPTIONS, durationOption, openSource, untilStoppedOrFailed } from './source.js';
import { parseCommand, usageError, type CommandSpec } from './command.js';
import { EXIT, printWarnings, reportFatal } from './exit.js';
import type { CliIo } from './io.js';

/** `record`'s options and help. */
export const RECORD_COMMAND = {
  name: 'record',
  summary: 'write every raw frame of a live connection to an NDJSON journal',
  description: 'Writes every raw frame of a live connection, with its receive instant, to an NDJSON journal (replay re-runs it).',
  options: {
    out: { type: 'string', arg: 'FILE.ndjson', help: "the journal to write (required); one of the current period is appended to, after a restart gap; an older one is moved to FILE.1" },
    ...SOURCE_OPTIONS,
  },
} as const satisfies CommandSpec;

/** `replay`'s options and help. */
export const REPLAY_COMMAND = {
  name: 'replay',
  summary: "re-run a journal on a virtual clock; print each period's summary",
  description: "Re-runs a journal through the same pipeline on a virtual clock, and prints each period's closing summary and the final one.",
  synopsis: '[options] FILE.ndjson',
  positionals: { min: 1, max: 1 },
  options: {
    json: { type: 'boolean', default: false, help: 'one JSON object per summary instead of the table' },
    until: { type: 'string', arg: 'ISO-TIME|EPOCH-MS', help: 'stop at this instant of the recording' },
    config: { type: 'string', arg: 'FILE', help: "take metrics and filters from this configuration file instead of the journal's header" },
  },
} as const satisfies CommandSpec;

/**
 * `ipecs-rx record --out FILE.ndjson [--config FILE | --demo] [--duration S]`. Takes the raw arguments after the
 * command name; returns the exit code.
 */
export async function recordCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(RECORD_COMMAND, args, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { values } = parsed;
  if (values.out === undefined) return usageError(io, 'record', 'needs --out FILE.ndjson');
  const durationMs = durationOption(io, 'record', values.duration);
  if (durationMs === null) return EXIT.usage;
  const source = await openSource('record', values, io);
  if (source === undefined) return EXIT.usage;
  try {
    let loaded;
    try {
      loaded = loadConfig(source.input, source.emulator ? {} : process.env);
    } catch (err: unknown) {
      return reportFatal(io, 'record', err);
    }
    const { config, warnings } = loaded;
    printWarnings(io, 'record', warnings);
    const logger = createLogger({ label: 'record', ...config.log, secrets: [config.server.password] });
    // A journal of the current period is continued (the restart is a gap in it); an older one is set aside.
    let found;
    try {
      found = warmStart(values.out, { metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, now: Date.now(), logger });
      if (found.kind === 'stale') renameSync(values.out, `${values.out}.1`);
    } catch (err: unknown) {
      await logger.close();
      return reportFatal(io, 'record', err);
    }
    const resumed = found.kind === 'warm' ? found : undefined;
    const connection = createConnection(config, { logger });
    // The restart is a gap in the journal, from its last frame to the new socket (as a client's warm start marks it).
    const continuity = openStateContinuity(config, undefined, { scheduler: asyncScheduler, logger, ...(resumed ? { restartedFrom: resumed.lastAt } : {}) });
    const recorder = recordJournal(connection.frames$, {
      out: values.out,
      header: resumed?.header ?? { metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, source: source.emulator ? source.label : config.server.host },
      connection$: continuity.withRestartGap(connection.connection$),
      logger,
      ...(resumed ? { append: { cutLine: resumed.cutLine } } : {}),
    });
    if (resumed) io.err(`ipecs-rx record: continuing ${values.out} (${resumed.frames} frames of this period so far)`);
    io.err(`ipecs-rx record: recording to ${values.out} (Ctrl-C to stop)`);
    // A fatal connection error ends the frames stream, and so the recording.
    const outcome = await untilStoppedOrFailed(io, durationMs, connection.frames$);
    const result = await recorder.close();
    await connection.close();
    await logger.close();
    io.out(`recorded ${result.frames} frames (${result.bytes} bytes)${result.dropped > 0 ? `, ${result.dropped} dropped (disk too slow)` : ''} to ${values.out}`);
    if (outcome.kind === 'fatal') return reportFatal(io, 'record', outcome.error);
    if (result.error !== undefined) {
      io.err(`ipecs-rx record: stopped: ${result.error}`);
      return EXIT.failed;
    }
    io.err('ipecs-rx record: stopped: logged out, socket closed');
    return EXIT.ok;
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
  const parsed = parseCommand(REPLAY_COMMAND, args, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { values, positionals } = parsed;
  const file = positionals[0] ?? '';
  const until = untilOf(values.until);
  if (typeof until === 'string') return usageError(io, 'replay', until);
  let override;
  try {
    const loaded = values.config === undefined ? undefined : loadConfigFile(values.config);
    printWarnings(io, 'replay', loaded?.warnings ?? []);
    override = loaded?.config;
  } catch (err: unknown) {
    return reportFatal(io, 'replay', err);
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err: unknown) {
    io.err(`ipecs-rx replay: stopped: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
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
    values.json ? JSON.stringify({ kind: label, summary: s }) : renderSummary(s, undefined, { title: `${label}: ${new Date(s.periodStart).toISOString()} → ${new Date(s.at).toISOString()}` });

  let result;
  try {
    result = await replayJournal(file, {
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
  } catch (err: unknown) {
    clearBar();
    return reportFatal(io, 'replay', err);
  }
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
  return EXIT.ok;
}
