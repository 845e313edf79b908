// `ipecs-rx record` and `ipecs-rx replay` as the CLI runs them (captured io): a demo run recorded for a few
// seconds replays to a final summary; a long journal draws a progress bar on a terminal only; usage errors exit 2.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordCommand, replayCommand, progressBar } from '../../src/cli/journal.js';
import type { CliIo } from '../../src/cli/io.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-journal-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function captureIo(isTTY = false): CliIo & { outs: string[]; errs: string[]; stop: () => void } {
  const outs: string[] = [];
  const errs: string[] = [];
  let stop: () => void = () => undefined;
  return {
    outs,
    errs,
    isTTY,
    out: (t) => outs.push(t),
    err: (t) => errs.push(t),
    onStop: (fn) => {
      stop = fn;
    },
    stop: () => {
      stop();
    },
  };
}

describe('record and replay commands', () => {
  it('records a demo run and replays it to its final summary', async () => {
    const file = join(dir, 'demo.ndjson');
    const io = captureIo();
    const code = await recordCommand(['--demo', '--seed', '3', '--speed', '120', '--duration', '3', '--out', file], io);
    expect(io.errs.join('\n')).toMatch(/emulator listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(code).toBe(0);
    expect(io.outs.at(-1)).toMatch(new RegExp(`^recorded \\d+ frames \\(\\d+ bytes\\) to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const frames = Number(/recorded (\d+) frames/.exec(io.outs.at(-1) ?? '')?.[1]);
    expect(frames).toBeGreaterThan(10);
    expect(readFileSync(file, 'utf8')).not.toMatch(/"password"|acd:acd|Basic /);

    const r = captureIo();
    expect(await replayCommand([file, '--json'], r)).toBe(0);
    const last = JSON.parse(r.outs.at(-1) ?? '{}') as { kind: string; summary: AcdSummary };
    expect(last.kind).toBe('final');
    expect(last.summary.stationsConnected).toBeGreaterThan(0);
    expect(r.errs.at(-1)).toMatch(new RegExp(`^replayed ${frames} frames, 0 periods closed`));

    const text = captureIo();
    expect(await replayCommand([file], text)).toBe(0);
    expect(text.outs.at(-1)).toMatch(/^final: /);
  }, 60_000);

  it('a second record to the same journal of this period continues it, after a restart gap', async () => {
    const file = join(dir, 'again.ndjson');
    const first = captureIo();
    expect(await recordCommand(['--demo', '--seed', '4', '--speed', '120', '--duration', '2', '--out', file], first)).toBe(0);
    const n1 = Number(/recorded (\d+) frames/.exec(first.outs.at(-1) ?? '')?.[1]);
    const second = captureIo();
    expect(await recordCommand(['--demo', '--seed', '4', '--speed', '120', '--duration', '2', '--out', file], second)).toBe(0);
    expect(second.errs.join('\n')).toContain(`continuing ${file} (${String(n1)} frames of this period so far)`);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes('"journal":"ipecs-rx"'))).toHaveLength(1); // one header
    expect(lines.filter((l) => l.includes('"cause":"restart"'))).toHaveLength(1);
    const r = captureIo();
    expect(await replayCommand([file, '--json'], r)).toBe(0);
    expect(r.errs.join('\n')).toMatch(/1 connection gaps in the recording/);
  });

  it('draws a progress bar on a terminal for a long journal, and none otherwise', async () => {
    const file = join(dir, 'long.ndjson');
    const lines = [JSON.stringify({ journal: 'ipecs-rx', version: 1, startedAt: 0, metrics: { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' }, filters: DEFAULT_CONFIG.filters, maxFrameBytes: 4096 })];
    const payload = JSON.stringify({ event: 'acd', data: { eventCode: 68, sourceNumber: '', data1: 'x'.repeat(100) } });
    for (let i = 1; i <= 12_000; i++) lines.push(JSON.stringify({ at: i * 10, frame: payload }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tty = captureIo(true);
    expect(await replayCommand([file], tty)).toBe(0);
    expect(tty.errs.some((e) => /^\[#*\.*\] +\d+%/.test(e))).toBe(true);
    const pipe = captureIo(false);
    expect(await replayCommand([file], pipe)).toBe(0);
    expect(pipe.errs.some((e) => e.startsWith('['))).toBe(false);
    expect(progressBar({ bytesRead: 50, totalBytes: 100, frames: 7, at: 0 }, 10)).toBe('[#####.....]  50%  7 frames  ');
  });

  it('exits 2 on usage errors', async () => {
    const io = captureIo();
    expect(await recordCommand(['--demo'], io)).toBe(2);
    expect(io.errs.at(-1)).toMatch(/needs --out/);
    expect(await recordCommand(['--out', join(dir, 'x.ndjson')], io)).toBe(2);
    expect(io.errs.at(-1)).toMatch(/needs --config FILE or --demo/);
    expect(await replayCommand([], io)).toBe(2);
    expect(await replayCommand(['a', 'b'], io)).toBe(2);
    expect(await replayCommand(['a', '--until', 'soon'], io)).toBe(2);
    expect(await replayCommand([join(dir, 'missing.ndjson')], io)).toBe(1);
    expect(await recordCommand(['--bogus'], io)).toBe(2);
  });
});
