// `serve --record FILE` (issue 17): the wallboard's client journals every frame; killed (SIGKILL) mid-day and started
// again 5 s later with the same journal, it serves the figures it had (a warm start), and /summary says a restart
// gap of at least those 5 s is in them. Child processes, real sockets.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { coverageNote } from '../../src/serve/coverage-note.js';
import { runCli, type CliRun } from '../cli/cli-process.js';
import { waitFor } from '../connection/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-serve-record-'));
let emu: Emulator | undefined;
const runs: CliRun[] = [];
afterAll(async () => {
  for (const r of runs) r.stop('SIGKILL');
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(config: string, journal: string): Promise<{ run: CliRun; url: string }> {
  const run = runCli(['serve', '--config', config, '--port', '0', '--record', journal]);
  runs.push(run);
  await run.waitFor('the wallboard address', (o) => /^wallboard: http/m.test(o.stdout), 30_000);
  const url = /^wallboard: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(run.stdout())?.[1] ?? '';
  return { run, url };
}
/** The served summary; undefined before the first, or once the server is gone (a poll may outlive it). */
const view = async (url: string): Promise<AcdSummary | undefined> => {
  try {
    const r = await fetch(`${url}/summary`);
    return r.status === 200 ? ((await r.json()) as AcdSummary) : undefined;
  } catch {
    return undefined;
  }
};

describe('serve --record', () => {
  it('a kill -9 and a restart 5 s later keep the figures, with the restart gap in the coverage', async () => {
    emu = await startEmulator({ port: 0, sessionTimeoutSeconds: 2, centre: { seed: 11, speed: 30, warm: true, arrivalPerHour: 240 } });
    const config = join(dir, 'pbx.json');
    writeFileSync(config, JSON.stringify({ ...emu.clientConfig(), log: { file: null } }), { mode: 0o600 });
    const journal = join(dir, 'serve.ndjson');
    const first = await serve(config, journal);
    let before: AcdSummary | undefined;
    await waitFor('calls on the first wallboard', () => {
      void view(first.url).then((v) => (before = v ?? before));
      return (before?.totalInboundCalls ?? 0) >= 3;
    }, 40_000);
    first.run.stop('SIGKILL');
    await first.run.exited;
    await sleep(5000);
    const second = await serve(config, journal);
    let after: AcdSummary | undefined;
    await waitFor('the restart in the coverage', () => {
      void view(second.url).then((v) => (after = v ?? after));
      return (after?.coverage.restarts ?? 0) === 1;
    }, 30_000);
    if (before === undefined || after === undefined) throw new Error('no summary');
    console.log(`serve --record: ${before.totalInboundCalls} inbound before the kill, ${after.totalInboundCalls} after the restart; gap ${after.coverage.gapSeconds} s`);
    expect(after.totalInboundCalls).toBeGreaterThanOrEqual(before.totalInboundCalls);
    expect(after.coverage.since).toBe(before.coverage.since);
    expect(after.coverage.gapSeconds).toBeGreaterThanOrEqual(5);
    expect(coverageNote(after.coverage)).toMatch(/1 gap of \d+\.\d s unseen, 1 restart/);
    second.run.stop();
    expect((await second.run.exited).code).toBe(0);
  }, 120_000);
});
