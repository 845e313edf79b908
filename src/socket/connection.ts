// The composition root of the connection: ONE owner of the session and the socket. A single pipeline
// (login → socket → heartbeat → retryBackoff → share) guarantees at most one socket and one login in flight
// (R1, R19): a new attempt starts only after the previous one has been torn down, and logins are single-flight
// in the session. No process handlers and no module-level state: two connections never see each other.

import {
  asyncScheduler,
  catchError,
  defer,
  EMPTY,
  filter,
  finalize,
  map,
  of,
  ReplaySubject,
  share,
  switchMap,
  takeUntil,
  tap,
  throwError,
  timer,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { Agent } from 'node:https';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { dispositionOf, isPbxError, NetworkError, SocketError } from '../session/errors.js';
import { createAxiosTransport, type HttpTransport } from '../session/http-transport.js';
import { createSession, type LoginRetry, type Session } from '../session/session.js';
import { createHttpsAgent, createTlsPolicy, type TlsPolicy } from '../session/tls.js';
import { heartbeat } from './heartbeat.js';
import { retryBackoff } from '../retry/retry-backoff.js';
import type { CloseReason, ConnectionState, RawFrame, SocketEvent } from './types.js';
import { webSocket$ } from './web-socket.js';

/** Counters of one connection. */
export interface ConnectionStats {
  /** Successful logins (first and re-logins). */
  readonly logins: number;
  /** Sockets opened after the first one. */
  readonly reconnects: number;
  /** Gap markers emitted. */
  readonly gaps: number;
  readonly socketsOpened: number;
  readonly framesReceived: number;
  readonly bytesReceived: number;
  /** Frames larger than `socket.maxFrameBytes` (the socket was closed with 1009 and reopened). */
  readonly oversizedFrames: number;
}

/** The live connection to one PBX account. */
export interface PbxConnection {
  /**
   * Every WebSocket frame, as received. Hot and shared: the first subscriber starts the login and the socket;
   * `socket.shareGraceMs` after the last one leaves, the socket closes. Reconnects are invisible here (see
   * `connection$`). Never errors for transient faults; errors only with a fatal `PbxError` (bad credentials,
   * forbidden, "Already Login" given up, pin mismatch). Completes after `close()`.
   */
  readonly frames$: Observable<RawFrame>;
  /**
   * Hot; replays the latest state to late subscribers. `connecting`, `open`, `backoff`, `closed`, and one `gap`
   * per interval without a socket (emitted just before the `open` that ends it). Completes after `close()`.
   */
  readonly connection$: Observable<ConnectionState>;
  /** The REST session: `request$` for commands, token generations. */
  readonly session: Session;
  readonly stats: () => ConnectionStats;
  /** Logs out within `session.logoutTimeoutMs`, clears every timer, closes the socket. Idempotent. */
  close(): Promise<void>;
}

/** What opens one socket: the real `ws` by default; marble tests inject cold Observables. */
export type SocketOpener = (req: { readonly url: string; readonly token: string }) => Observable<SocketEvent>;

/** Dependencies of {@link createConnection}. */
export interface ConnectionDeps {
  readonly logger: Logger;
  /** Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Jitter source. Default `Math.random`. */
  readonly random?: () => number;
  /** REST seam. Default: axios with the TLS policy. */
  readonly transport?: HttpTransport;
  /** Socket seam. Default: `ws` with the TLS policy. */
  readonly openSocket?: SocketOpener;
}

/** The socket paths to try, in order: the configured one, then the spec's others. */
export function socketPaths(configured: string, userId: string): string[] {
  const id = encodeURIComponent(userId);
  const all = [configured, '/ipxapi', '/ipxapi/server/v1/users/{id}/acd', '/ipxapi/server/v1/users/{id}/login'].map((p) => p.replace('{id}', id));
  return [...new Set(all)];
}

const hostForUrl = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

const reasonOf = (err: unknown): CloseReason => {
  if (err instanceof SocketError) return err.reason;
  if (isPbxError(err) && err.disposition === 'fatal') return 'login-failed';
  return 'network';
};
const detailOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Creates the connection (nothing is sent until `frames$` is subscribed). `config.server` names the PBX and
 * account; `config.tls`, `config.session` and `config.socket` tune it.
 *
 * Error policy (documented choice): transient faults (network, 5xx, 1000/1001/1006/1011…, heartbeat timeout,
 * 1009 too large, invalid UTF-8 1007) → backoff and reconnect; a refused upgrade (401) → one single-flight
 * re-login, then reconnect; auth-like close codes (1008, 4001, 4401) → reconnect with the same token first;
 * fatal (wrong credentials, 403 on login or upgrade, 4003/4403, "Already Login" given up, login budget spent,
 * TLS pin mismatch or untrusted certificate, no socket path accepted) → `frames$` errors with the typed error,
 * no loop, and later subscribers get the same error without a new attempt.
 *
 * @throws TlsConfigError at once when `tls.caFile` cannot be read or `tls.fingerprint256` is malformed.
 */
export function createConnection(config: Config, deps: ConnectionDeps): PbxConnection {
  const scheduler = deps.scheduler ?? asyncScheduler;
  const random = deps.random ?? Math.random;
  const logger = deps.logger.child({ component: 'connection' });
  // One TLS policy for both default seams, built (and validated: it throws at once) only when one is used.
  let policy: TlsPolicy | undefined;
  const tlsPolicy = (): TlsPolicy => (policy ??= createTlsPolicy(config.tls, logger));
  const origin = `${hostForUrl(config.server.host)}:${config.server.port}`;
  const sock = config.socket;
  let agent: Agent | undefined;
  const axiosTransport = (): HttpTransport => {
    agent = createHttpsAgent(tlsPolicy());
    return createAxiosTransport({ baseUrl: `https://${origin}`, timeoutMs: config.session.requestTimeoutMs, httpsAgent: agent });
  };
  const wsOpener = (tls: TlsPolicy): SocketOpener => (req) =>
    webSocket$({ url: req.url, token: req.token, tls, handshakeTimeoutMs: sock.handshakeTimeoutMs, maxFrameBytes: sock.maxFrameBytes, scheduler });
  const transport = deps.transport ?? axiosTransport();
  const openSocket = deps.openSocket ?? wsOpener(tlsPolicy());

  const state$$ = new ReplaySubject<ConnectionState>(1);
  const closing$$ = new ReplaySubject<void>(1);
  let closed = false;
  let closePromise: Promise<void> | undefined;
  const counters = { gaps: 0, socketsOpened: 0, framesReceived: 0, bytesReceived: 0, oversizedFrames: 0 };
  let lostAt: number | undefined;
  let nextAttempt = 1;
  // A fatal error is sticky: later subscribers get it at once, so a wrong password is never tried twice.
  let fatal: { readonly error: unknown } | undefined;

  const emit = (s: ConnectionState): void => {
    if (!closed) state$$.next(s);
  };

  // A login that will be retried (network, 503, "Already Login") is a backoff too, so its cause shows at once.
  const onLoginRetry = ({ attempt, delayMs, error }: LoginRetry): void => {
    emit({ kind: 'backoff', at: scheduler.now(), attempt, delayMs, reason: error instanceof NetworkError ? 'network' : 'login-failed', detail: detailOf(error) });
  };
  const session = createSession({ server: config.server, session: config.session, transport, logger: deps.logger, scheduler, random, onLoginRetry });
  const paths = socketPaths(config.server.socketPath, config.server.userId);
  let pathIndex = 0;
  let pathMisses = 0;

  const onOpen = (ev: Extract<SocketEvent, { kind: 'open' }>): void => {
    const at = scheduler.now();
    counters.socketsOpened += 1;
    pathMisses = 0;
    session.setSocketOpen(true);
    if (lostAt !== undefined) {
      counters.gaps += 1;
      emit({ kind: 'gap', at, from: lostAt, to: at });
      lostAt = undefined;
    }
    emit({ kind: 'open', at, url: ev.url });
    logger.info('socket open', { url: ev.url, generation: session.generation() });
  };

  /** One attempt: token (login if needed) → one socket → heartbeat. Errors are classified on the way out. */
  const attempt$: Observable<SocketEvent> = defer(() => {
    emit({ kind: 'connecting', at: scheduler.now(), attempt: nextAttempt });
    let usedGeneration = 0;
    let opened = false;
    return session.token$().pipe(
      switchMap((tok) => {
        usedGeneration = tok.generation;
        const path = paths[pathIndex] ?? paths[0] ?? '/ipxapi';
        return openSocket({ url: `wss://${origin}${path}`, token: tok.value });
      }),
      heartbeat({ intervalMs: sock.heartbeatIntervalMs, timeoutMs: sock.heartbeatTimeoutMs, scheduler }),
      tap((ev) => {
        if (ev.kind === 'open') {
          opened = true;
          onOpen(ev);
        } else if (ev.kind === 'frame') {
          counters.framesReceived += 1;
          counters.bytesReceived += ev.frame.data.length;
        }
      }),
      catchError((err: unknown) => {
        const now = scheduler.now();
        if (opened) lostAt ??= now;
        let out: unknown = err;
        if (err instanceof SocketError && err.reason === 'too-large') counters.oversizedFrames += 1;
        // Only a refused upgrade (401) proves the token dead. An auth-like close code (1008, 4001, 4401) is
        // retried with the same token first: if the session is gone the upgrade answers 401 and we re-login then;
        // if it is alive, a re-login would only earn "Already Login".
        if (err instanceof SocketError && err.status === 401) session.invalidate(usedGeneration);
        if (err instanceof SocketError && err.code === 'SOCKET_PATH_NOT_FOUND') {
          pathMisses += 1;
          pathIndex = (pathIndex + 1) % paths.length;
          if (pathMisses >= paths.length) {
            out = new SocketError('SOCKET_PATH_NOT_FOUND', `no WebSocket path accepted (tried ${paths.join(', ')})`, 'fatal', 'server-closed', undefined, 404);
          } else {
            logger.warn('socket path not found; trying the next', { path: paths[pathIndex] });
          }
        }
        const closeCode = err instanceof SocketError ? err.closeCode : undefined;
        const closedState: ConnectionState =
          closeCode === undefined
            ? { kind: 'closed', at: now, reason: reasonOf(out), detail: detailOf(out) }
            : { kind: 'closed', at: now, reason: reasonOf(out), detail: detailOf(out), code: closeCode };
        emit(closedState);
        return throwError(() => out);
      }),
      // Every way out (error, unsubscribe): the session goes back to check-connection keep-alive.
      finalize(() => {
        session.setSocketOpen(false);
      }),
    );
  });

  const frames$: Observable<RawFrame> = defer(() => (closed ? EMPTY : fatal !== undefined ? throwError(() => fatal?.error) : attempt$)).pipe(
    retryBackoff<SocketEvent>({
      baseMs: sock.backoffBaseMs,
      capMs: sock.backoffCapMs,
      floorMs: sock.backoffFloorMs,
      minUptimeMs: sock.minUptimeMs,
      random,
      scheduler,
      isUp: (ev) => ev.kind === 'open',
      shouldRetry: (err) => !closed && dispositionOf(err) !== 'fatal',
      onRetry: ({ attempt, delayMs, error }) => {
        nextAttempt = attempt + 1;
        const reason = reasonOf(error);
        const detail = detailOf(error);
        emit({ kind: 'backoff', at: scheduler.now(), attempt, delayMs, reason, detail });
        logger.warn('connection lost; reconnecting', { attempt, delayMs, reason, error: detail });
      },
    }),
    catchError((err: unknown) => {
      if (!closed) fatal ??= { error: err };
      logger.error('connection stopped', { code: isPbxError(err) ? err.code : undefined, error: detailOf(err) });
      return throwError(() => err);
    }),
    takeUntil(closing$$),
    filter((ev): ev is Extract<SocketEvent, { kind: 'frame' }> => ev.kind === 'frame'),
    map((ev) => ev.frame),
    finalize(() => {
      // The shared socket is gone (last subscriber left, fatal error or close): a later start is a fresh one.
      lostAt = undefined;
      nextAttempt = 1;
      if (!closed && fatal === undefined) emit({ kind: 'closed', at: scheduler.now(), reason: 'client-closed', detail: 'no subscribers' });
    }),
    // After close() no grace: rxjs share() arms the refCount-zero reset even after a completion, and a pending
    // grace timer would keep the process alive.
    share({ resetOnRefCountZero: () => (closed ? of(0) : timer(sock.shareGraceMs, scheduler)) }),
  );

  const keepAlive: Subscription = session.keepAlive$.subscribe();

  const close = (): Promise<void> => {
    closePromise ??= (async () => {
      closed = true;
      closing$$.next();
      closing$$.complete();
      keepAlive.unsubscribe();
      await session.close();
      agent?.destroy();
      state$$.next({ kind: 'closed', at: scheduler.now(), reason: 'client-closed', detail: 'close() called' });
      state$$.complete();
      logger.info('connection closed');
    })();
    return closePromise;
  };

  return {
    frames$,
    connection$: state$$.asObservable(),
    session,
    // Every socket after the first is a reconnect: derived, not counted twice.
    stats: () => ({ ...counters, reconnects: Math.max(0, counters.socketsOpened - 1), logins: session.stats().logins }),
    close,
  };
}
