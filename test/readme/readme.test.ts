// prerequisites: checked per test
// The README runs (issue 20, item 2): every code block of README.md is extracted and run against the emulator, so
// the README cannot rot.
//
// - `ts` blocks are type-checked together (the project's strict options; `ipecs-rx` resolves to src/) and each is
//   run as a program (node --import tsx) in a folder holding the `ipecs.conf` a user would have saved from
//   `ipecs-rx emulate`: it must print, stop cleanly on Ctrl-C (or end by itself) with exit code 0, leave no session
//   logged in on the PBX, print no stack trace. A block marked `"fatal": true` is run once more with a wrong
//   password: it must end by itself with exit code 1 and one line, not an unhandled error.
//   A comment right before a block says how to run it: `<!-- readme-test: {"until": "REGEX"} -->` (print this,
//   then Ctrl-C), `{"ends": true}`, `{"stopAfterMs": N}`, `{"fatal": true}`, `{"needs": "nats"}`.
// - `sh` blocks: every command line must be in SH_COMMANDS below, which says how it runs here (with the
//   emulator's address instead of a PBX's, `node bin/ipecs-rx.js` for `npx ipecs-rx`, port 0 for a fixed one),
//   or why it does not (`npm test` itself). A README line that is not in the table fails this test.
// - `json` blocks must parse; `ini` blocks are configuration for other programs (systemd) and are not run; `conf`
//   blocks are nats-server configurations, each checked by `nats-server -t` (its store folder pointed at a temp one).
// The wallboard README's settings block must decode as wallboard settings.
//
// Blocks that need nats-server run only where it is installed (one loud line otherwise; a failure under CI=true).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { decodeServeSettings } from '../../src/serve/settings.js';
import { prerequisite } from '../prerequisites.js';
import { startNatsServer, type NatsServer } from '../bridge/nats-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin', 'ipecs-rx.js');

interface BlockOptions {
  /** Wait for this on stdout (a RegExp source) and for the client's socket, then Ctrl-C. */
  readonly until?: string;
  /** The program ends by itself. */
  readonly ends?: boolean;
  /** Ctrl-C after this many ms. */
  readonly stopAfterMs?: number;
  /** Run it again with a wrong password: it must exit 1 by itself, with no stack trace. */
  readonly fatal?: boolean;
  readonly needs?: 'nats';
}

interface Block {
  readonly n: number;
  readonly lang: string;
  readonly code: string;
  /** The README line of the opening fence. */
  readonly line: number;
  readonly options: BlockOptions;
}

/** The fenced code blocks of a Markdown text, with the `readme-test` comment right before each, if any. */
export function codeBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)/.exec(lines[i] ?? '');
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !(lines[i] ?? '').startsWith('```'); i++) body.push(lines[i] ?? '');
    const before = /^<!-- readme-test: (.*) -->$/.exec(lines[start - 1] ?? '');
    blocks.push({ n: blocks.length + 1, lang: open[1] ?? '', code: `${body.join('\n')}\n`, line: start + 1, options: before === null ? {} : (JSON.parse(before[1] ?? '{}') as BlockOptions) });
  }
  return blocks;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = codeBlocks(readme);
