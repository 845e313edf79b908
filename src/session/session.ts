// The REST session: login (Basic), single-flight re-login with token generations, keep-alive, logout.
// It owns the only token of the connection, in memory (and, optionally, in a 0600 token file for the
// "Already Login" recovery of the next run). All timing runs on the injected scheduler.

import { promises as fsp } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import {
  asyncScheduler,
  BehaviorSubject,
  catchError,
  combineLatest,
  concat,
  concatMap,
  defaultIfEmpty,
  defer,
  EMPTY,
  exhaustMap,
  finalize,
  firstValueFrom,
  from,
  ignoreElements,
  interval,
  map,
  of,
  retry,
  share,
  Subject,
  switchMap,
  tap,
  throwError,
  timeout,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { ServerConfig, SessionConfig } from '../config/config.js';
import type { LogFields, Logger } from '../logging/logger.js';
import { decodeApiError, decodeLoginResponse, type LoginResponse } from '../protocol/rest.js';
import { backoffDelay } from '../retry/retry-backoff.js';
import {
  AlreadyLoginError,
  AuthError,
  causeOf,
  ClientClosedError,
  HttpStatusError,
  isPbxError,
  LoginBudgetError,
  LoginResponseError,
  NetworkError,
  PbxError,
  PermissionError,
  SessionExpiredError,
} from './errors.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.js';

/** A token with its generation: a 401 seen on generation n never invalidates generation n+1. */
export interface SessionToken {
  /** Opaque (A-9): never decoded, never logged. */
  readonly value: string;
  /** 1 for the first login, +1 per later login. */
  readonly generation: number;
  /** The rest of the login response (without the token). */
  readonly info: Omit<LoginResponse, 'token'>;
  /** Scheduler instant of the login. */
  readonly at: number;
}

/** Counters of the session. */
export interface SessionStats {
  /** Successful logins. */
  readonly logins: number;
  /** Login requests sent (successful or not). */
  readonly loginAttempts: number;
  /** Login requests that failed, "Already Login" refusals included. */
  readonly loginFailures: number;
  /** Of those, "Already Login" refusals (they have their own window and never spend `loginBudget`). */
  readonly alreadyLoginRefusals: number;
  readonly logouts: number;
  readonly checkConnections: number;
}

/** A command request: like {@link HttpRequest}; the session adds the bearer header. */
export type SessionRequest = HttpRequest;

/** The REST session of one connection. */
export interface Session {
  /** The current token, or a login (single-flight: concurrent callers share one login; two are never in flight). */
  token$(): Observable<SessionToken>;
  /** Drops the token if it is still generation `generation`; returns whether it did. Late 401s on older generations are ignored. */
  invalidate(generation: number): boolean;
  /**
   * The generation of every token dropped (a 401 "Invalid Token" from any REST call or check-connection, a refused
   * upgrade, a close that says the session ended). Hot, no replay; completes on `close()`. The connection owner
   * watches it to drop a socket whose session is gone.
   */
  readonly invalidated$: Observable<number>;
  /**
   * Sends a request with `Authorization: Bearer`. A 401 triggers ONE re-login (through {@link token$}) and one
   * resend; a second 401 errors with `SessionExpiredError`. Other statuses are returned as they are.
   */
  request$(req: SessionRequest): Observable<HttpResponse>;
  /** The generation of the current token, 0 when there is none. */
  generation(): number;
  /** Tells the session whether a WebSocket is open (keep-alive by ping vs check-connection). */
  setSocketOpen(open: boolean): void;
  /** Check-connection while needed (see `session.keepAlive`). Subscribe once; never errors; never emits. */
  readonly keepAlive$: Observable<never>;
  stats(): SessionStats;
  /** Logs out (bounded by `logoutTimeoutMs`), forgets the token, cancels any login. Idempotent. */
  close(): Promise<void>;
}

/** Dependencies of {@link createSession}. */
export interface SessionDeps {
  readonly server: ServerConfig;
  readonly session: SessionConfig;
  readonly transport: HttpTransport;
  readonly logger: Logger;
  readonly scheduler?: SchedulerLike;
  readonly random?: () => number;
}

/** Added to the longest checkConnectionTimer seen: the "Already Login" window of a client that knows the PBX's timer. */
const ALREADY_LOGIN_MARGIN_MS = 10_000;

/** A refusal with "Already Login": retried (with the token-file logout first) until `alreadyLoginGiveUpMs`. */
class AlreadyLoginRefused extends PbxError {
  constructor() {
    super('ALREADY_LOGIN', 'login refused: Already Login', 'transient');
  }
}

/**
 * Classifies a login response (ipecs-webapi.md §3.1, §1.5, §9, A-4, A-7): by status, then message, then code.
 * Returns the decoded body, or the typed error to raise.
 */
export function classifyLoginResponse(res: HttpResponse): E.Either<PbxError, LoginResponse> {
  if (res.status === 200) {
    const decoded = decodeLoginResponse(res.body);
    return E.isRight(decoded) ? decoded : E.left(new LoginResponseError(decoded.left));
  }
  const api = decodeApiError(res.body);
  const message = api?.message ?? '';
  if (res.status === 401) {
    if (/already\s*login/i.test(message) && api?.code !== 2) return E.left(new AlreadyLoginRefused());
    if (api?.code === 3 && !/invalid login/i.test(message)) {
      return E.left(new PermissionError(`login refused (401 code 3${message === '' ? '' : `: ${message}`}): licence or privilege missing`, 401, 3));
    }
    // A 401 that names neither bad credentials (code 2 or 4, "Invalid Login…") nor a missing body is a refusal of
    // another kind, e.g. the three-account limit (A-39: code 99 "Maximum Number Of Logins Exceeded"): retried
    // within loginBudget, never taken for a wrong password (which would stop the client for good).
    const credentials = api === undefined || api.code === 2 || api.code === 4 || /invalid\s*login/i.test(message);
    if (!credentials) {
      return E.left(new HttpStatusError(401, api.code, `login refused (401 code ${api.code}${message === '' ? '' : `: ${message}`}); retried`));
    }
    return E.left(
      new AuthError(`login refused: invalid user id or password (401${api === undefined ? '' : ` code ${api.code}: ${message}`}); not retried`, 401, api?.code),
    );
  }
  if (res.status === 403) {
    return E.left(new PermissionError(`login forbidden (403${api === undefined ? '' : ` code ${api.code}: ${message}`}): licence or privilege missing`, 403, api?.code));
  }
  return E.left(new HttpStatusError(res.status, api?.code, `login failed with HTTP ${res.status}${api === undefined ? '' : ` (code ${api.code})`}`));
}

/** Creates the REST session. Nothing is sent until {@link Session.token$} or {@link Session.request$} is used. */
export function createSession(deps: SessionDeps): Session {
  const { server, session: cfg, transport } = deps;
  const logger = deps.logger.child({ component: 'session' });
  const scheduler = deps.scheduler ?? asyncScheduler;
  const random = deps.random ?? Math.random;
  const id = encodeURIComponent(server.userId);
  const loginPath = `/ipxapi/${server.type}/${server.apiVersion}/users/${id}/login`;
  const logoutPath = `/ipxapi/${server.type}/${server.apiVersion}/users/${id}/logout`;
  const checkPaths = [`/ipxapi/users/${id}/checkconnection`, `/ipxapi/${server.type}/v1/users/${id}/checkconnection`];
  let checkPathIndex = 0;

  /** The last token dropped by `invalidate` (never logged; only used for the "Already Login" logout). */
  let droppedToken: string | undefined;
  /** The token file's token was logged out (any HTTP answer), or there was none: it is not tried again. */
  let storedTokenDone = cfg.tokenFile === undefined;
  /** The longest `checkConnectionTimer` (ms) a login of this session reported: how long a lost session can linger. */
  let longestTimerMs = 0;
  let inflight: Observable<SessionToken> | undefined;
  let closed = false;
  /** Instants of the failed logins that count against `loginBudget` (not "Already Login", not a request that never left). */
  const failureTimes: number[] = [];
  const counters = { logins: 0, loginAttempts: 0, loginFailures: 0, alreadyLoginRefusals: 0, logouts: 0, checkConnections: 0 };
  /** The current token (`undefined` when there is none): the one place it is held; keep-alive follows it. */
  const token$$ = new BehaviorSubject<SessionToken | undefined>(undefined);
  const current = (): SessionToken | undefined => token$$.value;
  const socketOpen$$ = new BehaviorSubject<boolean>(false);
  const invalidated$$ = new Subject<number>();

  const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  const writeTokenFile = (token: string): void => {
    const file = cfg.tokenFile;
    if (file === undefined) return;
    fsp
      .writeFile(file, token, { mode: 0o600 })
      .then(() => fsp.chmod(file, 0o600))
      .catch((err: unknown) => {
        logger.warn('cannot write the token file', { file, error: err instanceof Error ? err.message : String(err) });
      });
  };
  const removeTokenFile = (): Promise<void> =>
    cfg.tokenFile === undefined ? Promise.resolve() : fsp.rm(cfg.tokenFile, { force: true }).catch(() => undefined);
  const readTokenFile = (): Observable<string> =>
    cfg.tokenFile === undefined ? of('') : from(fsp.readFile(cfg.tokenFile, 'utf8').then((t) => t.trim(), () => ''));

  /** One login request. Throws the classified error; refuses to send once the budget is spent. */
  const loginOnce$ = (lastError: () => unknown): Observable<SessionToken> =>
    defer(() => {
      const now = scheduler.now();
      while (failureTimes.length > 0 && (failureTimes[0] ?? 0) <= now - cfg.loginWindowMs) failureTimes.shift();
      if (failureTimes.length >= cfg.loginBudget) {
        return throwError(() => new LoginBudgetError(cfg.loginBudget, cfg.loginWindowMs, lastError()));
      }
      counters.loginAttempts += 1;
      const basic = Buffer.from(`${server.userId}:${server.password}`, 'utf8').toString('base64');
      return transport({ method: 'GET', path: loginPath, headers: { Authorization: `Basic ${basic}` }, timeoutMs: cfg.requestTimeoutMs }).pipe(
        map((res) => {
          const r = classifyLoginResponse(res);
          if (E.isLeft(r)) throw r.left;
          // A token's generation is its login's ordinal: the success counter is the one source of both.
          counters.logins += 1;
          const { token, ...info } = r.right;
          return { value: token, generation: counters.logins, info, at: scheduler.now() };
        }),
      );
    });

  /**
   * Logs out a previous session with its token (§1.5), bounded by `logoutTimeoutMs`; never fails. Emits whether the
   * PBX answered 200 (that session is gone now), or nothing for no token.
   */
  const logoutToken$ = (token: string, what: string, onAnswered?: () => void): Observable<boolean> =>
    token === ''
      ? EMPTY
      : defer(() => {
          logger.info(`logging out ${what} with its token`);
          return transport({ method: 'POST', path: logoutPath, headers: bearer(token), timeoutMs: cfg.logoutTimeoutMs }).pipe(
            timeout({ first: cfg.logoutTimeoutMs, scheduler }),
            map((res) => {
              onAnswered?.();
              logger.info(`${what}: logout answered`, { status: res.status });
              return res.status === 200;
            }),
            catchError((err: unknown) => {
              logger.debug(`${what}: logout failed`, { error: err instanceof Error ? err.message : String(err) });
              return EMPTY;
            }),
          );
        });

  /** With `tokenFile`: the previous run's session is logged out before the first login (README, §1.5). */
  const logoutStoredToken$ = (): Observable<boolean> =>
    defer(() => (storedTokenDone ? EMPTY : readTokenFile())).pipe(
      concatMap((stored) => {
        if (stored === '') storedTokenDone = true;
        return logoutToken$(stored, "the previous run's session", () => {
          storedTokenDone = true;
        });
      }),
    );

  /** On "Already Login": the last token this session dropped (a session the PBX may still hold), else the file's. */
  const logoutPrevious$ = (): Observable<boolean> =>
    defer(() => {
      const token = droppedToken;
      droppedToken = undefined;
      return token === undefined ? logoutStoredToken$() : logoutToken$(token, 'the session this client lost');
    });

  /**
   * Login with the retry policy. Fatal errors stop. "Already Login" is retried in its own window (from the first
   * refusal: `alreadyLoginGiveUpMs`, or the longest checkConnectionTimer seen + 10 s), at most
   * `alreadyLoginRetryCapMs` apart, and never spends the budget. A request that provably never left (refused, DNS)
   * is passed to the caller (the connection's backoff owns it). Other failures count against `loginBudget` and
   * back off up to `loginRetryCapMs`.
   */
  const login$: Observable<SessionToken> = defer(() => {
    let lastError: unknown;
    let alreadySince: number | undefined;
    let alreadyRetries = 0;
    let triedPrevious = false;
    let retries = 0;
    const floorMs = cfg.loginRetryBaseMs / 2;
    const attempts$ = loginOnce$(() => lastError).pipe(
      retry({
        delay: (err: unknown) => {
          if (err instanceof LoginBudgetError) return throwError(() => err);
          lastError = err;
          counters.loginFailures += 1;
          if (closed) return throwError(() => new ClientClosedError());
          const now = scheduler.now();
          if (err instanceof AlreadyLoginRefused) {
            counters.alreadyLoginRefusals += 1;
            alreadySince ??= now;
            alreadyRetries += 1;
            const windowMs = longestTimerMs === 0 ? cfg.alreadyLoginGiveUpMs : Math.max(cfg.alreadyLoginGiveUpMs, longestTimerMs + ALREADY_LOGIN_MARGIN_MS);
            const leftMs = alreadySince + windowMs - now;
            if (leftMs <= 0) {
              const giveUp = new AlreadyLoginError(now - alreadySince, alreadyRetries);
              logger.error(giveUp.message);
              return throwError(() => giveUp);
            }
            // "Equal jitter": each wait in [ceiling/2, ceiling], the ceiling doubling from loginRetryBaseMs to
            // alreadyLoginRetryCapMs. The PBX is asked no more than needed (about 18 times for a 120 s session), and
            // the client is in at most alreadyLoginRetryCapMs after the session frees; the last try is at the window's end.
            const ceilingMs = Math.min(cfg.alreadyLoginRetryCapMs, cfg.loginRetryBaseMs * 2 ** Math.min(alreadyRetries - 1, 30));
            const d = Math.min(leftMs, backoffDelay(alreadyRetries, random(), { baseMs: cfg.loginRetryBaseMs, capMs: cfg.alreadyLoginRetryCapMs, floorMs: ceilingMs / 2 }));
            if (alreadyRetries === 1) {
              logger.warn('login refused with "Already Login": the PBX still holds a session of this account; retrying until it frees it', { giveUpMs: windowMs });
            } else {
              logger.debug('"Already Login" again; retrying', { attempt: alreadyRetries, delayMs: d });
            }
            const pre$ = triedPrevious ? EMPTY : logoutPrevious$();
            triedPrevious = true;
            // A 200 to that logout freed the session: the retry follows after the floor only.
            return pre$.pipe(
              defaultIfEmpty(false),
              concatMap((freed) => timer(freed ? Math.min(d, floorMs) : d, scheduler)),
            );
          }
          // Anything that is not one of our classified errors is a bug: surface it, do not hammer the login.
          if (!isPbxError(err) || err.disposition === 'fatal') {
            logger.error('login failed', { code: isPbxError(err) ? err.code : undefined, error: err instanceof Error ? err.message : String(err) });
            return throwError(() => err);
          }
          // Refused or unresolvable before a byte left: no account was touched; the caller backs off and reports.
          if (err instanceof NetworkError && !err.sent) return throwError(() => err);
          failureTimes.push(now);
          retries += 1;
          const d = backoffDelay(retries, random(), { baseMs: cfg.loginRetryBaseMs, capMs: cfg.loginRetryCapMs, floorMs });
          const fields = { error: err instanceof Error ? err.message : String(err), cause: causeOf(err), attempt: retries, delayMs: d };
          if (retries === 1) logger.warn('login failed; retrying', fields);
          else logger.debug('login failed again; retrying', fields);
          return timer(d, scheduler);
        },
      }),
      tap((t) => {
        // The budget bounds unsuccessful attempts (lockout protection); a success proves the credentials.
        failureTimes.length = 0;
        longestTimerMs = Math.max(longestTimerMs, t.info.checkConnectionTimer * 1_000);
        storedTokenDone = true;
        token$$.next(t);
        writeTokenFile(t.value);
        logger.info('logged in', {
          generation: t.generation,
          systemType: t.info.systemType,
          apiVersion: t.info.apiVersion,
          checkConnectionTimer: t.info.checkConnectionTimer,
          ...(alreadySince === undefined ? {} : { alreadyLoginRefusals: alreadyRetries, waitedMs: scheduler.now() - alreadySince }),
          ...(retries === 0 ? {} : { failedAttempts: retries }),
        });
      }),
    );
    // With a token file, the previous run's session is logged out BEFORE the first login, not after a refusal.
    return concat(logoutStoredToken$().pipe(ignoreElements()), attempts$);
  });

  const token$ = (): Observable<SessionToken> =>
    defer(() => {
      if (closed) return throwError(() => new ClientClosedError());
      const held = current();
      if (held !== undefined) return of(held);
      inflight ??= login$.pipe(
        finalize(() => {
          inflight = undefined;
        }),
        share(),
      );
      return inflight;
    });

  const invalidate = (generation: number): boolean => {
    const held = current();
    if (held === undefined || held.generation !== generation) return false;
    logger.info('session token dropped; the next use logs in', { generation });
    droppedToken = held.value;
    token$$.next(undefined);
    invalidated$$.next(generation);
    return true;
  };

  const send$ = (req: SessionRequest, token: SessionToken): Observable<HttpResponse> =>
    transport({ ...req, headers: { ...req.headers, ...bearer(token.value) }, timeoutMs: req.timeoutMs ?? cfg.requestTimeoutMs });

  const request$ = (req: SessionRequest): Observable<HttpResponse> =>
    token$().pipe(
      concatMap((tok) =>
        send$(req, tok).pipe(
          concatMap((res) => {
            if (res.status !== 401) return of(res);
            // "Invalid Token": the session is gone (the connection owner replaces its socket too); one re-login, one resend.
            logger.warn('a request was refused with "Invalid Token": the session has ended; logging in again', { method: req.method, path: req.path });
            invalidate(tok.generation);
            return token$().pipe(
              concatMap((tok2) => send$(req, tok2)),
              map((res2) => {
                if (res2.status === 401) throw new SessionExpiredError(`${req.method} ${req.path}: 401 again after a re-login`);
                return res2;
              }),
            );
          }),
        ),
      ),
    );

  /** A run of failed check-connections is one warning (the first); the rest are debug until one succeeds. */
  let checkFailing = false;
  const checkFailed = (fields: LogFields): void => {
    if (checkFailing) logger.debug('check-connection failed again', fields);
    else logger.warn('check-connection failed (the session is kept; the next check follows)', fields);
    checkFailing = true;
  };

  /** One check-connection with the A-2 path fallback. */
  const checkConnection$ = (tok: SessionToken): Observable<never> =>
    defer(() => {
      counters.checkConnections += 1;
      const once = (): Observable<HttpResponse> =>
        transport({ method: 'POST', path: checkPaths[checkPathIndex] ?? checkPaths[0] ?? '', headers: bearer(tok.value), timeoutMs: cfg.requestTimeoutMs });
      return once().pipe(
        concatMap((res) => {
          if (res.status === 404 && checkPathIndex + 1 < checkPaths.length) {
            checkPathIndex += 1;
            logger.info('check-connection path not found; using the fallback', { path: checkPaths[checkPathIndex] });
            return once();
          }
          return of(res);
        }),
        tap((res) => {
          if (res.status === 401) {
            logger.warn('check-connection: "Invalid Token": the session has ended', { generation: tok.generation });
            invalidate(tok.generation);
          } else if (res.status === 200) checkFailing = false;
          else checkFailed({ status: res.status });
        }),
        catchError((err: unknown) => {
          checkFailed({ error: err instanceof Error ? err.message : String(err), cause: causeOf(err) });
          return EMPTY;
        }),
        ignoreElements(),
      );
    });

  // Without a socket (or with keepAlive 'checkconnection'): every checkConnectionTimer/2, to keep the session. With
  // an open socket in 'ping' mode the pings keep it, and nothing else would ask the PBX whether the session still
  // exists: a probe every probeIntervalMs finds a session ended under the socket (the 401 drops the token, and the
  // connection owner replaces the socket).
  const keepAlive$: Observable<never> = combineLatest([token$$, socketOpen$$]).pipe(
    switchMap(([tok, open]) => {
      if (tok === undefined) return EMPTY;
      const probeOnly = open && cfg.keepAlive === 'ping';
      if (probeOnly && cfg.probeIntervalMs === 0) return EMPTY;
      const everyMs = probeOnly ? cfg.probeIntervalMs : Math.max(1_000, (tok.info.checkConnectionTimer * 1_000) / 2);
      return interval(everyMs, scheduler).pipe(exhaustMap(() => checkConnection$(tok)));
    }),
    ignoreElements(),
  );

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const tok = current();
    token$$.next(undefined);
    token$$.complete();
    socketOpen$$.complete();
    invalidated$$.complete();
    if (tok === undefined) return;
    const res = await firstValueFrom(
      // `Connection: close`: the pooled socket must not outlive the session (the process should be free to exit).
      transport({ method: 'POST', path: logoutPath, headers: { ...bearer(tok.value), Connection: 'close' }, timeoutMs: cfg.logoutTimeoutMs }).pipe(
        timeout({ first: cfg.logoutTimeoutMs, scheduler }),
        catchError((err: unknown) => {
          logger.warn('logout failed', { error: err instanceof Error ? err.message : String(err) });
          return of(undefined);
        }),
      ),
      { defaultValue: undefined },
    );
    if (res?.status === 200) {
      counters.logouts += 1;
      logger.info('logged out', { generation: tok.generation });
      await removeTokenFile();
    } else if (res !== undefined) {
      logger.warn('logout refused', { status: res.status });
    }
  };

  return {
    token$,
    invalidate,
    invalidated$: invalidated$$.asObservable(),
    request$,
    generation: () => current()?.generation ?? 0,
    setSocketOpen: (open) => {
      if (!closed && socketOpen$$.value !== open) socketOpen$$.next(open);
    },
    keepAlive$,
    stats: () => ({ ...counters }),
    close,
  };
}
