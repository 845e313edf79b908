// `ipecs-rx bridge` argument handling: the sites come from a sites file or one ipecs.conf with --site; usage
// errors exit 2 with a message. (The command itself runs in bridge-e2e.test.ts, SIGKILLed and restarted.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BRIDGE_OPTIONS, allFatalLine, bridgeCommand, readSites } from '../../src/cli/bridge.js';
import type { CliIo } from '../../src/cli/io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ipecs-cli-bridge-'));
  dirs.push(d);
  return d;
}
function io(): CliIo & { errors: string[]; outs: string[] } {
  const errors: string[] = [];
  const outs: string[] = [];
  return { out: (t) => outs.push(t), err: (t) => errors.push(t), isTTY: false, onStop: () => undefined, errors, outs };
}

describe('bridge command', () => {
  it('reads a sites file, resolving configFile against its folder', () => {
    const d = dir();
    const file = join(d, 'sites.json');
    writeFileSync(file, JSON.stringify({ sites: [{ id: 'leeds', configFile: 'leeds.conf' }, { id: 'york', config: { server: { host: 'pbx' } } }] }));
    expect(readSites(file, undefined)).toEqual([
      { id: 'leeds', config: { configFile: join(d, 'leeds.conf') } },
      { id: 'york', config: { server: { host: 'pbx' } } },
    ]);
  });

  it('takes one ipecs.conf with --site, and says what is missing or wrong', () => {
    const d = dir();
    const conf = join(d, 'ipecs.conf');
    writeFileSync(conf, JSON.stringify({ server: { host: 'pbx' } }));
    expect(readSites(conf, 'leeds')).toEqual([{ id: 'leeds', config: { configFile: conf } }]);
    expect(readSites(conf, undefined)).toMatch(/--site ID/);
    expect(readSites(conf, 'le.eds')).toMatch(/le\.eds/);
    const dup = join(d, 'dup.json');
    writeFileSync(dup, JSON.stringify({ sites: [{ id: 'a', config: {} }, { id: 'a', config: {} }] }));
    expect(readSites(dup, undefined)).toMatch(/used twice/);
    expect(readSites(join(d, 'missing.json'), 'a')).toMatch(/cannot read/);
  });

  it('exits 2 on a usage error', async () => {
    const a = io();
    expect(await bridgeCommand(['--config', 'x.conf'], a)).toBe(2);
    expect(a.errors.join()).toMatch(/--nats URL/);
    const b = io();
    expect(await bridgeCommand(['--config', 'x.conf', '--nats', 'nats://127.0.0.1:1', '--max-buffered', '0'], b)).toBe(2);
    const c = io();
    expect(await bridgeCommand(['--bogus'], c)).toBe(2);
  });

  it('--help lists every option and exits 0', async () => {
    const a = io();
    expect(await bridgeCommand(['--help'], a)).toBe(0);
    const help = a.outs.join('\n');
    for (const name of Object.keys(BRIDGE_OPTIONS)) expect(help).toContain(`--${name}`);
    expect(a.errors).toEqual([]);
  });

  it('refuses a NATS URL without a scheme (or without a host), naming it', async () => {
    for (const bad of ['127.0.0.1:4222', 'nats.example', 'nats://', 'nats://a:4222,b:4222']) {
      const a = io();
      expect(await bridgeCommand(['--config', 'x.conf', '--nats', bad], a)).toBe(2);
      expect(a.errors.join()).toMatch(/not a NATS URL|has no host/);
    }
    const b = io();
    expect(await bridgeCommand(['--config', 'x.conf', '--nats', 'nats://u:secret@h:4222,bogus'], b)).toBe(2);
    expect(b.errors.join()).not.toContain('secret');
  });

  it('names every fatal site on one line', () => {
    const f = (siteId: string, code: string) => ({ siteId, at: 0, code, message: 'm' });
    expect(allFatalLine([f('leeds', 'AUTH_INVALID_CREDENTIALS')])).toBe('bridge: site leeds: AUTH_INVALID_CREDENTIALS: m');
    expect(allFatalLine([f('a', 'X'), f('b', 'Y')])).toBe('bridge: every site stopped on a fatal error: a: X: m; b: Y: m');
  });
});