const tsBlocks = blocks.filter((b) => b.lang === 'ts');
const shLines = blocks
  .filter((b) => b.lang === 'sh')
  // A line ending in a backslash continues on the next (one command).
  .flatMap((b) => b.code.replace(/\\\n\s*/g, '').split('\n').map((l) => ({ block: b, text: l.replace(/\s+#.*$/, '').trim() })))
  .filter((l) => l.text !== '' && !l.text.startsWith('#'));

/** How each shell command of the README runs here. `cmd` gets the test's folder, the emulator and NATS. */
interface ShCommand {
  readonly match: RegExp;
  readonly skip?: string;
  readonly needs?: 'nats';
  readonly run?: (ctx: Ctx) => { cmd: string; cwd: string; until?: RegExp; check?: (r: Ran) => void; byCtrlC?: boolean };
}
interface Ctx {
  readonly dir: string;
  readonly emu: Emulator;
  readonly natsUrl: string | undefined;
  readonly line: string;
}
const cli = (line: string): string => line.replace(/^(npx )?ipecs-rx /, `node ${BIN} `);
const SH_COMMANDS: readonly ShCommand[] = [
  {
    match: /^npm install && npm start$/,
    // npm install is what this test suite runs in; npm start is run as the README says, until its first figure.
    // Ctrl-C reaches npm too, which then ends by the signal (as in a terminal); the demo itself logs out.
    run: () => ({
      cmd: 'npm start --silent',
      cwd: root,
      until: /^Calls in queue +\d+/m,
      byCtrlC: true,
      check: (r) => {
        expect(r.stderr).toMatch(/^ipecs-rx demo: stopped: logged out, socket closed$/m);
      },
    }),
  },
  { match: /^npm test$/, skip: 'this test runs inside npm test' },
  {
    match: /^npx ipecs-rx serve --demo --port 8080$/,
    run: ({ dir, line }) => ({ cmd: cli(line).replace('--port 8080', '--port 0'), cwd: dir, until: /^wallboard: http:\/\/127\.0\.0\.1:\d+\//m }),
  },
  {
    match: /^npx ipecs-rx serve --config ipecs\.conf --record today\.ndjson --port 8080$/,
    // Stopped by --duration, not at its first line: its socket is open by then, so it logs out of the shared emulator.
    run: ({ dir, line }) => ({ cmd: `${cli(line).replace('--port 8080', '--port 0')} --duration 3`, cwd: dir, check: ({ stdout }) => {
        expect(stdout).toMatch(/^wallboard: http:\/\/127\.0\.0\.1:\d+\//m);
      },
    }),
  },
  {
    match: /^npx ipecs-rx record --config ipecs\.conf --out day\.ndjson --duration \d+$/,
    run: ({ dir, line }) => ({ cmd: cli(line), cwd: dir, check: ({ stdout }) => {
        expect(stdout).toMatch(/^recorded \d+ frames/m);
      },
    }),
  },
  {
    match: /^npx ipecs-rx replay day\.ndjson$/,
    run: ({ dir, line }) => ({ cmd: cli(line), cwd: dir, check: ({ stdout }) => {
        expect(stdout).toMatch(/^final: /m);
      },
    }),
  },
  {
    match: /^openssl s_client -connect 10\.0\.0\.5:8743 /,
    run: ({ dir, emu, line }) => ({
      cmd: line.replace('10.0.0.5:8743', `${emu.host}:${String(emu.port)}`),
      cwd: dir,
      // The fingerprint it prints is the one the emulator reports: what goes in tls.fingerprint256.
      check: ({ stdout }) => {
        expect(stdout.trim()).toBe(`sha256 Fingerprint=${emu.fingerprint256}`);
      },
    }),
  },
  {
    match: /^ipecs-rx bridge --config \/etc\/ipecs\/leeds\.conf --site leeds --nats nats:\/\/nats\.example:4222$/,
    needs: 'nats',
    run: ({ dir, natsUrl, line }) => ({ cmd: `${cli(line).replace('/etc/ipecs/leeds.conf', 'ipecs.conf').replace('nats://nats.example:4222', natsUrl ?? '')} --duration 3 --spool none`, cwd: dir }),
  },
  {
    match: /^ipecs-rx bridge --config \/etc\/ipecs\/leeds\.conf --site leeds --replicas 3 --nats nats:\/\/nats1\.example:4222,nats:\/\/nats2\.example:4222,nats:\/\/nats3\.example:4222$/,
    skip: 'needs a three-node cluster: test/bridge/cluster.test.ts runs the bridge with three seed URLs and --replicas 3',
  },
  {
    match: /^ipecs-rx bridge --config sites\.json --nats nats:\/\/nats\.example:4222$/,
    needs: 'nats',
    // sites.json as the README's comment shows it, its two files on the emulator's two accounts.
    run: ({ dir, natsUrl, line }) => ({ cmd: `${cli(line).replace('nats://nats.example:4222', natsUrl ?? '')} --duration 3 --spool none`, cwd: dir }),
  },
];

const dir = mkdtempSync(join(tmpdir(), 'ipecs-readme-'));
const good = join(dir, 'good');
const bad = join(dir, 'bad');
let emu: Emulator;
let nats: NatsServer | undefined;
const natsFound = prerequisite('nats-server').found();
const CI = process.env.CI === 'true';
if (!natsFound) {
  if (CI) throw new Error('CI=true: nats-server is not installed: the README blocks that need it cannot run. Install it with: apt-get install -y nats-server');
  console.warn('\n*** README test: SKIPPING the blocks that need nats-server (not installed). Install it with: apt-get install -y nats-server ***\n');
}

/** A folder as a user's project would be: package.json (ES modules), ipecs.conf, node_modules, `ipecs-rx` → src/. */
function project(path: string, password: string): void {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(join(root, 'node_modules'), join(path, 'node_modules'), 'dir');
  const cfg = emu.clientConfig();
  writeFileSync(join(path, 'ipecs.conf'), JSON.stringify({ ...cfg, server: { ...cfg.server, password }, log: { file: null } }, null, 2), { mode: 0o600 });
  const york = emu.clientConfig({ userId: 'york' });
  writeFileSync(join(path, 'leeds.conf'), JSON.stringify({ ...cfg, log: { file: null } }), { mode: 0o600 });
  writeFileSync(join(path, 'york.conf'), JSON.stringify({ ...york, log: { file: null } }), { mode: 0o600 });
  writeFileSync(join(path, 'sites.json'), JSON.stringify({ sites: [{ id: 'leeds', configFile: 'leeds.conf' }, { id: 'york', configFile: 'york.conf' }] }));
  writeFileSync(
    join(path, 'tsconfig.json'),
    JSON.stringify({
      extends: join(root, 'tsconfig.json'),
      compilerOptions: { rootDir: '/', noEmit: true, paths: { 'ipecs-rx': [join(root, 'src/index.ts')], 'ipecs-rx/emulator': [join(root, 'src/emulator/index.ts')] } },
      include: ['*.ts'],
    }),
  );
  for (const b of tsBlocks) writeFileSync(join(path, `block-${String(b.n)}.ts`), b.code);
}

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    centre: { seed: 2, speed: 30 },
    accounts: [
      { userId: 'acd', password: 'acd', kind: 'server' },
      { userId: 'york', password: 'york', kind: 'server' },
    ],
  });
  project(good, 'acd');
  project(bad, 'wrong');
  if (natsFound) nats = await startNatsServer();
}, 60_000);

afterAll(async () => {
  await nats?.stop();
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The environment of every program: no IPECS_* of this machine, logs in the test's folder, NATS if any. */
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IPECS_') && k !== 'NODE_OPTIONS'));
  return { ...e, XDG_STATE_HOME: join(dir, 'state'), ...(nats === undefined ? {} : { NATS_URL: nats.url }) };
}

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `argv` (or a shell command line) in `cwd`; with `until`, waits for it on stdout (and `ready()`), then sends
 * SIGINT to its process group; with `stopAfterMs`, SIGINT after that long. Killed after `ms`.
 */
async function run(
  command: { argv: readonly string[] } | { sh: string },
  cwd: string,
  opts: { until?: RegExp; ready?: () => boolean; stopAfterMs?: number; ms?: number; exec?: readonly string[] } = {},
): Promise<Ran> {
  const [program, ...programArgs] = opts.exec ?? [process.execPath, ...('argv' in command ? command.argv : [])];
  const child = 'sh' in command ? spawn('bash', ['-c', command.sh], { cwd, env: env(), detached: true }) : spawn(program ?? process.execPath, programArgs, { cwd, env: env(), detached: true });
  let stdout = '';
  let stderr = '';
  const signal = (s: NodeJS.Signals): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, s);
      } catch {
        // already gone
      }
    }
  };
  let stopped = false;
  const check = (): void => {
    if (!stopped && opts.until !== undefined && opts.until.test(stdout) && (opts.ready?.() ?? true)) {
      stopped = true;
      signal('SIGINT');
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // The client's socket opens a little after its first output: look again until then.
  const poll = opts.ready === undefined ? undefined : setInterval(check, 50);
  const stopper = opts.stopAfterMs === undefined ? undefined : setTimeout(() => { signal('SIGINT'); }, opts.stopAfterMs);
  const killer = setTimeout(() => { signal('SIGKILL'); }, opts.ms ?? 45_000);
  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, sg) => { resolve([c, sg]); }));
  clearTimeout(killer);
  if (stopper) clearTimeout(stopper);
  if (poll) clearInterval(poll);
  return { code, signal: sig, stdout, stderr };
}

