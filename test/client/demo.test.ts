// The README's demo command (`ipecs-rx demo`) in a child process without a TTY: it prints summaries that say the
// emulator's speed and label summed times as such, measures on the simulated centre's clock, and stops cleanly
// (logout, exit code 0) on SIGINT.
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-process.js';

async function demo(args: string[], enough: (stdout: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = runCli(['demo', ...args]);
  try {
    await run.waitFor('summaries', (o) => enough(o.stdout), 40_000);
  } finally {
    run.stop();
  }
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

describe('ipecs-rx demo (child process, no TTY)', () => {
  it('prints live summaries with the emulator speed and summed-time labels, and stops cleanly on Ctrl-C', async () => {
    const { code, stdout, stderr } = await demo(['--refresh', '200', '--speed', '30'], (out) => (out.match(/Calls in queue/g) ?? []).length >= 3);
    expect(code).toBe(0);
    expect(stderr).toMatch(/emulator listening on https:\/\/127\.0\.0\.1:\d+ \(certificate SHA-256 [0-9A-F:]{95}\)/);
    expect(stdout).toMatch(/ipecs-rx demo \(emulator\) — connected/);
    expect(stdout).toMatch(/^simulated centre at 30× speed \(seed 1\): 8 agents, 90 calls an hour; every figure on the centre's clock \(30 simulated seconds per second\)$/m);
    expect(stdout).toMatch(/^Agent time, summed +logged in \d+:\d\d:\d\d/m);
    expect(stdout).toMatch(/^Station time, summed +idle \d+:\d\d:\d\d/m);
    expect(stdout).not.toContain('\x1b[2J'); // no screen control codes without a TTY
    expect(stderr).toMatch(/ipecs-rx demo: stopped: logged out, socket closed/);
  });

  it('--json prints one summary per line, on the simulated clock', async () => {
    const started = Date.now();
    const { code, stdout } = await demo(['--json', '--refresh', '200', '--speed', '60'], (out) => out.split('\n').filter(Boolean).length >= 3);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { totalInboundCalls: number; stationsConnected: number; at: number; periodStart: number });
    for (const s of lines) {
      expect(typeof s.totalInboundCalls).toBe('number');
      expect(typeof s.stationsConnected).toBe('number');
    }
    // 60 simulated seconds per real second: the last summary is further from the period's start than real time allows.
    const last = lines.at(-1);
    expect(last && last.at - last.periodStart).toBeGreaterThan(Date.now() - started);
  });
});
