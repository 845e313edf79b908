// The `ipecs-rx` command: parses arguments and hands over to a command module.

import { parseArgs } from 'node:util';
import { demoCommand, watchCommand } from './live.js';
import { emulateCommand } from './emulate.js';
import { serveCommand, SERVE_USAGE } from './serve.js';
import { recordCommand, replayCommand, JOURNAL_USAGE } from './journal.js';
import { bridgeCommand, BRIDGE_USAGE } from './bridge.js';
import { processIo, type CliIo } from './io.js';
import { durationOf } from './source.js';

const USAGE = `usage: ipecs-rx <command> [options]

commands:
  demo      start the built-in emulator and show the live summary
              --seed N (1)  --speed X (10)  --json  --duration S  --refresh MS (500)
  watch     show the live summary of a real PBX
              --config FILE (required)  --json  --duration S  --refresh MS (1000)
  emulate   run the iPECS emulator on its own and print the client config that reaches it
              --port N (8743)  --host H  --seed N  --speed X  --warm  --plain  --no-centre  --user U  --password P
              --timeout S  --write-config FILE  --verbose
${SERVE_USAGE}
${JOURNAL_USAGE}
${BRIDGE_USAGE}
  help      this text`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo': {
        const { values } = parseArgs({
          args: rest,
          options: { seed: { type: 'string', default: '1' }, speed: { type: 'string', default: '10' }, json: { type: 'boolean', default: false }, duration: { type: 'string' }, refresh: { type: 'string', default: '500' } },
        });
        const durationMs = durationOf(values.duration);
        if (typeof durationMs === 'string') {
          io.err(`demo: ${durationMs}`);
          return 2;
        }
        return await demoCommand({ seed: Number(values.seed), speed: Number(values.speed), json: values.json, durationMs, refreshMs: Number(values.refresh) }, io);
      }
      case 'watch': {
        const { values } = parseArgs({
          args: rest,
          options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, duration: { type: 'string' }, refresh: { type: 'string', default: '1000' } },
        });
        if (values.config === undefined) {
          io.err('watch needs --config FILE');
          return 2;
        }
        const durationMs = durationOf(values.duration);
        if (typeof durationMs === 'string') {
          io.err(`watch: ${durationMs}`);
          return 2;
        }
        return await watchCommand({ configFile: values.config, json: values.json, durationMs, refreshMs: Number(values.refresh) }, io);
      }
      case 'emulate':
        return await emulateCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      case 'record':
        return await recordCommand(rest, io);
      case 'replay':
        return await replayCommand(rest, io);
      case 'bridge':
        return await bridgeCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.err(`unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (err: unknown) {
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }
}
