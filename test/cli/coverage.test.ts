// Coverage on the terminal (issue 17): `demo` and `watch` say plainly since when their figures are complete and
// that agents appear as they act; `watch` against a centre already mid-day names the agents that logged in before it
// started (child processes, real sockets).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { runCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-coverage-cli-'));
let emu: Emulator | undefined;
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('coverage on the terminal', () => {
  it('demo: "figures since HH:MM; agents appear as they act"', async () => {
    const run = runCli(['demo', '--refresh', '200', '--speed', '30']);
    try {
      await run.waitFor('a summary with its coverage', (o) => /^Coverage: /m.test(o.stdout), 40_000);
    } finally {
      run.stop();
    }
    await run.exited;
    expect(run.stdout()).toMatch(/^Coverage: figures since \d\d:\d\d; agents appear as they act/m);
  });

  it('watch against a centre mid-day: the agents that act without a login seen are named as not counted', async () => {
    emu = await startEmulator({ port: 0, centre: { seed: 7, speed: 1, warm: true } });
    const config = join(dir, 'pbx.json');
    writeFileSync(config, JSON.stringify({ ...emu.clientConfig(), log: { file: null } }), { mode: 0o600 });
    const run = runCli(['watch', '--config', config, '--refresh', '200']);
    const e = emu;
    try {
      await run.waitFor('connected', (o) => /— connected/.test(o.stdout), 30_000);
      e.advanceClock(5400); // agents take breaks and log out: they act
      await run.waitFor('an agent logged in before the start', (o) => /agents? logged in before the start \(not counted\)/.test(o.stdout), 30_000);
    } finally {
      run.stop();
    }
    await run.exited;
    expect(run.stdout()).toMatch(/^Coverage: figures since \d\d:\d\d; agents appear as they act; \d+ agents? logged in before the start \(not counted\)/m);
  });
});
