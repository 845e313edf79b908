// How a command ends: its exit code, and for a fatal error one clear line on stderr. A fatal error is whatever
// the library reports on its streams (the error of frames$/summary$: wrong credentials, an untrusted or
// mis-pinned certificate, the login budget spent, "Already Login" given up) or a configuration error; a command
// that stops on one never prints "stopped: logged out" and never exits 0.
//
// Exit codes (sysexits.h where one fits), so a supervisor can tell "try again later" from "a person must act":
//   0 stopped (Ctrl-C, SIGTERM, --duration)   1 any other failure   2 usage error
//   69 the PBX is unavailable for this account ("Already Login" given up, no WebSocket path accepted)
//   77 refused: wrong credentials, a missing licence or privilege, the login budget spent
//   78 configuration: invalid configuration, an untrusted or mis-pinned certificate
// Under systemd: `RestartPreventExitStatus=77 78`, so a wrong password is not retried by restarts either.

import { ConfigError } from '../config/load.js';
import { isPbxError, type PbxErrorCode } from '../session/errors.js';
import type { CliIo } from './io.js';

/** The exit codes of every command (see the file comment). */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 69, refused: 77, config: 78 } as const;

/** The exit codes as --help prints them. */
export const EXIT_CODES_HELP = `exit codes: 0 stopped (Ctrl-C, SIGTERM, --duration); 1 failed; 2 usage error;
  69 PBX unavailable for this account ("Already Login" given up); 77 refused (credentials, licence, login budget);
  78 configuration (invalid file, untrusted or mis-pinned certificate)`;

const CODE_EXIT: Partial<Record<PbxErrorCode, number>> = {
  AUTH_INVALID_CREDENTIALS: EXIT.refused,
  AUTH_FORBIDDEN: EXIT.refused,
  LOGIN_BUDGET_EXHAUSTED: EXIT.refused,
  SOCKET_FORBIDDEN: EXIT.refused,
  TLS_PIN_MISMATCH: EXIT.config,
  TLS_UNTRUSTED: EXIT.config,
  TLS_CONFIG: EXIT.config,
  ALREADY_LOGIN: EXIT.unavailable,
  SOCKET_PATH_NOT_FOUND: EXIT.unavailable,
};

// What to do about it, where the library's message does not say.
const CODE_ADVICE: Partial<Record<PbxErrorCode, string>> = {
  AUTH_INVALID_CREDENTIALS: 'check server.userId and server.password (or IPECS_USER / IPECS_PASSWORD)',
  TLS_PIN_MISMATCH: 'no credential was sent; if the PBX certificate was replaced, put its new fingerprint in tls.fingerprint256',
};

/** The exit code of a fatal error (see the file comment). */
export function exitCodeOf(err: unknown): number {
  if (err instanceof ConfigError) return EXIT.config;
  return (isPbxError(err) ? exitCodeOfCode(err.code) : undefined) ?? EXIT.failed;
}

/** The exit code of a fatal error's stable code (`AUTH_INVALID_CREDENTIALS` → 77 …); 1 for any other. */
export function exitCodeOfCode(code: string | undefined): number {
  return (code !== undefined && Object.hasOwn(CODE_EXIT, code) ? CODE_EXIT[code as PbxErrorCode] : undefined) ?? EXIT.failed;
}

/**
 * The stderr text of a fatal error: one line `ipecs-rx CMD: stopped: MESSAGE [CODE]; ADVICE`. A configuration
 * error keeps its list of problems, one indented line each under that line.
 */
export function fatalText(command: string, err: unknown): string {
  if (err instanceof ConfigError) {
    const [head, ...problems] = err.message.split('\n');
    return [`ipecs-rx ${command}: stopped: ${head ?? 'invalid configuration'}`, ...problems].join('\n');
  }
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
  if (!isPbxError(err)) return `ipecs-rx ${command}: stopped: ${message}`;
  const advice = CODE_ADVICE[err.code];
  return `ipecs-rx ${command}: stopped: ${message} [${err.code}]${advice === undefined ? '' : `; ${advice}`}`;
}

/** Prints a fatal error (see {@link fatalText}) and returns its exit code. */
export function reportFatal(io: CliIo, command: string, err: unknown): number {
  io.err(fatalText(command, err));
  return exitCodeOf(err);
}

/** Prints a configuration warning (unknown key, misspelt section, a password file others can read). */
export function printWarnings(io: CliIo, command: string, warnings: readonly string[]): void {
  for (const w of warnings) io.err(`ipecs-rx ${command}: warning: ${w}`);
}
