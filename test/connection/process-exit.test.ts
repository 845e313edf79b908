// R17/R18: a process that uses the library and calls close() exits by itself within 3 s; the library registers
// no process-wide handlers and never touches NODE_TLS_REJECT_UNAUTHORIZED.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('process hygiene', () => {
  it('a child that connects and calls close() exits by itself within 3 s, with code 0', async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/connection/fixtures/close-exits.ts'], {
      env: { ...process.env, EMU_PORT: String(emu.port), EMU_FP: emu.fingerprint256 },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let closingAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (closingAt === 0 && out.includes('CLOSING')) closingAt = performance.now();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => { resolve(c); }));
    clearTimeout(deadline);
    const exitAfterCloseMs = performance.now() - closingAt;
    console.log(`child exited ${exitAfterCloseMs.toFixed(0)} ms after close()`);
    expect(out).toContain('CLOSED');
    expect(code).toBe(0);
    expect(closingAt).toBeGreaterThan(0);
    expect(exitAfterCloseMs).toBeLessThan(3_000);
    expect(emu.counters().logouts).toBe(1);
  }, 40_000);

  it('src/ (except src/cli) registers no process handler and never names NODE_TLS_REJECT_UNAUTHORIZED', () => {
    const files = filesUnder('src').filter((f) => f.endsWith('.ts') && !f.startsWith(join('src', 'cli')));
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((f) => /process\s*\.\s*(on|once|addListener|prependListener)\s*\(|NODE_TLS_REJECT_UNAUTHORIZED/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
