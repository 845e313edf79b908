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
  merge,
  mergeMap,
  of,
  ReplaySubject,
  share,
  switchMap,
  take,
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
import { causeOf, dispositionOf, isPbxError, NetworkError, SocketError } from '../session/errors.js';
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
 * 1009 too large) → backoff and reconnect (a text frame with invalid UTF-8 does not close the socket: the decoder
 * counts it). The session is known gone — a refused upgrade (401), an auth-like close (1008, 4001, 4401, or 1000
 * with a reason naming the session's end), or a REST answer "Invalid Token" (any request, or the check-connection
 * probe) while the socket is open → the socket is closed, one single-flight re-login after the floor delay (once per
 * outage), then reconnect. A close 1001/1012, or a refused connect after a lost socket (the PBX restarted), also
 * drops the token, so no dead token is offered to the next upgrade. Fatal (wrong credentials, 403 on login or
 * upgrade, 4003/4403, "Already Login" given up, login budget spent, TLS pin mismatch or untrusted certificate, no
 * socket path accepted) → `frames$` errors with the typed error, `connection$` ends on a `closed` state with
 * `fatal: true` and the `errorCode`, every timer is released at once (a held session is logged out), no loop, and
 * later subscribers get the same error without a new attempt.
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

  /**
   * The outage being reported: one warning when it starts (open → backoff, or the first connect failing), per-attempt
   * detail at debug, one warning when it ends (backoff → open) with the attempt count and the last cause (R24).
   */
  let outage: { readonly since: number; attempts: number; cause: string } | undefined;
  /** One re-login after the floor delay per outage, for a session known to be gone (see `delayFor`). */
  let quickReloginUsed = false;

  // A login that will be retried (503, "Already Login", a reset mid-request) is a backoff too, so its cause shows
  // at once. Its attempt continues the connection's count (the session's retries happen inside one attempt).
  const onLoginRetry = ({ attempt, delayMs, error }: LoginRetry): void => {
    emit({ kind: 'backoff', at: scheduler.now(), attempt: nextAttempt - 1 + attempt, delayMs, reason: error instanceof NetworkError ? 'network' : 'login-failed', detail: detailOf(error) });
  };
  const session = createSession({ server: config.server, session: config.session, transport, logger: deps.logger, scheduler, random, onLoginRetry });
  const paths = socketPaths(config.server.socketPath, config.server.userId);
  let pathIndex = 0;
  let pathMisses = 0;

  const onOpen = (ev: Extract<SocketEvent, { kind: 'open' }>): void => {
    const at = scheduler.now();
    counters.socketsOpened += 1;
    pathMisses = 0;
    quickReloginUsed = false;
    session.setSocketOpen(true);
    if (lostAt !== undefined) {
      counters.gaps += 1;
      emit({ kind: 'gap', at, from: lostAt, to: at });
      lostAt = undefined;
    }
    emit({ kind: 'open', at, url: ev.url });
    if (outage === undefined) {
      logger.info('socket open', { url: ev.url, generation: session.generation() });
    } else {
      logger.warn('connection restored', { attempts: outage.attempts, downMs: at - outage.since, lastCause: outage.cause, url: ev.url, generation: session.generation() });
      outage = undefined;
    }
  };

  /** The socket of generation `generation` outlived its session: a REST answer or a probe said "Invalid Token". */
  const sessionLost$ = (generation: number): Observable<never> =>
    session.invalidated$.pipe(
      filter((g) => g === generation),
      take(1),
      mergeMap(() =>
        throwError(() => new SocketError('SOCKET_CLOSED', 'the session ended under the open socket ("Invalid Token")', 'auth', 'session-expired', undefined, undefined, { sessionGone: true })),
      ),
    );

  /** One attempt: token (login if needed) → one socket → heartbeat. Errors are classified on the way out. */
  const attempt$: Observable<SocketEvent> = defer(() => {
    emit({ kind: 'connecting', at: scheduler.now(), attempt: nextAttempt });
    let usedGeneration = 0;
    let opened = false;
    return session.token$().pipe(
      switchMap((tok) => {
        usedGeneration = tok.generation;
        const path = paths[pathIndex] ?? paths[0] ?? '/ipxapi';
        // Closed at once (switchMap/merge teardown) when its token is dropped while it is up or opening.
        return merge(openSocket({ url: `wss://${origin}${path}`, token: tok.value }), sessionLost$(tok.generation));
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
        const hadLostASocket = lostAt !== undefined;
        if (opened) lostAt ??= now;
        let out: unknown = err;
        if (err instanceof SocketError && err.reason === 'too-large') counters.oversizedFrames += 1;
        // Do not offer a dead token to the next upgrade when the failure already says the session is gone: a refused
        // upgrade (401), an auth close code, a server going away or restarting (1001, 1012), a close reason naming the
        // session's end, or — after a lost socket — a refused connect (nothing listens: the PBX's web service
        // restarted, and its sessions with it). If the guess is wrong, the login meets "Already Login" and logs this
        // token out first (session: the dropped token), so it costs one refusal, never the account.
        if (err instanceof SocketError && (err.sessionGone || (hadLostASocket && err.networkCode === 'ECONNREFUSED'))) {
          session.invalidate(usedGeneration);
        }
        if (err instanceof SocketError && err.code === 'SOCKET_PATH_NOT_FOUND') {
          pathMisses += 1;
          pathIndex = (pathIndex + 1) % paths.length;
          if (pathMisses >= paths.length) {
            out = new SocketError('SOCKET_PATH_NOT_FOUND', `no WebSocket path accepted (tried ${paths.join(', ')})`, 'fatal', 'server-closed', undefined, 404);
          } else {
            logger.info('socket path not found; trying the next', { path: paths[pathIndex] });
          }
        }
        const closeCode = err instanceof SocketError ? err.closeCode : undefined;
        // A fatal error is the last state: marked, with its code (the streams error with the error itself).
        const fatalMark = dispositionOf(out) === 'fatal' && isPbxError(out) ? { fatal: true as const, errorCode: out.code } : {};
        emit({ kind: 'closed', at: now, reason: reasonOf(out), detail: detailOf(out), ...(closeCode === undefined ? {} : { code: closeCode }), ...fatalMark });
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
      // A session known to be gone (refused upgrade, "Invalid Token" under an open socket, auth close): re-login after
      // the floor only, once per outage; a second one in the same outage backs off (a PBX that refuses every upgrade
      // is never hammered with logins).
      delayFor: (err) => {
        if (dispositionOf(err) !== 'auth' || quickReloginUsed) return undefined;
        quickReloginUsed = true;
        return sock.backoffFloorMs;
      },
      onRetry: ({ attempt, delayMs, error }) => {
        nextAttempt = attempt + 1;
        const reason = reasonOf(error);
        const detail = detailOf(error);
        const cause = causeOf(error);
        emit({ kind: 'backoff', at: scheduler.now(), attempt, delayMs, reason, detail });
        const fields = { attempt, delayMs, reason, cause, error: detail };
        if (outage === undefined) {
          const wasOpen = lostAt !== undefined;
          outage = { since: lostAt ?? scheduler.now(), attempts: 1, cause };
          logger.warn(wasOpen ? 'connection lost; reconnecting' : 'cannot connect; retrying', fields);
        } else {
          outage.attempts += 1;
          outage.cause = cause;
          logger.debug('reconnect attempt failed; retrying', fields);
        }
      },
    }),
    catchError((err: unknown) => {
      if (!closed && fatal === undefined) {
        fatal = { error: err };
        logger.error('connection stopped', { code: isPbxError(err) ? err.code : undefined, cause: causeOf(err), error: detailOf(err) });
        releaseOnFatal();
      }
      return throwError(() => err);
    }),
    takeUntil(closing$$),
    filter((ev): ev is Extract<SocketEvent, { kind: 'frame' }> => ev.kind === 'frame'),
    map((ev) => ev.frame),
    finalize(() => {
      // The shared socket is gone (last subscriber left, fatal error or close): a later start is a fresh one.
      lostAt = undefined;
      nextAttempt = 1;
      outage = undefined;
      if (!closed && fatal === undefined) emit({ kind: 'closed', at: scheduler.now(), reason: 'client-closed', detail: 'no subscribers' });
    }),
    // No grace after close() or a fatal error: rxjs share() arms the refCount-zero reset even after an error or a
    // completion (its reset clears the flag first), and a pending grace timer would keep the process alive.
    share({ resetOnRefCountZero: () => (closed || fatal !== undefined ? of(0) : timer(sock.shareGraceMs, scheduler)) }),
  );

  const keepAlive: Subscription = session.keepAlive$.subscribe();

  /**
   * A fatal error stops the client: every timer goes at once (keep-alive, grace), a session still held is logged out
   * (bounded by `logoutTimeoutMs`: the account is free for the next run), the REST agent's sockets are closed. A
   * process with nothing else to do exits by itself. `connection$` stays open until `close()`.
   */
  const releaseOnFatal = (): void => {
    keepAlive.unsubscribe();
    void session.close().finally(() => agent?.destroy());
  };

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
