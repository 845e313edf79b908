// The session resource (ipecs-webapi.md §1.2, §1.4, §1.5, §3, §10.1 items 7-17, A-4, A-7, A-8, A-9, A-39, A-47):
// accounts, login with Basic auth, one live session per account, at most `maxAccounts` Web API accounts at once,
// an opaque 43-character token, check-connection, logout (empty 200, the session's sockets closed), and expiry
// `checkConnectionTimer` after the last activity while no socket of the session is open. Times come from the
// emulator's clock, so `advanceClock` expires idle sessions at once.

import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import type { WebSocket } from 'ws';
import type { EmulatorClock } from './clock.js';
import { ApiFailure, ERR, type ApiErrorBody } from './errors.js';
import { authHeader, type ApiAnswer } from './http.js';
import type { EmulatorAccount, EmulatorCounters, ExpireSocketsMode, LoginRefusal } from './types.js';

/** One live session. */
export interface Session {
  readonly token: string;
  readonly account: EmulatorAccount;
  /** Clock ms of the last authenticated request, ping or socket close. */
  lastActivity: number;
  readonly sockets: Set<WebSocket>;
}

/** Why a session ended. */
export type EndReason = 'logout' | 'expired' | 'forced';

/**
 * The close reason of a session's sockets, after the logout types the PBX's HTTP log records (§1.5: `Timeout`,
 * `Forced Logout`); the spec gives no close code, so it is 1000 (normal closure) with this reason.
 */
const CLOSE_REASON: Readonly<Record<EndReason, string>> = { logout: 'Logout', expired: 'Timeout', forced: 'Forced Logout' };

/** The answer of each kind of refused login (§1.5, A-7, A-39; 503 only when asked for). */
const REFUSAL: Readonly<Record<LoginRefusal, { readonly status: number; readonly err: ApiErrorBody }>> = {
  'already-login': { status: 401, err: ERR.alreadyLogin },
  'too-many-logins': { status: 401, err: ERR.tooManyLogins },
  unavailable: { status: 503, err: ERR.unavailable },
};

/** How the session service is set up. */
export interface SessionOptions {
  readonly accounts: readonly EmulatorAccount[];
  readonly timeoutSeconds: number;
  readonly maxAccounts: number;
  readonly graceMs: number;
  readonly clock: EmulatorClock;
  readonly counters: EmulatorCounters;
  readonly log: (line: string) => void;
  /** The login's `terminalCount` (CTI accounts). */
  readonly terminalCount: () => number;
  /** Called when a session ends (its CTI subscriptions are forgotten). */
  readonly onEnd: (s: Session) => void;
}

const SYSTEM_VERSION = 'S-UCP-Rls2008-4.0.33-App';

/** The sessions of one emulator. */
export class SessionService {
  private readonly sessions = new Map<string, Session>();
  /** Account id → clock ms until which it still answers "Already Login" (cleanup grace). */
  private readonly graceUntil = new Map<string, number>();
  private alreadyLoginOn = false;
  private refusal: { until: number; as: LoginRefusal } | undefined;

  constructor(private readonly o: SessionOptions) {}

  get timeoutSeconds(): number {
    return this.o.timeoutSeconds;
  }

  accounts(): readonly EmulatorAccount[] {
    return this.o.accounts;
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }

  has(token: string): boolean {
    return this.sessions.has(token);
  }

  get(token: string): Session | undefined {
    return this.sessions.get(token);
  }