const noStackTrace = (r: Ran): void => {
  expect(r.stderr, r.stderr).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  expect(r.stderr, r.stderr).not.toMatch(/unhandled/i);
};

/** Resolves when every session the programs opened has been logged out again. */
async function sessionsClosed(): Promise<void> {
  const until = Date.now() + 10_000;
  while (emu.counters().logins !== emu.counters().logouts) {
    if (Date.now() > until) throw new Error(`sessions left logged in on the PBX: ${JSON.stringify(emu.counters())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('README.md code blocks', () => {
  it('has the blocks this test knows how to run, and every shell line is in SH_COMMANDS', () => {
    expect(tsBlocks.length).toBeGreaterThanOrEqual(5);
    expect(shLines.length).toBeGreaterThanOrEqual(8);
    for (const b of blocks) expect(['ts', 'sh', 'json', 'ini', 'conf', ''], `README line ${String(b.line)}: a \`${b.lang}\` block`).toContain(b.lang);
    for (const l of shLines) expect(SH_COMMANDS.filter((c) => c.match.test(l.text)).map((c) => c.match.source), `README line ${String(l.block.line)}: \`${l.text}\` is not in SH_COMMANDS`).toHaveLength(1);
    for (const b of tsBlocks) expect(b.options.until !== undefined || b.options.ends === true || b.options.stopAfterMs !== undefined, `README line ${String(b.line)}: say how to run it (readme-test comment)`).toBe(true);
    for (const b of blocks.filter((x) => x.lang === 'json')) expect(() => JSON.parse(b.code) as unknown).not.toThrow();
  });

  for (const b of blocks.filter((x) => x.lang === 'conf')) {
    it.skipIf(!natsFound)(`README line ${String(b.line)}: nats-server -t accepts the configuration`, async () => {
      const file = join(good, `nats-${String(b.line)}.conf`);
      writeFileSync(file, b.code.replace(/store_dir: "[^"]*"/g, `store_dir: "${join(good, `js-${String(b.line)}`)}"`));
      const r = await run({ argv: [] }, good, { ms: 20_000, exec: ['nats-server', '-t', '-c', file] });
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    }, 30_000);
  }

  it('the ts blocks type-check (strict, as the project is)', () => {
    const parsed = ts.getParsedCommandLineOfConfigFile(join(good, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    if (parsed === undefined) throw new Error('no tsconfig');
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || d.file.fileName.startsWith(good))
      .map((d) => `${d.file === undefined ? '' : `${d.file.fileName.replace(`${good}/`, '')}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 120_000);

  for (const b of tsBlocks) {
    const where = `README line ${String(b.line)}`;
    const skip = b.options.needs === 'nats' && !natsFound;
    it.skipIf(skip)(`${where}: runs against the emulator, stops cleanly, leaves no session behind`, async () => {
      const opened = emu.counters().socketsOpened;
      const r = await run({ argv: ['--import', 'tsx', `block-${String(b.n)}.ts`] }, good, {
        ...(b.options.until === undefined ? {} : { until: new RegExp(b.options.until, 'm'), ready: () => emu.counters().socketsOpened > opened }),
        ...(b.options.stopAfterMs === undefined ? {} : { stopAfterMs: b.options.stopAfterMs }),
      });
      noStackTrace(r);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      if (b.options.until !== undefined) expect(r.stdout).toMatch(new RegExp(b.options.until, 'm'));
      await sessionsClosed();
    }, 60_000);
    if (b.options.fatal === true) {
      it(`${where}: with a wrong password it ends by itself, exit code 1, one line, no unhandled error`, async () => {
        const r = await run({ argv: ['--import', 'tsx', `block-${String(b.n)}.ts`] }, bad, { ms: 30_000 });
        noStackTrace(r);
        expect(r.stderr.trim().split('\n').filter((l) => /^(stopped|failed):/.test(l)), r.stderr).toHaveLength(1);
        expect(r.stderr).toMatch(/^(stopped|failed): login refused: invalid user id or password/m);
        expect(r.code).toBe(1);
      }, 40_000);
    }
  }

  describe('shell lines', () => {
    for (const l of shLines) {
      const how = SH_COMMANDS.find((c) => c.match.test(l.text));
      const skip = how === undefined || how.skip !== undefined || (how.needs === 'nats' && !natsFound);
      it.skipIf(skip)(`README line ${String(l.block.line)}: ${l.text}`, async () => {
        if (how?.run === undefined) throw new Error('not runnable');
        const { cmd, cwd, until, check, byCtrlC } = how.run({ dir: good, emu, natsUrl: nats?.url, line: l.text });
        const r = await run({ sh: cmd }, cwd, until === undefined ? {} : { until });
        noStackTrace(r);
        if (byCtrlC === true && r.code === null) expect(r.signal).toBe('SIGINT');
        else expect(r.code, `${cmd}\n${r.stdout}\n${r.stderr}`).toBe(0);
        if (until !== undefined) expect(r.stdout).toMatch(until);
        check?.(r);
        await sessionsClosed();
      }, 60_000);
    }
  });
});

describe('res/wallboard/README.md', () => {
  it('its settings example decodes as wallboard settings', () => {
    const settings = codeBlocks(readFileSync(join(root, 'res/wallboard/README.md'), 'utf8')).filter((b) => b.lang === 'json');
    expect(settings).toHaveLength(1);
    const r = decodeServeSettings(JSON.parse(settings[0]?.code ?? '') as unknown);
    expect('settings' in r && r.settings.agentNames).toEqual({ '0001': 'Alice Martin', '1002': 'Bob Osei' });
    expect(existsSync(join(root, 'docs/wallboard/busy-1080p-live.png'))).toBe(true);
  });
});
