// Test helper: a real `nats-server -js` on loopback, on a free port, with a temp store dir. It can be killed and
// started again on the same port and store (a NATS outage). Fails with a clear message when nats-server is absent.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../ports.js';

/** A nats-server process under test control. */
export interface NatsServer {
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  /** Kills the server (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Kills it, empties its store (a server that lost its disk) and starts it again. */
  wipe(): Promise<void>;
  /** Kills it and removes the store. */
  stop(): Promise<void>;
}

/** The nats-server binary, or throws the message CI needs. */
export function natsServerBinary(): string {
  for (const bin of ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server']) {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return bin;
  }
  throw new Error('nats-server is not installed: these tests need a real NATS JetStream server. Install it with `apt-get install -y nats-server` (Debian), as .ci/run does.');
}

/** Starts `nats-server -js` on a free loopback port with a fresh store dir. */
export async function startNatsServer(): Promise<NatsServer> {
  const bin = natsServerBinary();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'ipecs-nats-'));
  let proc: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const p = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
    proc = p;
    await waitForPort(port, 15_000);
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => {
        resolve();
      });
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    port,
    url: `nats://127.0.0.1:${String(port)}`,
    storeDir,
    kill,
    start,
    wipe: async () => {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
      mkdirSync(storeDir, { recursive: true });
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