  /** GET `…/{type}/v1/users/{id}/login` with Basic auth (§3.1). */
  login(req: http.IncomingMessage, type: 'server' | 'client', userId: string): ApiAnswer {
    const { counters: count, clock } = this.o;
    const fail = (status: number, err: ApiErrorBody): ApiAnswer => {
      count.loginFailures++;
      this.o.log(`login ${userId} refused: ${status} ${err.message}`);
      return { status, body: { error: err } };
    };
    const now = clock.monotonic();
    const refusal = this.refusal !== undefined && now < this.refusal.until ? REFUSAL[this.refusal.as] : undefined;
    // A web server in trouble answers before looking at the credentials; the PBX's own refusals come after them.
    if (refusal?.status === 503) return fail(refusal.status, refusal.err);
    const auth = authHeader(req);
    let id = '';
    let password = '';
    if (auth?.scheme === 'basic') {
      const decoded = Buffer.from(auth.value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) {
        id = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    }
    const account = this.o.accounts.find((a) => a.userId === userId);
    const kindOk = account !== undefined && (account.kind === 'server') === (type === 'server');
    if (account === undefined || id !== userId || password !== account.password || !kindOk) return fail(401, ERR.login);
    if (refusal !== undefined) {
      if (refusal.err === ERR.alreadyLogin) count.alreadyLogin++;
      return fail(refusal.status, refusal.err);
    }
    this.expireIdle();
    const live = [...this.sessions.values()].some((s) => s.account.userId === userId);
    if (this.alreadyLoginOn || live || now < (this.graceUntil.get(userId) ?? 0)) {
      count.alreadyLogin++;
      return fail(401, ERR.alreadyLogin);
    }
    if (account.kind === 'server') {
      const serverAccounts = new Set([...this.sessions.values()].filter((s) => s.account.kind === 'server').map((s) => s.account.userId));
      if (serverAccounts.size >= this.o.maxAccounts) return fail(401, ERR.tooManyLogins);
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { token, account, lastActivity: now, sockets: new Set() });
    count.logins++;
    this.o.log(`login ${userId} (${type}) ok`);
    const body: Record<string, unknown> = {
      token,
      checkConnectionTimer: this.o.timeoutSeconds,
      systemType: 'iPECS UCP',
      systemVersion: SYSTEM_VERSION,
      apiVersion: '1.0.0',
    };
    if (account.kind === 'server' && account.privileges?.cti !== false) body['terminalCount'] = this.o.terminalCount();
    return { status: 200, body };
  }

  /** The live session of a bearer token, or undefined (unknown, expired, or another user's token). */
  authenticate(token: string | undefined, userId: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    if (this.isExpired(session, this.o.clock.monotonic())) {
      this.endSession(session, 'expired');
      return undefined;
    }
    if (userId !== undefined && session.account.userId !== userId) return undefined;
    return session;
  }

  /** The session of a request's bearer token, else 401 Invalid Token (§3.4). */
  require(token: string | undefined, userId: string | undefined): Session {
    const s = this.authenticate(token, userId);
    if (s === undefined) throw new ApiFailure(401, ERR.token);
    return s;
  }

  /** Any authenticated request, ping or pong refreshes the session. */
  touch(s: Session): void {
    s.lastActivity = this.o.clock.monotonic();
  }

  /** POST check-connection (§3.2): 200 `{}`. */
  checkConnection(s: Session): ApiAnswer {
    this.touch(s);
    return { status: 200, body: {} };
  }

  /** POST logout (§3.3): 200 with no content; the token dies and the session's sockets are closed. */
  logout(s: Session): ApiAnswer {
    this.o.counters.logouts++;
    this.endSession(s, 'logout');
    return { status: 200 };
  }

  private isExpired(s: Session, now: number): boolean {
    return s.sockets.size === 0 && now - s.lastActivity > this.o.timeoutSeconds * 1000;
  }

  /** Ends every session idle past `checkConnectionTimer` with no socket open (§10.1 item 13). */
  expireIdle(): void {
    const now = this.o.clock.monotonic();
    for (const s of [...this.sessions.values()]) if (this.isExpired(s, now)) this.endSession(s, 'expired');
  }

  /**
   * Ends a session. Its sockets are closed with a close frame (`close`), dropped without one (`drop`), or left open
   * with the session gone (`keep`). Logout closes; expiry by time drops (a socket keeps a session alive, so an
   * expired session has none unless forced).
   */
  endSession(s: Session, why: EndReason, sockets: ExpireSocketsMode = why === 'logout' ? 'close' : 'drop'): void {
    if (!this.sessions.delete(s.token)) return;
    this.o.onEnd(s);
    if (why !== 'logout') this.o.counters.sessionsExpired++;
    this.o.log(`session of ${s.account.userId} ended (${why})`);
    if (this.o.graceMs > 0) this.graceUntil.set(s.account.userId, this.o.clock.monotonic() + this.o.graceMs);
    if (sockets === 'keep') return;
    for (const ws of [...s.sockets]) {
      if (sockets === 'drop') ws.terminate();
      else ws.close(1000, CLOSE_REASON[why]);
    }
  }

  /** Fault: every login is refused for `seconds`, the way `as` says. */
  refuseLogins(seconds: number, as: LoginRefusal): void {
    this.refusal = { until: this.o.clock.monotonic() + seconds * 1000, as };
  }

  /** Fault: every login gets "Already Login" while on. */
  alreadyLogin(on: boolean): void {
    this.alreadyLoginOn = on;
  }

  /** Drops every session at once (restart, stop): no counters, no grace. */
  dropAll(): void {
    for (const s of [...this.sessions.values()]) {
      this.sessions.delete(s.token);
      this.o.onEnd(s);
    }
    this.graceUntil.clear();
  }
}
