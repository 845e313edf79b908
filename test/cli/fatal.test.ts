// The CLI fails loudly (issue 20, item 1), from the outside: every long-running subcommand, run as a child process
// against the emulator, with each fatal condition ends with its non-zero exit code and ONE line on stderr naming
// the cause, and never with "stopped: logged out" or exit 0. A closed port is not fatal: the screen says why it
// cannot connect, within 5 s, and counts the attempts. Configuration warnings reach stderr in every subcommand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { EXIT } from '../../src/cli/exit.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { encodeHeader, JOURNAL_VERSION } from '../../src/journal/format.js';
import { runCli, runCliToEnd } from './cli-process.js';
import { freePort } from '../ports.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-cli-fatal-'));
// Logs go to the per-user state folder: keep them in the test's folder.
const env = { XDG_STATE_HOME: join(dir, 'state') };
let emu: Emulator;
let refusing: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, centre: false });
  refusing = await startEmulator({ port: 0, centre: false });
  refusing.faults.refuseLogins(3600, { as: 'unavailable' }); // 503s: failures the budget counts ("Already Login" has its own window)
});
afterAll(async () => {
  await emu.stop();
  await refusing.stop();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** Writes a configuration file (mode 0600: no permission warning) and returns its path. */
function configFile(config: unknown): string {
  const file = join(dir, `c${++files}.conf`);
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

/** A valid-looking pin of another certificate: the emulator's own with its first byte changed. */
const otherPin = (pin: string): string => (pin.startsWith('00') ? `11${pin.slice(2)}` : `00${pin.slice(2)}`);

interface Condition {
  readonly name: string;
  readonly config: () => unknown;
  readonly code: number;
  /** The one stderr line. */
  readonly line: RegExp;
}

const CONDITIONS: readonly Condition[] = [
  {
    name: 'wrong credentials',
    config: () => ({ ...emu.clientConfig(), server: { ...emu.clientConfig().server, password: 'wrong' } }),
    code: EXIT.refused,
    line: /^ipecs-rx \w+: stopped: login refused: invalid user id or password .*\[AUTH_INVALID_CREDENTIALS\]; check server\.userId and server\.password/,
  },
  {
    name: 'an untrusted certificate',
    config: () => ({ server: emu.clientConfig().server }),
    code: EXIT.config,
    line: /^ipecs-rx \w+: stopped: the server certificate is not trusted \(\w+\); set tls\.caFile and\/or tls\.fingerprint256.*\[TLS_UNTRUSTED\]/,
  },
  {
    name: 'a pin mismatch',
    config: () => ({ ...emu.clientConfig(), tls: { fingerprint256: otherPin(emu.fingerprint256) } }),
    code: EXIT.config,
    line: /^ipecs-rx \w+: stopped: server certificate fingerprint [0-9A-F:]+ does not match the configured pin \[TLS_PIN_MISMATCH\]; no credential was sent/,
  },
  {
    name: 'the login budget spent',
    config: () => ({ ...refusing.clientConfig(), session: { loginBudget: 2, loginRetryBaseMs: 50, loginRetryCapMs: 100 } }),
    code: EXIT.refused,
    line: /^ipecs-rx \w+: stopped: 2 login attempts within 600000 ms failed; stopping so the account is not locked .*\[LOGIN_BUDGET_EXHAUSTED\]/,
  },
  {
    name: 'a configuration error',
    config: () => ({ ...emu.clientConfig(), socket: { heartbeatIntervalMs: 'often' } }),
    code: EXIT.config,
    line: /^ipecs-rx \w+: stopped: Invalid configuration \(1 problem\):\n {2}- .*c\d+\.conf: socket\.heartbeatIntervalMs: expected .*, found the string "often"$/,
  },
];

const COMMANDS: readonly { readonly name: string; readonly args: (config: string) => string[] }[] = [
  { name: 'watch', args: (config) => ['watch', '--config', config] },
  { name: 'serve', args: (config) => ['serve', '--config', config, '--port', '0'] },
  { name: 'record', args: (config) => ['record', '--config', config, '--out', join(dir, `r${++files}.ndjson`)] },
];

describe('ipecs-rx fails loudly on every fatal error (child processes)', () => {
  for (const { name: command, args } of COMMANDS) {
    describe(command, () => {
      it.concurrent.each(CONDITIONS.map((c) => [c.name, c] as const))('%s: its exit code and one stderr line', async (_name, condition) => {
        const { code, stderr, stdout } = await runCliToEnd(args(configFile(condition.config())), { env });
        const lines = stderr.trimEnd().split('\n');
        const fatal = lines.filter((l) => l.includes(': stopped:'));
        expect(fatal, stderr).toHaveLength(1);
        // The fatal text is the last thing on stderr (a configuration error keeps its problem lines under it).
        expect(stderr.slice(stderr.indexOf(fatal[0] ?? '')).trimEnd(), stderr).toMatch(condition.line);
        expect(stderr).not.toMatch(/logged out/);
        expect(stderr).not.toMatch(/warning/);
        expect(code, `${stdout}\n${stderr}`).toBe(condition.code);
      });
    });
  }

  it('replay: a configuration error, and an unreadable journal', async () => {
    const bad = configFile({ ...emu.clientConfig(), metrics: { resetTime: '7am' } });
    const journal = join(dir, 'empty.ndjson');
    writeFileSync(journal, '');
    const r1 = await runCliToEnd(['replay', '--config', bad, journal], { env });
    expect(r1.stderr).toMatch(/^ipecs-rx replay: stopped: Invalid configuration \(1 problem\):\n {2}- .*: metrics\.resetTime: expected/);
    expect(r1.code).toBe(EXIT.config);
    const r2 = await runCliToEnd(['replay', join(dir, 'missing.ndjson')], { env });
    expect(r2.stderr.trimEnd()).toMatch(/^ipecs-rx replay: stopped: cannot read .*missing\.ndjson: ENOENT/);
    expect(r2.code).toBe(EXIT.failed);
  });

  it('demo: a usage error exits 2 with one line pointing to --help', async () => {
    const { code, stderr } = await runCliToEnd(['demo', '--speed', 'fast'], { env });
    expect(stderr.trimEnd()).toBe("ipecs-rx demo: --speed must be a number ≥ 0.01, not 'fast' (ipecs-rx demo --help lists every option)");
    expect(code).toBe(EXIT.usage);
  });
});


describe('ipecs-rx while it cannot connect', () => {
  it('watch on a closed port: the cause is on screen within 5 s, with the attempt count; Ctrl-C exits 0', async () => {
    const port = await freePort();
    const config = configFile({ server: { host: '127.0.0.1', port, userId: 'acd', password: 'acd' }, tls: { insecure: true }, session: { loginRetryBaseMs: 300, loginRetryCapMs: 600 } });
    const run = runCli(['watch', '--config', config, '--refresh', '200'], { env });
    try {
      const started = await run.waitFor('the "connecting to" line', (o) => o.stderr.includes(`ipecs-rx watch: connecting to 127.0.0.1:${port} as acd`));
      const shown = await run.waitFor('the cause on screen', (o) => /cannot connect \(1 failed attempt\): connection refused: nothing answers on that address and port \(ECONNREFUSED\)/.test(o.stdout), 5_000);
      expect(shown - started).toBeLessThan(5_000);
      await run.waitFor('the attempts counted', (o) => /cannot connect \([2-9] failed attempts\): connection refused/.test(o.stdout), 10_000);
      // tls.insecure is a configuration warning: it reaches stderr.
      expect(run.stderr()).toMatch(/ipecs-rx watch: warning: .*tls\.insecure is true/);
    } finally {
      run.stop();
    }
    const { code } = await run.exited;
    expect(run.stderr()).toMatch(/ipecs-rx watch: stopped: logged out, socket closed/);
    expect(code).toBe(0);
  });
});

describe('configuration warnings reach stderr in every subcommand', () => {
  it.concurrent.each([['watch'], ['serve'], ['record'], ['replay']])('%s', async (command) => {
    const config = configFile({ ...emu.clientConfig(), sokcet: {}, metrics: { tickMS: 500 } });
    const journal = join(dir, `w${++files}.ndjson`);
    const header = { journal: 'ipecs-rx', version: JOURNAL_VERSION, startedAt: Date.now(), metrics: DEFAULT_CONFIG.metrics, filters: DEFAULT_CONFIG.filters, maxFrameBytes: DEFAULT_CONFIG.socket.maxFrameBytes } as const;
    writeFileSync(journal, `${encodeHeader(header)}\n`);
    const args: Record<string, string[]> = {
      watch: ['watch', '--config', config, '--duration', '0.5'],
      serve: ['serve', '--config', config, '--port', '0', '--duration', '0.5'],
      record: ['record', '--config', config, '--out', journal, '--duration', '0.5'],
      replay: ['replay', '--config', config, journal],
    };
    const { code, stderr } = await runCliToEnd(args[command] ?? [], { env });
    expect(stderr).toMatch(new RegExp(`ipecs-rx ${command}: warning: .*unknown section "sokcet" ignored \\(did you mean "socket"\\?\\)`));
    expect(stderr).toMatch(new RegExp(`ipecs-rx ${command}: warning: .*unknown key "metrics.tickMS" ignored \\(did you mean "metrics.tickMs"\\?\\)`));
    expect(code).toBe(0);
  });
});
