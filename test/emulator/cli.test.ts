// `ipecs-rx emulate`: options, the startup lines, and a clean stop on SIGINT.
import { describe, expect, it } from 'vitest';
import { emulateCommand, parseEmulateArgs } from '../../src/cli/emulate.js';
import { waitFor } from './helpers.js';

describe('emulate command', () => {
  it('parses its options with the documented defaults', () => {
    expect(parseEmulateArgs([])).toMatchObject({ port: 8743, host: '127.0.0.1', seed: 1, speed: 1, plain: false, centre: true, user: 'acd' });
    expect(parseEmulateArgs(['--port', '0', '--seed=9', '--speed', '60', '--plain', '--user', 'u', '--password', 'p']))
      .toMatchObject({ port: 0, seed: 9, speed: 60, plain: true, user: 'u', password: 'p' });
    expect(parseEmulateArgs(['--port', 'x'])).toMatch(/--port/);
    expect(parseEmulateArgs(['--bogus'])).toMatch(/unknown option/);
  });

  it('exits 2 on a bad option and 0 on --help', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => { out.push(s); }, err: (s: string) => { err.push(s); } };
    expect(await emulateCommand(['--speed', '-1'], io)).toBe(2);
    expect(err.join('')).toContain('usage');
    expect(await emulateCommand(['--help'], io)).toBe(0);
    expect(out.join('')).toContain('--seed');
  });

  it('prints where it listens and the fingerprint, runs until SIGINT, then stops cleanly', async () => {
    const out: string[] = [];
    const io = { out: (s: string) => { out.push(s); }, err: (s: string) => { out.push(s); } };
    const before = process.listenerCount('SIGINT');
    const done = emulateCommand(['--port', '0', '--speed', '60'], io);
    await waitFor(() => out.join('').includes('Ctrl-C'), 10_000, 'startup lines');
    const text = out.join('');
    expect(text).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
    expect(text).toContain('seed 1, speed 60');
    process.emit('SIGINT');
    expect(await done).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(out.join('')).toContain('stopped');
  });
});
