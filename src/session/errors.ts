// Typed errors of the connection boxes (session + socket). Each class has a stable `code` a host can switch on,
// and a `disposition` that decides what the connection owner does with it (reliability-anchors.md §5, R2).
// Messages never carry a password or a token.

/** Why the socket is not open. */
export type CloseReason =
  | 'network'
  | 'server-closed'
  | 'heartbeat-timeout'
  | 'handshake-timeout'
  | 'session-expired'
  | 'login-failed'
  | 'too-large'
  | 'client-closed';

/** What the connection owner does with an error: reconnect, re-login then reconnect, or stop. */
export type ErrorDisposition = 'transient' | 'auth' | 'fatal';

/** Stable codes of every error the connection surfaces. */
export type PbxErrorCode =
  | 'AUTH_INVALID_CREDENTIALS'
  | 'AUTH_FORBIDDEN'
  | 'ALREADY_LOGIN'
  | 'LOGIN_BUDGET_EXHAUSTED'
  | 'LOGIN_BAD_RESPONSE'
  | 'SESSION_INVALID_TOKEN'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'TLS_PIN_MISMATCH'
  | 'TLS_CONFIG'
  | 'TLS_UNTRUSTED'
  | 'SOCKET_CLOSED'
  | 'SOCKET_FORBIDDEN'
  | 'SOCKET_PATH_NOT_FOUND'
  | 'HEARTBEAT_TIMEOUT'
  | 'CLIENT_CLOSED'
  /** An error body from a CTI, SMDR or click-to-call request (src/cti: `CtiError`). */
  | 'API_ERROR'
  /** A CTI/SMDR request refused client-side before sending (a §10.1-28 limit). */
  | 'INVALID_REQUEST'
  /** A 200 answer whose body does not decode. */
  | 'BAD_RESPONSE';

