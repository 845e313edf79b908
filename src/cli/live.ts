// `ipecs-rx demo` and `ipecs-rx watch`: a client showing its live summary, refreshed in place on a TTY, one block
// (or one JSON line with --json) per refresh otherwise. Ctrl-C logs out cleanly.

import { auditTime, combineLatest, filter, startWith, type Subscription } from 'rxjs';
import { connect, type IpecsClient } from '../client.js';
import type { ConnectionState } from '../socket/types.js';
import { renderSummary } from './render.js';
import type { CliIo } from './io.js';
import { startDemo, untilStopped } from './source.js';

interface LiveOptions {
  readonly json: boolean;
  readonly refreshMs: number;
  readonly durationMs: number | undefined;
  readonly title: string;
}

/** Runs the live view until SIGINT/SIGTERM or `durationMs`, then closes the client (logout) and returns. */
async function runLive(client: IpecsClient, io: CliIo, opts: LiveOptions): Promise<void> {
  const states$ = client.connection$.pipe(filter((s): s is ConnectionState => s.kind !== 'gap'), startWith(undefined));
  let sub: Subscription | undefined;
  // The view ends on its own only when the client stops on a fatal error.
  const ended = new Promise<void>((resolve) => {
    sub = combineLatest([client.summary$, states$])
      .pipe(auditTime(opts.refreshMs))
      .subscribe({
        next: ([summary, state]) => {
          if (opts.json) io.out(JSON.stringify(summary));
          else if (io.isTTY) io.out(`\x1b[H\x1b[2J${renderSummary(summary, state, opts.title)}\n(Ctrl-C to stop)`);
          else io.out(`${renderSummary(summary, state, opts.title)}\n`);
        },
        error: (err: unknown) => {
          io.err(`stopped: ${err instanceof Error ? err.message : String(err)}`);
          resolve();
        },
        complete: resolve,
      });
  });
  await Promise.race([untilStopped(io, opts.durationMs), ended]);
  sub?.unsubscribe();
  await client.close();
  io.err('stopped: logged out, socket closed');
}

/** `ipecs-rx demo`: the built-in emulator with a simulated contact centre, and a client pinned to its certificate. */
export async function demoCommand(args: { seed: number; speed: number; json: boolean; durationMs: number | undefined; refreshMs: number }, io: CliIo): Promise<number> {
  // 120 calls an hour on 8 agents: busy enough for a queue to form now and then.
  const { emulator, input } = await startDemo({ seed: args.seed, speed: args.speed, arrivalPerHour: 120 });
  io.err(`emulator listening on ${emulator.baseUrl} (certificate SHA-256 ${emulator.fingerprint256})`);
  try {
    const client = connect(input, { logId: 'demo', env: {} });
    await runLive(client, io, { json: args.json, refreshMs: args.refreshMs, durationMs: args.durationMs, title: 'ipecs-rx demo (emulator)' });
  } finally {
    await emulator.stop();
  }
  return 0;
}

/** `ipecs-rx watch --config FILE`: the same live view against a real PBX. */
export async function watchCommand(args: { configFile: string; json: boolean; durationMs: number | undefined; refreshMs: number }, io: CliIo): Promise<number> {
  const client = connect({ configFile: args.configFile });
  await runLive(client, io, { json: args.json, refreshMs: args.refreshMs, durationMs: args.durationMs, title: `ipecs-rx watch ${client.config.server.host}` });
  return 0;
}
