// The `ipecs-rx` command: picks the subcommand and hands over its arguments. Every subcommand parses its own
// options from a table (command.ts) that also prints its --help, and ends with an exit code (exit.ts).

import { demoCommand, watchCommand, DEMO_COMMAND, WATCH_COMMAND } from './live.js';
import { EMULATE_USAGE, emulateCommand } from './emulate.js';
import { serveCommand, SERVE_COMMAND } from './serve.js';
import { recordCommand, replayCommand, RECORD_COMMAND, REPLAY_COMMAND } from './journal.js';
import { bridgeCommand, BRIDGE_USAGE } from './bridge.js';
import { processIo, type CliIo } from './io.js';
import { helpText, type CommandSpec } from './command.js';
import { EXIT, EXIT_CODES_HELP, reportFatal } from './exit.js';

interface Subcommand {
  readonly summary: string;
  readonly run: (args: readonly string[], io: CliIo) => Promise<number>;
  /** The help text (`ipecs-rx help NAME`); commands with a spec print it for `NAME --help` themselves. */
  readonly help: () => string;
}

const fromSpec = (spec: CommandSpec, run: Subcommand['run']): Subcommand => ({ summary: spec.summary, run, help: () => helpText(spec) });

const COMMANDS: Readonly<Record<string, Subcommand>> = {
  demo: fromSpec(DEMO_COMMAND, demoCommand),
  watch: fromSpec(WATCH_COMMAND, watchCommand),
  emulate: {
    summary: 'the iPECS Web API emulator on its own (HTTPS + WSS, simulated centre, faults)',
    run: (args, io) => emulateCommand(args, io),
    help: () => EMULATE_USAGE,
  },
  serve: fromSpec(SERVE_COMMAND, serveCommand),
  record: fromSpec(RECORD_COMMAND, recordCommand),
  replay: fromSpec(REPLAY_COMMAND, replayCommand),
  bridge: {
    summary: "publish PBXs' events, gaps and summaries to NATS JetStream",
    run: bridgeCommand,
    help: () => BRIDGE_USAGE,
  },
};

/** The top-level usage: every command with its summary. */
export function usageText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'usage: ipecs-rx <command> [options]',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}this text; ipecs-rx help <command> (or ipecs-rx <command> --help) lists its options`,
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.err(usageText());
    return EXIT.usage;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    const about = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
    if (rest[0] !== undefined && about === undefined) {
      io.err(`ipecs-rx: unknown command '${rest[0]}'\n\n${usageText()}`);
      return EXIT.usage;
    }
    io.out(about === undefined ? usageText() : about.help());
    return EXIT.ok;
  }
  const sub = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (sub === undefined) {
    io.err(`ipecs-rx: unknown command '${command}'\n\n${usageText()}`);
    return EXIT.usage;
  }
  try {
    return await sub.run(rest, io);
  } catch (err: unknown) {
    // Anything a command did not handle itself still ends with one line and a non-zero code.
    return reportFatal(io, command, err);
  }
}