/** Base class of every error of ipecs-rx's connection. Test with {@link isPbxError}. */
export class PbxError extends Error {
  /** Brand checked by {@link isPbxError} (works across realms / duplicate copies, unlike `instanceof`). */
  readonly isPbxError = true as const;
  constructor(
    /** Stable machine-readable code. */
    readonly code: PbxErrorCode,
    message: string,
    /** transient → reconnect with backoff; auth → re-login then reconnect; fatal → stop, no loop. */
    readonly disposition: ErrorDisposition,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong user id or password (401 code 2 / 4, "Invalid Login Information"). Never retried. */
export class AuthError extends PbxError {
  constructor(message: string, readonly status?: number, readonly apiCode?: number) {
    super('AUTH_INVALID_CREDENTIALS', message, 'fatal');
  }
}

/** Licence or privilege missing (403, or code 3 on login): reported, never retried (§10.2 item 18). */
export class PermissionError extends PbxError {
  constructor(message: string, readonly status?: number, readonly apiCode?: number) {
    super('AUTH_FORBIDDEN', message, 'fatal');
  }
}

/** The admin advice of ipecs-webapi.md §1.5, attached to the "Already Login" give-up error. */
export const ALREADY_LOGIN_ADVICE =
  'The account is logged in elsewhere. An administrator can free it in Web Admin → Maintenance → Trace → ' +
  'HTTP Log View → Logged-on User List → "Log out other users".';

/** "Already Login" persisted beyond `session.alreadyLoginGiveUpMs`. */
export class AlreadyLoginError extends PbxError {
  constructor(readonly waitedMs: number, readonly attempts: number) {
    super('ALREADY_LOGIN', `login refused with "Already Login" for ${waitedMs} ms (${attempts} attempts). ${ALREADY_LOGIN_ADVICE}`, 'fatal');
  }
}

/** More login attempts than `session.loginBudget` within `session.loginWindowMs`: stop rather than lock the account. */
export class LoginBudgetError extends PbxError {
  constructor(readonly budget: number, readonly windowMs: number, readonly lastError?: unknown) {
    super(
      'LOGIN_BUDGET_EXHAUSTED',
      `${budget} login attempts within ${windowMs} ms failed; stopping so the account is not locked` +
        (lastError instanceof Error ? ` (last: ${lastError.message})` : '') +
        (isPbxError(lastError) && lastError.code === 'ALREADY_LOGIN' ? `. ${ALREADY_LOGIN_ADVICE}` : ''),
      'fatal',
      { cause: lastError },
    );
  }
}

/** The login answered 200 with a body that does not decode. Treated as transient (the budget bounds it). */
export class LoginResponseError extends PbxError {
  constructor(detail: string) {
    super('LOGIN_BAD_RESPONSE', detail, 'transient');
  }
}

/** 401 "Invalid Token" (or an expired session) where a re-login did not help. */
export class SessionExpiredError extends PbxError {
  constructor(message: string) {
    super('SESSION_INVALID_TOKEN', message, 'auth');
  }
}

/** An HTTP status the caller did not expect (5xx, …): transient. */
export class HttpStatusError extends PbxError {
  constructor(readonly status: number, readonly apiCode: number | undefined, message: string) {
    super('HTTP_ERROR', message, 'transient');
  }
}

/** No HTTP response: refused, reset, timeout, DNS. `sent` is false when no request byte can have reached the server. */
export class NetworkError extends PbxError {
  /** The system error code when there was one (`ECONNREFUSED`, `ENOTFOUND`, `ETIMEDOUT`…). */
  readonly networkCode: string | undefined;
  constructor(message: string, readonly sent: boolean, options?: { cause?: unknown; networkCode?: string }) {
    super('NETWORK_ERROR', message, 'transient', options);
    this.networkCode = options?.networkCode;
  }
}

/** The server certificate does not match the configured SHA-256 pin. Fatal: nothing was sent. */
export class TlsPinError extends PbxError {
  constructor(readonly actual: string) {
    super('TLS_PIN_MISMATCH', `server certificate fingerprint ${actual} does not match the configured pin`, 'fatal');
  }
}

/** Node's certificate verification error codes: the peer is not trusted (no retry: it will not become trusted). */
const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The server certificate failed verification (self-signed without a pin or CA file, wrong host, expired). Fatal. */
export class TlsVerifyError extends PbxError {
  constructor(readonly tlsCode: string) {
    super(
      'TLS_UNTRUSTED',
      `the server certificate is not trusted (${tlsCode}); set tls.caFile and/or tls.fingerprint256 (or tls.insecure for this client only)`,
      'fatal',
    );
  }
}

/**
 * The typed error a low-level failure (axios cause, `ws` error) already stands for: one of ours as it is (the pin
 * check raises `TlsPinError` inside the handshake), a Node TLS verification error as {@link TlsVerifyError};
 * anything else → undefined (the caller classifies it).
 */
export function knownPbxErrorOf(u: unknown): PbxError | undefined {
  if (isPbxError(u)) return u;
  const code = typeof u === 'object' && u !== null && 'code' in u ? u.code : undefined;
  return typeof code === 'string' && TLS_VERIFY_CODES.has(code) ? new TlsVerifyError(code) : undefined;
}

/** A TLS configuration problem (unreadable CA file, malformed pin). */
export class TlsConfigError extends PbxError {
  constructor(message: string) {
    super('TLS_CONFIG', message, 'fatal');
  }
}

/** The WebSocket was lost or refused. `reason` maps onto `ConnectionState.closed.reason`. */
export class SocketError extends PbxError {
  /** The system error code behind a failed connect (`ECONNREFUSED`, `ENOTFOUND`…), when there was one. */
  readonly networkCode: string | undefined;
  /**
   * The close or refusal itself says the session is gone (a 401 upgrade, an auth close code, a server going away or
   * restarting, a close reason naming the session's end): the next attempt logs in instead of offering the token.
   */
  readonly sessionGone: boolean;
  constructor(
    code: 'SOCKET_CLOSED' | 'SOCKET_FORBIDDEN' | 'SOCKET_PATH_NOT_FOUND' | 'HEARTBEAT_TIMEOUT',
    message: string,
    disposition: ErrorDisposition,
    readonly reason: CloseReason,
    readonly closeCode?: number,
    readonly status?: number,
    options?: { cause?: unknown; networkCode?: string; sessionGone?: boolean },
  ) {
    super(code, message, disposition, options);
    this.networkCode = options?.networkCode;
    this.sessionGone = options?.sessionGone ?? status === 401;
  }
}

/** The connection was closed by the host (`close()`). */
export class ClientClosedError extends PbxError {
  constructor() {
    super('CLIENT_CLOSED', 'connection closed by the client', 'fatal');
  }
}

/** True for every error raised by the ipecs-rx connection. */
export function isPbxError(u: unknown): u is PbxError {
  return typeof u === 'object' && u !== null && (u as { isPbxError?: unknown }).isPbxError === true;
}

/** The disposition of any error: ours carry one; anything else (TimeoutError, socket errors) is transient. */
export function dispositionOf(u: unknown): ErrorDisposition {
  return isPbxError(u) ? u.disposition : 'transient';
}

/**
 * The cause of a failure in a word or two, for one log line a person reads during an outage (R24):
 * `ECONNREFUSED`, `ENOTFOUND`, `TLS pin mismatch`, `TLS DEPTH_ZERO_SELF_SIGNED_CERT`, `HTTP 401`, `Already Login`,
 * `close 1006`, `heartbeat timeout`, … Never carries a secret.
 */
export function causeOf(err: unknown): string {
  if (err instanceof SocketError) {
    if (err.networkCode !== undefined) return err.networkCode;
    if (err.status !== undefined) return `HTTP ${err.status}`;
    if (err.code === 'HEARTBEAT_TIMEOUT') return 'heartbeat timeout';
    if (err.reason === 'handshake-timeout') return 'handshake timeout';
    if (err.reason === 'session-expired' && err.closeCode === undefined) return 'Invalid Token';
    if (err.closeCode !== undefined) return `close ${err.closeCode}`;
    return err.reason;
  }
  if (err instanceof NetworkError) return err.networkCode ?? (err.message.endsWith('timed out') ? 'timeout' : 'network');
  if (err instanceof TlsPinError) return 'TLS pin mismatch';
  if (err instanceof TlsVerifyError) return `TLS ${err.tlsCode}`;
  if (err instanceof AuthError) return `HTTP ${err.status ?? 401} (credentials)`;
  if (err instanceof PermissionError || err instanceof HttpStatusError) return `HTTP ${err.status ?? '?'}`;
  if (err instanceof SessionExpiredError) return 'Invalid Token';
  if (isPbxError(err)) return err.code === 'ALREADY_LOGIN' ? 'Already Login' : err.code;
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : 'error';
}
