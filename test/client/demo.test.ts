// The README's demo command (`ipecs-rx demo`) in a child process without a TTY: it prints summaries, and stops
// cleanly (logout, exit code 0) on SIGINT.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const runCli = fileURLToPath(new URL('./fixtures/run-cli.ts', import.meta.url));

function runDemo(args: string[], until: (stdout: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runCli, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo did not produce summaries in time\n${stdout}\n${stderr}`));
    }, 40_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!signalled && until(stdout)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ipecs-rx demo (child process, no TTY)', () => {
  it('prints live summaries and stops cleanly on Ctrl-C', async () => {
    const { code, stdout, stderr } = await runDemo(['--refresh', '200', '--speed', '120'], (out) => (out.match(/Calls in queue/g) ?? []).length >= 3);
    expect(code).toBe(0);
    expect(stderr).toMatch(/emulator listening on https:\/\/127\.0\.0\.1:\d+ \(certificate SHA-256 [0-9A-F:]{95}\)/);
    expect(stdout).toMatch(/ipecs-rx demo \(emulator\) — connected/);
    expect(stdout).not.toContain('\x1b[2J'); // no screen control codes without a TTY
    expect(stderr).toMatch(/logged out/);
  });

  it('--json prints one summary per line', async () => {
    const { code, stdout } = await runDemo(['--json', '--refresh', '200', '--speed', '120'], (out) => out.split('\n').filter(Boolean).length >= 3);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    for (const line of lines) {
      const s = JSON.parse(line) as Record<string, unknown>;
      expect(typeof s.totalInboundCalls).toBe('number');
      expect(typeof s.stationsConnected).toBe('number');
    }
  });
});
