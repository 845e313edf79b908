// Shared helpers of the connection integration tests: short test constants (brief §Tests), and a poll-based
// `waitFor` with generous deadlines (real sockets on a loaded 2-core machine).
import { DEFAULT_CONFIG, type Config } from '../../src/config/config.js';
import type { Logger, LogFields } from '../../src/logging/logger.js';
import type { ConnectionState } from '../../src/socket/types.js';
import type { PbxConnection } from '../../src/socket/connection.js';

/** The client's configuration for an emulator on 127.0.0.1:port, pinned to its certificate. */
export function testConfig(port: number, fingerprint256: string, over: { session?: Partial<Config['session']>; socket?: Partial<Config['socket']>; server?: Partial<Config['server']>; tls?: Partial<Config['tls']> } = {}): Config {
  return {
    ...DEFAULT_CONFIG,
    server: { ...DEFAULT_CONFIG.server, host: '127.0.0.1', port, userId: 'acd', password: 'acd', ...over.server },
    tls: { insecure: false, fingerprint256, ...over.tls },
    session: {
      ...DEFAULT_CONFIG.session,
      loginRetryBaseMs: 50,
      loginRetryCapMs: 400,
      alreadyLoginGiveUpMs: 10_000,
      requestTimeoutMs: 5_000,
      logoutTimeoutMs: 1_500,
      ...over.session,
    },
    socket: {
      ...DEFAULT_CONFIG.socket,
      backoffBaseMs: 50,
      backoffCapMs: 400,
      backoffFloorMs: 20,
      minUptimeMs: 1_000,
      heartbeatIntervalMs: 400,
      heartbeatTimeoutMs: 400,
      handshakeTimeoutMs: 3_000,
      shareGraceMs: 0,
      ...over.socket,
    },
  };
}

/** Polls `check` every 10 ms until it returns true, or fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = performance.now();
  for (;;) {
    if (check()) return;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Records every state of `connection$` with a wall-clock stamp, for latency measurements. */
export function recordStates(conn: PbxConnection): { states: ConnectionState[]; stamps: number[] } {
  const states: ConnectionState[] = [];
  const stamps: number[] = [];
  conn.connection$.subscribe((s) => {
    states.push(s);
    stamps.push(performance.now());
  });
  return { states, stamps };
}

/** A logger that keeps every line (to assert no secret is logged). */
export function memoryLogger(lines: string[] = []): Logger & { lines: string[] } {
  const make = (base: LogFields): Logger => {
    const put = (level: string) => (message: string, fields?: LogFields) => {
      lines.push(JSON.stringify({ level, message, ...base, ...fields }));
    };
    return { error: put('error'), warn: put('warn'), info: put('info'), debug: put('debug'), child: (f) => make({ ...base, ...f }) };
  };
  return Object.assign(make({}), { lines });
}
