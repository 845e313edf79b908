// "Already Login" after a crash, for real (issue 14, R7): a child process holding the session is SIGKILLed (no
// logout, no token file); a new client with the README defaults for the login policy is refused with "Already
// Login" until the emulator frees the dead session (its session timeout, short here), and must get in within 15 s
// of that instant without spending its login budget. The long lifetimes (30, 81, 120 s) are proven on virtual time
// in marbles/already-login-recovery.test.ts.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createConnection, type PbxConnection } from '../../src/socket/connection.js';
import { memoryLogger, recordStates, testConfig, waitFor } from './helpers.js';

const SESSION_SECONDS = 6;

let emu: Emulator | undefined;
let conn: PbxConnection | undefined;
afterEach(async () => {
  await conn?.close();
  await emu?.stop();
  conn = undefined;
  emu = undefined;
});

describe('"Already Login" after a crash (real processes and sockets)', () => {
  it(`a SIGKILLed client's successor gets in within 15 s of the emulator freeing the session (timeout ${SESSION_SECONDS} s)`, async () => {
    const freedAt: number[] = [];
    emu = await startEmulator({
      port: 0,
      timeAndDate: false,
      sessionTimeoutSeconds: SESSION_SECONDS,
      logger: (line) => {
        if (/session of acd ended \(expired\)/.test(line)) freedAt.push(performance.now());
      },
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/connection/fixtures/hold-session.ts'], {
      env: { ...process.env, EMU_PORT: String(emu.port), EMU_FP: emu.fingerprint256 },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => { resolve(); }));
    await waitFor(`child open (${out})`, () => out.includes('OPEN'), 30_000);
    const e = emu;
    expect(e.counters()).toMatchObject({ logins: 1, socketsOpen: 1 });
    child.kill('SIGKILL');
    await exited;
    await waitFor('the emulator saw the socket go', () => e.counters().socketsOpen === 0);
    const killedAt = performance.now();

    // The successor: the README's login policy (loginRetryBaseMs 2 s, alreadyLoginRetryCapMs 10 s, give-up 130 s,
    // budget 10), test-sized socket timings.
    const cfg = testConfig(e.port, e.fingerprint256, { session: { ...DEFAULT_CONFIG.session } });
    conn = createConnection(cfg, { logger: memoryLogger() });
    const errors: unknown[] = [];
    conn.frames$.subscribe({ error: (err: unknown) => errors.push(err) });
    const rec = recordStates(conn);
    await waitFor('refused with "Already Login"', () => e.counters().alreadyLogin >= 1, 10_000);
    await waitFor(`successor open (errors: ${errors.map(String).join()})`, () => rec.states.some((s) => s.kind === 'open'), 60_000);
    const openedAt = rec.stamps[rec.states.findIndex((s) => s.kind === 'open')] ?? 0;
    const freed = freedAt[0] ?? Number.NaN;
    const lateMs = openedAt - freed;
    const stats = conn.session.stats();
    console.log(
      `crash recovery: session freed ${(freed - killedAt).toFixed(0)} ms after the kill (timeout ${SESSION_SECONDS} s); successor open ` +
        `${lateMs.toFixed(0)} ms after the session freed; ${stats.alreadyLoginRefusals} "Already Login" refusals, ` +
        `${stats.loginFailures - stats.alreadyLoginRefusals} failures counted against the budget`,
    );
    expect(errors).toEqual([]);
    expect(freedAt).toHaveLength(1);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(15_000);
    expect(stats.logins).toBe(1);
    expect(stats.alreadyLoginRefusals).toBeGreaterThanOrEqual(1);
    expect(stats.loginFailures - stats.alreadyLoginRefusals).toBe(0);
    expect(e.counters()).toMatchObject({ logins: 2, socketsOpen: 1 });
  }, 90_000);
});
