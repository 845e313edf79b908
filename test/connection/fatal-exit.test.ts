// Fail loudly, release everything (issue 14, item 5; architecture "Fail loudly at the edge"): a child process whose
// client stops on a fatal error (bad credentials, pin mismatch, untrusted certificate, login budget spent) exits by
// itself within 100 ms of the error, and the host saw the fatal signal: the error on the streams and a final
// `closed` state marked `fatal` with the error's code.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, timeAndDate: false });
});
afterAll(async () => {
  await emu.stop();
});

interface ChildRun {
  readonly code: number | null;
  readonly exitDelayMs: number;
  readonly fatal: string;
  readonly states: { kind: string; reason?: string; fatal?: boolean; errorCode?: string }[];
}

function runChild(kind: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/connection/fixtures/fatal-exits.ts'], {
      env: { ...process.env, EMU_PORT: String(emu.port), EMU_FP: emu.fingerprint256, FATAL_KIND: kind },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      const exitedAt = performance.timeOrigin + performance.now();
      clearTimeout(deadline);
      const m = /^FATAL (\d+\.\d+) (.*)$/m.exec(out);
      const states = [...out.matchAll(/^STATE (.*)$/gm)].map((x) => JSON.parse(x[1] ?? '{}') as ChildRun['states'][number]);
      resolve({ code, exitDelayMs: m === null ? Number.NaN : exitedAt - Number(m[1]), fatal: m?.[2] ?? `no FATAL line in: ${out}`, states });
    });
  });
}

describe('a fatal error releases every timer', () => {
  for (const [kind, code, setup] of [
    ['credentials', 'AUTH_INVALID_CREDENTIALS', (): void => undefined],
    ['pin', 'TLS_PIN_MISMATCH', (): void => undefined],
    ['untrusted', 'TLS_UNTRUSTED', (): void => undefined],
    ['budget', 'LOGIN_BUDGET_EXHAUSTED', (): void => { emu.faults.refuseLogins(60, { as: 'unavailable' }); }],
  ] as const) {
    it(`${kind}: the child exits by itself within 100 ms of the error (${code})`, async () => {
      setup();
      const r = await runChild(kind);
      emu.faults.refuseLogins(0);
      console.log(`fatal ${kind}: child exited ${r.exitDelayMs.toFixed(1)} ms after the error (${r.fatal})`);
      expect(r.fatal).toContain(code);
      expect(r.code).toBe(0); // the library never exits for the host: the host had nothing left to do
      expect(r.exitDelayMs).toBeGreaterThanOrEqual(0);
      expect(r.exitDelayMs).toBeLessThan(100);
      // The fatal signal on connection$: the last state is `closed`, marked fatal, with the error's code.
      expect(r.states.at(-1)).toMatchObject({ kind: 'closed', fatal: true, errorCode: code });
    }, 40_000);
  }
});
