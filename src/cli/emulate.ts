// `ipecs-rx emulate`: runs the iPECS emulator with the simulated centre until SIGINT/SIGTERM, and hands out the
// client configuration that reaches it (printed, and written to a file with --write-config).

import { writeFileSync } from 'node:fs';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';

const USAGE = `usage: ipecs-rx emulate [options]

Runs an iPECS Web API emulator (HTTPS + WSS, self-signed certificate) with a simulated contact centre, and prints
the client configuration that connects to it (host, port, account, certificate pin).

  --port N              port to listen on (default 8743; 0 = any free port)
  --host H              address to bind (default 127.0.0.1)
  --seed N              seed of the simulated centre (default 1)
  --speed N             simulated seconds per real second (default 1)
  --warm                start the centre mid-day: agents logged in, calls ringing, queued and connected
  --plain               plain HTTP + WS instead of HTTPS + WSS
  --no-centre           no simulated centre (inject events through /admin)
  --user ID             Web API account (default acd)
  --password P          its password (default acd)
  --timeout S           session timeout, checkConnectionTimer (default 120)
  --write-config FILE   also write the client configuration to FILE (mode 600; it holds the password), for
                        \`ipecs-rx watch --config FILE\` or connect({ configFile: FILE })
  --verbose             print what the emulator does
  --help                this text
`;

interface Parsed {
  readonly port: number;
  readonly host: string;
  readonly seed: number;
  readonly speed: number;
  readonly warm: boolean;
  readonly plain: boolean;
  readonly centre: boolean;
  readonly user: string;
  readonly password: string;
  readonly timeout: number;
  readonly writeConfig: string | undefined;
  readonly verbose: boolean;
  readonly help: boolean;
}

/** Parses the options; returns an error message for a bad one. */
export function parseEmulateArgs(args: readonly string[]): Parsed | string {
  const p = {
    port: 8743, host: '127.0.0.1', seed: 1, speed: 1, warm: false, plain: false, centre: true, user: 'acd', password: 'acd', timeout: 120,
    writeConfig: undefined as string | undefined, verbose: false, help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    const num = (name: string, min: number): number | string => {
      const v = value();
      const n = Number(v);
      return v === undefined || v === '' || !Number.isFinite(n) || n < min ? `${name} needs a number ≥ ${min}` : n;
    };
    switch (flag) {
      case '--port': { const n = num('--port', 0); if (typeof n === 'string') return n; p.port = Math.floor(n); break; }
      case '--seed': { const n = num('--seed', 0); if (typeof n === 'string') return n; p.seed = Math.floor(n); break; }
      case '--speed': { const n = num('--speed', 0.001); if (typeof n === 'string') return n; p.speed = n; break; }
      case '--timeout': { const n = num('--timeout', 1); if (typeof n === 'string') return n; p.timeout = Math.floor(n); break; }
      case '--host': { const v = value(); if (v === undefined || v === '') return '--host needs an address'; p.host = v; break; }
      case '--user': { const v = value(); if (v === undefined || v === '') return '--user needs an id'; p.user = v; break; }
      case '--password': { const v = value(); if (v === undefined) return '--password needs a value'; p.password = v; break; }
      case '--write-config': { const v = value(); if (v === undefined || v === '') return '--write-config needs a file'; p.writeConfig = v; break; }
      case '--warm': p.warm = true; break;
      case '--plain': p.plain = true; break;
      case '--no-centre': case '--no-center': p.centre = false; break;
      case '--verbose': p.verbose = true; break;
      case '--help': case '-h': p.help = true; break;
      default: return `unknown option ${a}`;
    }
  }
  if (p.port > 65535) return '--port must be ≤ 65535';
  if (p.warm && !p.centre) return '--warm needs the centre (drop --no-centre)';
  return p;
}

/** The line that says how the centre started. */
function centreLine(emu: Emulator, parsed: Parsed): string {
  if (!parsed.centre) return 'simulated centre: off';
  const head = `simulated centre: seed ${parsed.seed}, speed ${parsed.speed}×`;
  const info = emu.centreInfo();
  const state = emu.centreState();
  if (!parsed.warm || info === undefined || state === undefined) return head;
  const c = state.counts;
  return `${head}, mid-day from ${state.asOf}: ${c.agentsLoggedIn} agents logged in, ${c.ringing} ringing, ${c.queued} queued, ` +
    `${c.connected + c.held} connected (the morning is in /admin/ground-truth)`;
}

/** How the command talks to its terminal: lines out and err, and the stop signal (the process's when absent). */
export interface EmulateIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly onStop?: (fn: () => void) => void;
}

/**
 * Runs the emulator until SIGINT or SIGTERM (or `io.onStop`), then stops it cleanly. Resolves to the exit code:
 * 0 after a clean stop, 2 for bad options, 1 when the emulator cannot start or the config cannot be written.
 */
export async function emulateCommand(args: readonly string[], io: EmulateIo): Promise<number> {
  const parsed = parseEmulateArgs(args);
  if (typeof parsed === 'string') {
    io.err(`${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  const options: EmulatorOptions = {
    host: parsed.host,
    port: parsed.port,
    tls: !parsed.plain,
    sessionTimeoutSeconds: parsed.timeout,
    accounts: [{ userId: parsed.user, password: parsed.password, kind: 'server', privileges: { acd: true, smdr: true, cti: true } }],
    centre: parsed.centre ? { seed: parsed.seed, speed: parsed.speed, ...(parsed.warm ? { warm: true } : {}) } : false,
    ...(parsed.verbose ? { logger: (line: string) => { io.out(`${new Date().toISOString()} ${line}`); } } : {}),
  };
  let emu: Emulator;
  try {
    emu = await startEmulator(options);
  } catch (e) {
    io.err(`cannot start the emulator: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const config = emu.clientConfig();
  if (parsed.writeConfig !== undefined) {
    try {
      writeFileSync(parsed.writeConfig, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    } catch (e) {
      io.err(`cannot write the client config to ${parsed.writeConfig}: ${e instanceof Error ? e.message : String(e)}`);
      await emu.stop();
      return 1;
    }
  }
  io.out(`iPECS emulator listening on ${emu.baseUrl}`);
  if (emu.tls) io.out(`certificate SHA-256 fingerprint: ${emu.fingerprint256}`);
  io.out(`account: ${parsed.user} (server, ACD/SMDR/CTI); session timeout ${parsed.timeout} s`);
  io.out(centreLine(emu, parsed));
  // The emulator's own test account, handed to whoever started it: connect({ ...this, log: … }) reaches it at once.
  io.out(`client config: ${JSON.stringify(config)}`);
  if (parsed.writeConfig !== undefined) io.out(`client config written to ${parsed.writeConfig}`);
  io.out(`admin: ${emu.baseUrl}/admin/counters, /admin/ground-truth, /admin/centre/state (local only); Ctrl-C stops`);
  const running = emu;
  await new Promise<void>((resolve) => {
    if (io.onStop !== undefined) {
      io.onStop(resolve);
      return;
    }
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  io.out('stopping…');
  await running.stop();
  const c = running.counters();
  io.out(`stopped: ${c.logins} logins, ${c.socketsOpened} sockets, ${c.framesSent} frames sent`);
  return 0;
}
