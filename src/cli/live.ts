// `ipecs-rx demo` and `ipecs-rx watch`: a client showing its live summary, refreshed in place on a TTY, one block
// (or one JSON line with --json) per refresh otherwise. While it cannot connect the screen says why and counts
// the attempts. Ctrl-C logs out cleanly (exit 0); a fatal error ends it with one stderr line and its exit code.

import { auditTime, combineLatest, scan, startWith, type Subscription } from 'rxjs';
import type { IpecsClient } from '../client.js';
import { NO_CONNECTION, nextConnectionView, renderSummary, type RenderOptions } from './render.js';
import type { CliIo } from './io.js';
import { parseCommand, usageError, type CommandSpec } from './command.js';
import { EXIT, reportFatal } from './exit.js';
import { connectLoud, withStateFile, durationOption, numberOption, startDemo, untilStoppedOrFailed, type DemoCentre } from './source.js';
import { simulatedClock } from './sim-clock.js';

interface LiveOptions extends RenderOptions {
  readonly command: string;
  readonly json: boolean;
  readonly refreshMs: number;
  readonly durationMs: number | undefined;
}

/** Runs the live view until SIGINT/SIGTERM, `durationMs` or a fatal error, then closes the client; the exit code. */
async function runLive(client: IpecsClient, io: CliIo, opts: LiveOptions): Promise<number> {
  const connection$ = client.connection$.pipe(scan(nextConnectionView, NO_CONNECTION), startWith(NO_CONNECTION));
  const sub: Subscription = combineLatest([client.summary$, connection$])
    .pipe(auditTime(opts.refreshMs))
    .subscribe({
      next: ([summary, connection]) => {
        if (opts.json) io.out(JSON.stringify(summary));
        else if (io.isTTY) io.out(`\x1b[H\x1b[2J${renderSummary(summary, connection, opts)}\n(Ctrl-C to stop)`);
        else io.out(`${renderSummary(summary, connection, opts)}\n`);
      },
      // The fatal error itself is reported once, below.
      error: () => undefined,
    });
  const outcome = await untilStoppedOrFailed(io, opts.durationMs, client.summary$);
  sub.unsubscribe();
  await client.close();
  if (outcome.kind === 'fatal') return reportFatal(io, opts.command, outcome.error);
  io.err(`ipecs-rx ${opts.command}: stopped: logged out, socket closed`);
  return EXIT.ok;
}

const OUTPUT_OPTIONS = {
  json: { type: 'boolean', default: false, help: 'one JSON summary per line instead of the table' },
  duration: { type: 'string', arg: 'S', help: 'stop after S seconds (default: run until Ctrl-C)' },
} as const;

/** `demo`'s options and help. */
export const DEMO_COMMAND = {
  name: 'demo',
  summary: 'the built-in emulator with a simulated centre, and its live summary',
  description: 'Starts the built-in emulator with a simulated contact centre and shows the live summary of a client connected to it.',
  options: {
    seed: { type: 'string', default: '1', arg: 'N', help: 'seed of the simulated centre (the same seed, the same calls)' },
    speed: { type: 'string', default: '10', arg: 'X', help: "simulated seconds per real second; the client measures on the centre's clock, so waits and the service level read as a real centre's at any speed" },
    ...OUTPUT_OPTIONS,
    refresh: { type: 'string', default: '500', arg: 'MS', help: 'redraw at most every MS milliseconds' },
  },
  notes: [
    "Needs nothing but Node.js: no PBX, no network. Ctrl-C logs the client out and stops the emulator. The times shown are on the simulated centre's clock; --json summaries too.",
  ],
} as const satisfies CommandSpec;

/** `watch`'s options and help. */
export const WATCH_COMMAND = {
  name: 'watch',
  summary: 'the live summary of a real PBX',
  description: 'Shows the live summary of a real PBX, as its configuration file names it. While it cannot connect it says why and counts the attempts.',
  options: {
    config: { type: 'string', arg: 'FILE', help: 'the configuration file (required)' },
    'state-file': { type: 'string', arg: 'FILE', help: "checkpoint of the figures: restored at start when it is of the same PBX and day (the configuration's state.file)" },
    ...OUTPUT_OPTIONS,
    refresh: { type: 'string', default: '1000', arg: 'MS', help: 'redraw at most every MS milliseconds' },
  },
  notes: ['Configuration warnings (unknown keys, a password file others can read) are printed on stderr first.'],
} as const satisfies CommandSpec;

/** `ipecs-rx demo`: the built-in emulator with a simulated contact centre, and a client pinned to its certificate. */
export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(DEMO_COMMAND, args, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { values } = parsed;
  const seed = numberOption(io, 'demo', '--seed', values.seed, 0);
  const speed = numberOption(io, 'demo', '--speed', values.speed, 0.01);
  const refreshMs = numberOption(io, 'demo', '--refresh', values.refresh, 1);
  const durationMs = durationOption(io, 'demo', values.duration);
  if (seed === undefined || speed === undefined || refreshMs === undefined || durationMs === null) return EXIT.usage;
  const centre: DemoCentre = { seed, speed };
  const { emulator, input, describe } = await startDemo(centre);
  io.err(`ipecs-rx demo: emulator listening on ${emulator.baseUrl} (certificate SHA-256 ${emulator.fingerprint256})`);
  try {
    // The client measures on the simulated centre's clock, so its figures are the centre's (sim-clock.ts).
    const client = connectLoud('demo', input, io, { logId: 'demo', env: {}, scheduler: simulatedClock(speed) });
    const note = `${describe}; every figure on the centre's clock (${speed === 1 ? 'real time' : `${speed} simulated seconds per second`})`;
    return await runLive(client, io, { command: 'demo', json: values.json, refreshMs, durationMs, title: 'ipecs-rx demo (emulator)', note });
  } finally {
    await emulator.stop();
  }
}

/** `ipecs-rx watch --config FILE`: the same live view against a real PBX. */
export async function watchCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(WATCH_COMMAND, args, io);
  if (parsed.kind === 'exit') return parsed.code;
  const { values } = parsed;
  if (values.config === undefined) return usageError(io, 'watch', 'needs --config FILE');
  const refreshMs = numberOption(io, 'watch', '--refresh', values.refresh, 1);
  const durationMs = durationOption(io, 'watch', values.duration);
  if (refreshMs === undefined || durationMs === null) return EXIT.usage;
  let client: IpecsClient;
  try {
    client = connectLoud('watch', withStateFile({ configFile: values.config }, values['state-file']), io);
  } catch (err: unknown) {
    return reportFatal(io, 'watch', err);
  }
  io.err(`ipecs-rx watch: connecting to ${client.config.server.host}:${client.config.server.port} as ${client.config.server.userId}`);
  return runLive(client, io, { command: 'watch', json: values.json, refreshMs, durationMs, title: `ipecs-rx watch ${client.config.server.host}` });
}
