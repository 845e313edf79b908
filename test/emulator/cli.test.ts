// `ipecs-rx emulate`: options, the startup lines, the client config it prints and writes (which connects in one
// step), a warm (mid-day) start, and a clean stop.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { emulateCommand, parseEmulateArgs, type EmulateIo } from '../../src/cli/emulate.js';
import { main } from '../../src/cli/main.js';
import { connect, type IpecsClient } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-emulate-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function captureIo(): EmulateIo & { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const stops: (() => void)[] = [];
  return {
    lines,
    out: (l) => { lines.push(l); },
    err: (l) => { lines.push(l); },
    onStop: (fn) => { stops.push(fn); },
    stop: () => { for (const fn of stops) fn(); },
  };
}

/** Waits until the client's socket is open, then closes it. */
async function connectsOnce(client: IpecsClient): Promise<void> {
  try {
    const open = await firstValueFrom(client.connection$.pipe(filter((s) => s.kind === 'open')));
    expect(open.kind).toBe('open');
  } finally {
    await client.close();
  }
}

describe('emulate command', () => {
  it('parses its options with the documented defaults', () => {
    expect(parseEmulateArgs([])).toMatchObject({ port: 8743, host: '127.0.0.1', seed: 1, speed: 1, plain: false, centre: true, warm: false, user: 'acd' });
    expect(parseEmulateArgs(['--port', '0', '--seed=9', '--speed', '60', '--plain', '--user', 'u', '--password', 'p', '--warm', '--write-config', 'f.json']))
      .toMatchObject({ port: 0, seed: 9, speed: 60, plain: true, user: 'u', password: 'p', warm: true, writeConfig: 'f.json' });
    expect(parseEmulateArgs(['--port', 'x'])).toMatch(/--port/);
    expect(parseEmulateArgs(['--bogus'])).toMatch(/unknown option/);
    expect(parseEmulateArgs(['--write-config'])).toMatch(/--write-config needs a file/);
    expect(parseEmulateArgs(['--warm', '--no-centre'])).toMatch(/--warm needs the centre/);
  });

  it('exits 2 on a bad option and 0 on --help', async () => {
    const io = captureIo();
    expect(await emulateCommand(['--speed', '-1'], io)).toBe(2);
    expect(io.lines.join('\n')).toContain('usage');
    expect(await emulateCommand(['--help'], io)).toBe(0);
    expect(io.lines.join('\n')).toContain('--write-config FILE');
  });

  it('prints and writes a client config that connects in one step, runs until stopped, then stops cleanly', async () => {
    const file = join(dir, 'emulator.json');
    const io = captureIo();
    const done = main(['emulate', '--port', '0', '--speed', '60', '--password', 's3cret', '--write-config', file], { ...io, isTTY: false, onStop: io.onStop ?? (() => undefined) });
    await waitFor(() => io.lines.some((l) => l.includes('Ctrl-C')), 10_000, 'startup lines');
    const text = io.lines.join('\n');
    expect(text).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(text).toContain('seed 1, speed 60');
    const printed = JSON.parse(io.lines.find((l) => l.startsWith('client config: '))?.slice('client config: '.length) ?? '') as { server: { port: number; password: string }; tls: { fingerprint256: string } };
    expect(printed).toMatchObject({ server: { host: '127.0.0.1', userId: 'acd', password: 's3cret', type: 'server' }, tls: { fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) as string } });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // One step each: the printed object as connect() takes it, the written file as a config file.
    await connectsOnce(connect({ ...printed, log: { file: null } }, { logger: silentLogger, env: {} }));
    await connectsOnce(connect({ configFile: file }, { logger: silentLogger, env: {} }));

    io.stop();
    expect(await done).toBe(0);
    expect(io.lines.join('\n')).toMatch(/stopped: 2 logins, 2 sockets/);
  }, 30_000);

  it('--warm starts the centre mid-day and says what is going on', async () => {
    const io = captureIo();
    const done = emulateCommand(['--port', '0', '--warm', '--seed', '3'], io);
    await waitFor(() => io.lines.some((l) => l.includes('Ctrl-C')), 10_000, 'startup lines');
    const line = io.lines.find((l) => l.startsWith('simulated centre:')) ?? '';
    expect(line).toMatch(/seed 3, speed 1×, mid-day from \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d: [1-9]\d* agents logged in, [1-9]\d* ringing, [1-9]\d* queued, [1-9]\d* connected/);
    io.stop();
    expect(await done).toBe(0);
  });

  it('without onStop it runs until SIGINT and removes its handlers', async () => {
    const lines: string[] = [];
    const before = process.listenerCount('SIGINT');
    const done = emulateCommand(['--port', '0', '--no-centre'], { out: (l) => { lines.push(l); }, err: (l) => { lines.push(l); } });
    await waitFor(() => lines.some((l) => l.includes('Ctrl-C')), 10_000, 'startup lines');
    expect(lines).toContain('simulated centre: off');
    process.emit('SIGINT');
    expect(await done).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
