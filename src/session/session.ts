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
  switchMap,
  tap,
  throwError,
  timeout,
  timer,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import type { ServerConfig, SessionConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { decodeApiError, decodeLoginResponse, type LoginResponse } from '../protocol/rest.js';
import { backoffDelay } from '../retry/retry-backoff.js';
import {
  AlreadyLoginError,
  AuthError,
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
  readonly loginFailures: number;
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
  /** Told of every login retry (the connection shows it as a `backoff` state: the cause and the attempt count). */
  readonly onLoginRetry?: (retry: LoginRetry) => void;
}

/** One failed login that will be retried: the attempt (1 = the first retry), the wait before it, and why. */
export interface LoginRetry {
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

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
  let inflight: Observable<SessionToken> | undefined;
  let closed = false;
  const attemptTimes: number[] = [];
  const counters = { logins: 0, loginAttempts: 0, loginFailures: 0, logouts: 0, checkConnections: 0 };
  /** The current token (`undefined` when there is none): the one place it is held; keep-alive follows it. */
  const token$$ = new BehaviorSubject<SessionToken | undefined>(undefined);
  const current = (): SessionToken | undefined => token$$.value;
  const socketOpen$$ = new BehaviorSubject<boolean>(false);

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

  /** One login request. Throws the classified error; counts attempts for the budget. */
  const loginOnce$ = (lastError: () => unknown): Observable<SessionToken> =>
    defer(() => {
      const now = scheduler.now();
      while (attemptTimes.length > 0 && (attemptTimes[0] ?? 0) <= now - cfg.loginWindowMs) attemptTimes.shift();
      if (attemptTimes.length >= cfg.loginBudget) {
        return throwError(() => new LoginBudgetError(cfg.loginBudget, cfg.loginWindowMs, lastError()));
      }
      attemptTimes.push(now);
      counters.loginAttempts += 1;
      const basic = Buffer.from(`${server.userId}:${server.password}`, 'utf8').toString('base64');
      return transport({ method: 'GET', path: loginPath, headers: { Authorization: `Basic ${basic}` }, timeoutMs: cfg.requestTimeoutMs }).pipe(
        catchError((err: unknown) => {
          // A request that provably never left (refused, DNS) does not count against the account's budget.
          if (err instanceof NetworkError && !err.sent) attemptTimes.pop();
          return throwError(() => err);
        }),
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
   * Logs out a previous token once, to clear "Already Login" (§1.5): the token file's (previous run), else the
   * last token this session dropped (a session the server may still hold).
   */
  const logoutStoredToken$ = (): Observable<never> =>
    defer(() => {
      const file = cfg.tokenFile;
      const stored$ = file === undefined ? of('') : from(fsp.readFile(file, 'utf8').catch(() => ''));
      return stored$.pipe(
        concatMap((stored) => {
          const token = stored.trim() === '' ? (droppedToken ?? '') : stored.trim();
          droppedToken = undefined;
          if (token === '') return EMPTY;
          logger.info('"Already Login": logging out the previous session with its token');
          return transport({ method: 'POST', path: logoutPath, headers: bearer(token), timeoutMs: cfg.requestTimeoutMs }).pipe(
            tap((res) => {
              logger.info('previous session logout answered', { status: res.status });
            }),
            catchError(() => EMPTY),
          );
        }),
        ignoreElements(),
      );
    });

  /** Login with the retry policy: fatal errors stop; "Already Login" retries until the give-up; others back off. */
  const login$: Observable<SessionToken> = defer(() => {
    let lastError: unknown;
    let alreadySince: number | undefined;
    let alreadyCount = 0;
    let triedStoredToken = false;
    let retries = 0;
    return loginOnce$(() => lastError).pipe(
      retry({
        delay: (err: unknown) => {
          if (err instanceof LoginBudgetError) return throwError(() => err);
          lastError = err;
          counters.loginFailures += 1;
          if (closed) return throwError(() => new ClientClosedError());
          const backoff = (): number => {
            retries += 1;
            return backoffDelay(retries, random(), { baseMs: cfg.loginRetryBaseMs, capMs: cfg.loginRetryCapMs, floorMs: cfg.loginRetryBaseMs / 2 });
          };
          if (err instanceof AlreadyLoginRefused) {
            const now = scheduler.now();
            alreadySince ??= now;
            alreadyCount += 1;
            if (now - alreadySince >= cfg.alreadyLoginGiveUpMs) {
              const giveUp = new AlreadyLoginError(now - alreadySince, alreadyCount);
              logger.error(giveUp.message);
              return throwError(() => giveUp);
            }
            const pre = triedStoredToken ? EMPTY : logoutStoredToken$();
            triedStoredToken = true;
            const d = backoff();
            logger.warn('login refused with "Already Login"; retrying', { attempt: alreadyCount, delayMs: d });
            deps.onLoginRetry?.({ attempt: retries, delayMs: d, error: err });
            return concat(pre, timer(d, scheduler));
          }
          // Anything that is not one of our classified errors is a bug: surface it, do not hammer the login.
          if (!isPbxError(err) || err.disposition === 'fatal') {
            logger.error('login failed', { code: isPbxError(err) ? err.code : undefined, error: err instanceof Error ? err.message : String(err) });
            return throwError(() => err);
          }
          const d = backoff();
          logger.warn('login failed; retrying', { error: err instanceof Error ? err.message : String(err), delayMs: d });
          deps.onLoginRetry?.({ attempt: retries, delayMs: d, error: err });
          return timer(d, scheduler);
        },
      }),
      tap((t) => {
        // The budget bounds unsuccessful attempts (lockout protection); a success proves the credentials.
        attemptTimes.length = 0;
        token$$.next(t);
        writeTokenFile(t.value);
        logger.info('logged in', {
          generation: t.generation,
          systemType: t.info.systemType,
          apiVersion: t.info.apiVersion,
          checkConnectionTimer: t.info.checkConnectionTimer,
        });
      }),
    );
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
    logger.info('session token rejected; a re-login will follow', { generation });
    droppedToken = held.value;
    token$$.next(undefined);
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
          if (res.status === 401) invalidate(tok.generation);
          else if (res.status !== 200) logger.warn('check-connection failed', { status: res.status });
        }),
        catchError((err: unknown) => {
          logger.warn('check-connection failed', { error: err instanceof Error ? err.message : String(err) });
          return EMPTY;
        }),
        ignoreElements(),
      );
    });

  const keepAlive$: Observable<never> = combineLatest([token$$, socketOpen$$]).pipe(
    switchMap(([tok, open]) => {
      if (tok === undefined || (open && cfg.keepAlive === 'ping')) return EMPTY;
      const everyMs = Math.max(1_000, (tok.info.checkConnectionTimer * 1_000) / 2);
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
