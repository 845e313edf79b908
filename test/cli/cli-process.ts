// Test helper: the ipecs-rx CLI from source in a child process (node --import tsx), with its output collected,
// a poll for a condition on it, and a signal to stop it. Real processes: exit codes, stderr and lingering timers
// are what a user sees.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const runCliFixture = fileURLToPath(new URL('../client/fixtures/run-cli.ts', import.meta.url));

/** A running CLI child. */
export interface CliRun {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly startedAt: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, with its code (null after a signal). */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly at: number }>;
  /** Resolves with the instant `predicate` first held, checked on every chunk of output; rejects after `ms`. */
  waitFor(what: string, predicate: (out: { stdout: string; stderr: string }) => boolean, ms?: number): Promise<number>;
  /** Sends a signal (default SIGINT). */
  stop(signal?: NodeJS.Signals): void;
}

/** Starts `ipecs-rx ARGS` from source. `env` is added to a copy of this process's environment without IPECS_*. */
export function runCli(args: readonly string[], opts: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {}): CliRun {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IPECS_')));
  const child = spawn(process.execPath, ['--import', 'tsx', runCliFixture, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...watchers]) w();
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    poke();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    poke();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      poke();
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    startedAt,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (what, predicate, ms = 30_000) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out after ${ms} ms waiting for ${what}\n--- stdout:\n${stdout.slice(-3000)}\n--- stderr:\n${stderr.slice(-3000)}`));
        }, ms);
        const check = (): void => {
          if (predicate({ stdout, stderr })) {
            clearTimeout(timer);
            watchers.delete(check);
            resolve(Date.now());
          } else if (done) {
            clearTimeout(timer);
            watchers.delete(check);
            reject(new Error(`the process exited before ${what}\n--- stdout:\n${stdout.slice(-3000)}\n--- stderr:\n${stderr.slice(-3000)}`));
          }
        };
        watchers.add(check);
        check();
      }),
    stop: (signal = 'SIGINT') => {
      if (!done) child.kill(signal);
    },
  };
}

/** Runs `ipecs-rx ARGS` to its end (killed after `ms`), with its exit code and output. */
export async function runCliToEnd(
  args: readonly string[],
  opts: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>>; readonly ms?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const run = runCli(args, opts);
  const killer = setTimeout(() => {
    run.stop('SIGKILL');
  }, opts.ms ?? 40_000);
  const { code, at } = await run.exited;
  clearTimeout(killer);
  return { code, stdout: run.stdout(), stderr: run.stderr(), ms: at - run.startedAt };
}
