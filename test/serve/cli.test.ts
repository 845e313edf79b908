// `ipecs-rx serve` as the CLI runs it (captured io): --demo serves the wallboard, /health and /metrics on the
// given port until stopped; wallboard settings come from --wallboard FILE or the config file's `serve` key;
// usage errors exit 2.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServeSettings, serveCommand } from '../../src/cli/serve.js';
import type { CliIo } from '../../src/cli/io.js';
import { waitFor } from '../connection/helpers.js';
import { checkPrometheusText } from './prom-text.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-serve-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function captureIo(): CliIo & { outs: string[]; errs: string[]; stop: () => void } {
  const outs: string[] = [];
  const errs: string[] = [];
  const stops: (() => void)[] = [];
  return {
    outs,
    errs,
    isTTY: false,
    out: (t) => outs.push(t),
    err: (t) => errs.push(t),
    onStop: (fn) => stops.push(fn),
    stop: () => {
      for (const fn of stops) fn();
    },
  };
}

describe('serve command', () => {
  it('serves the demo wallboard until stopped', async () => {
    const wallboard = join(dir, 'wallboard.json');
    writeFileSync(wallboard, JSON.stringify({ title: 'Demo <floor>', thresholds: { callsInQueue: { amber: 1, red: 2 } } }));
    const io = captureIo();
    const running = serveCommand(['--demo', '--speed', '60', '--port', '0', '--wallboard', wallboard], io);
    await waitFor('the wallboard address', () => io.outs.some((l) => l.startsWith('wallboard: ')), 20_000);
    const url = /^wallboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(io.outs.find((l) => l.startsWith('wallboard: ')) ?? '')?.[1] ?? '';
    expect(url).not.toBe('');
    const page = await (await fetch(`${url}/`)).text();
    expect(page).toContain('<title>Demo &lt;floor&gt;</title>');
    let status = 0;
    await waitFor(
      '/health 200',
      () => {
        void fetch(`${url}/health`).then((r) => (status = r.status));
        return status === 200;
      },
      20_000,
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(checkPrometheusText(metrics)).toEqual([]);
    expect(metrics).toMatch(/^ipecs_client_connected 1$/m);
    io.stop();
    await expect(running).resolves.toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 60_000);

  it('reads the settings from --wallboard or the config file, and reports bad ones', () => {
    const config = join(dir, 'ipecs.conf');
    writeFileSync(config, JSON.stringify({ server: { host: 'pbx' }, serve: { freshnessSeconds: 90 } }));
    const fromConfig = loadServeSettings(undefined, config);
    expect(typeof fromConfig !== 'string' && fromConfig.freshnessMs).toBe(90_000);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ thresholds: { serviceLevel: { red: 'low' } } }));
    expect(loadServeSettings(bad, config)).toBe(`invalid wallboard settings in ${bad}:\n  thresholds: serviceLevel.red: expected number, found "low"`);
    expect(loadServeSettings(join(dir, 'missing.json'), undefined)).toMatch(/^cannot read --wallboard/);
  });

  it('exits 2 on usage errors', async () => {
    const io = captureIo();
    expect(await serveCommand([], io)).toBe(2);
    expect(io.errs.at(-1)).toMatch(/needs --config FILE or --demo/);
    expect(await serveCommand(['--demo', '--port', 'x'], io)).toBe(2);
    expect(await serveCommand(['--demo', '--duration', '-1'], io)).toBe(2);
    expect(await serveCommand(['--nope'], io)).toBe(2);
  });
});
