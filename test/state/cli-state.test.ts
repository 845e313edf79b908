// The state keys through the configuration codec (errors name the file, the key and what was expected) and the
// CLI's `--state-file`: `ipecs-rx watch` in a child process writes its checkpoint on Ctrl-C and the next run says
// on stderr that it restored it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeCheckpoint } from '../../src/metrics/checkpoint.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { withStateFile } from '../../src/cli/source.js';
import { runCli } from '../cli/cli-process.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'ipecs-state-cli-'));
const server = { host: 'pbx.example', userId: 'acd', password: 'acd' };

function confFile(body: unknown): string {
  const file = join(dir(), 'ipecs.conf');
  writeFileSync(file, JSON.stringify(body), { mode: 0o600 });
  return file;
}

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

describe('state configuration', () => {
  it('defaults to no checkpoint every 10 s; a bad value names the file, the key and what was expected', () => {
    expect(loadConfig({ server }, {}).config.state).toEqual({ checkpointMs: 10_000 });
    const file = confFile({ server, state: { file: '', checkpointMs: 0 } });
    let error: unknown;
    try {
      loadConfig({ configFile: file }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}: state.checkpointMs: expected a positive integer (milliseconds), found the number 0`);
    expect(message).toContain(`${file}: state.file: expected a non-empty string or null`);
    const typo = loadConfig({ configFile: confFile({ server, state: { checkpointMS: 5000 } }) }, {});
    expect(typo.warnings.join('\n')).toMatch(/unknown key "state.checkpointMS" ignored \(did you mean "state.checkpointMs"\?\)/);
  });

  it('--state-file goes over the file, and over an object input', () => {
    const file = confFile({ server, state: { file: '/var/lib/a.json', checkpointMs: 500 } });
    expect(loadConfig(withStateFile({ configFile: file }, '/tmp/b.json'), {}).config.state).toEqual({ file: '/tmp/b.json', checkpointMs: 500 });
    expect(loadConfig(withStateFile({ configFile: file }, undefined), {}).config.state.file).toBe('/var/lib/a.json');
    expect(loadConfig(withStateFile({ server }, '/tmp/c.json'), {}).config.state).toEqual({ ...DEFAULT_CONFIG.state, file: '/tmp/c.json' });
  });

  it('ipecs-rx watch --state-file: checkpointed on Ctrl-C, restored (and said so) by the next run', async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false });
    const e = emu;
    const d = dir();
    const stateFile = join(d, 'figures.json');
    const config = confFile({ server: { host: e.host, port: e.port, userId: 'acd', password: 'acd' }, tls: { fingerprint256: e.fingerprint256 }, log: { file: null }, session: { tokenFile: join(d, 'token') } });
    const first = runCli(['watch', '--config', config, '--state-file', stateFile, '--json', '--refresh', '100']);
    await first.waitFor('the first summary', (o) => o.stdout.includes('"stationsConnected"'));
    await e.playScenario('inbound-answered', { speed: 50 });
    await first.waitFor('the call in the figures', (o) => o.stdout.includes('"totalInboundCalls":1'));
    first.stop('SIGINT');
    expect((await first.exited).code).toBe(0);
    const saved = decodeCheckpoint(readFileSync(stateFile, 'utf8'), DEFAULT_CONFIG.metrics);
    expect(saved.ok && saved.checkpoint.state.totalInboundCalls).toBe(1);

    const second = runCli(['watch', '--config', config, '--state-file', stateFile, '--json', '--refresh', '100']);
    await second.waitFor('the restored figures', (o) => o.stdout.includes('"totalInboundCalls":1'));
    expect(second.stderr()).toContain(`ipecs-rx watch: figures restored from ${stateFile}`);
    second.stop('SIGINT');
    expect((await second.exited).code).toBe(0);
  }, 60_000);
});
