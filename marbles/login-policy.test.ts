// The login policy in virtual time: wrong credentials stop at once; "Already Login" is retried with backoff
// until alreadyLoginGiveUpMs, then fails with the admin advice; refused logins (503) back off and stop at the
// login budget. The HTTP seam is a cold marble per request.
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type SessionConfig } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { AlreadyLoginError, AuthError, LoginBudgetError, NetworkError, PermissionError } from '../src/session/errors.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createSession } from '../src/session/session.js';
import { runMarbles } from './helpers/run-marbles.js';

const server = { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' };
const cfg: SessionConfig = {
  ...DEFAULT_CONFIG.session,
  loginRetryBaseMs: 100,
  loginRetryCapMs: 800,
  alreadyLoginRetryCapMs: 800,
  alreadyLoginGiveUpMs: 3_000,
  loginBudget: 5,
  loginWindowMs: 60_000,
};
const good: HttpResponse = { status: 200, body: { token: 'T', checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } };

/** Answers login n with `answers[n]` (the last one repeats), 1 ms after the request; records request instants. */
function pbx(now: () => number, cold: (m: string, v: Record<string, HttpResponse>) => Observable<HttpResponse>, answers: HttpResponse[]) {
  const at: number[] = [];
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (!req.path.endsWith('/login')) return cold('-r|', { r: { status: 200, body: undefined } });
    const answer = answers[Math.min(at.length, answers.length - 1)] ?? good;
    at.push(now());
    return cold('-r|', { r: answer });
  };
  return { transport, at };
}

describe('login policy', () => {
  it('wrong password (401 code 2): AuthError AUTH_INVALID_CREDENTIALS after exactly one attempt', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, [{ status: 401, body: { error: { code: 2, message: 'Invalid Login Information' } } }]);
      const s = createSession({ server, session: cfg, transport: p.transport, logger: silentLogger });
      expectObservable(s.token$(), '^ 10s !').toBe('-#', undefined, new AuthError('login refused: invalid user id or password (401 code 2: Invalid Login Information); not retried', 401, 2));
      return () => {
        expect(p.at).toEqual([0]);
      };
    })();
  });

  it('a licence/privilege refusal (403) is fatal and not retried', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, [{ status: 403, body: { error: { code: 3, message: 'License error' } } }]);
      const s = createSession({ server, session: cfg, transport: p.transport, logger: silentLogger });
      expectObservable(s.token$(), '^ 10s !').toBe('-#', undefined, new PermissionError('login forbidden (403 code 3: License error): licence or privilege missing', 403, 3));
      return () => {
        expect(p.at).toEqual([0]);
      };
    })();
  });

  it('"Already Login" is retried with growing delays, then succeeds', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const already: HttpResponse = { status: 401, body: { error: { code: 99, message: 'Already Login' } } };
      const p = pbx(() => scheduler.now(), cold, [already, already, already, good]);
      const s = createSession({ server, session: cfg, transport: p.transport, logger: silentLogger, random: () => 0.999_999 });
      // Attempts at 0, 1+100, 102+200, 303+400; the fourth answers at 704.
      expectObservable(s.token$()).toBe('704ms t|', { t: expect.objectContaining({ value: 'T', generation: 1 }) as unknown });
      return () => {
        expect(p.at).toEqual([0, 101, 302, 703]);
      };
    })();
  });

  it('"Already Login" for longer than alreadyLoginGiveUpMs: AlreadyLoginError with the administrator advice', () => {
    runMarbles(({ cold, scheduler }) => {
      const already: HttpResponse = { status: 401, body: { error: { code: 99, message: 'Already Login' } } };
      const p = pbx(() => scheduler.now(), cold, [already]);
      const s = createSession({ server, session: { ...cfg, loginBudget: 100 }, transport: p.transport, logger: silentLogger, random: () => 0.999_999 });
      let error: unknown;
      s.token$().subscribe({ error: (e: unknown) => (error = e) });
      return () => {
        expect(error).toBeInstanceOf(AlreadyLoginError);
        expect((error as Error).message).toMatch(/Log out other users/);
        // 0, 101, 302, 703, 1504 (cap 800), 2305; the window (3000 from the first refusal at 1) ends at 3001: one
        // last attempt exactly then, refused → give up.
        expect(p.at).toEqual([0, 101, 302, 703, 1504, 2305, 3001]);
        expect(s.stats()).toMatchObject({ loginAttempts: 7, loginFailures: 7, alreadyLoginRefusals: 7, logins: 0 });
      };
    })();
  });

  it('refused logins (503) back off, and stop at the login budget (5 per window) with LoginBudgetError', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, [{ status: 503, body: { error: { code: 99, message: 'Service Unavailable' } } }]);
      const s = createSession({ server, session: cfg, transport: p.transport, logger: silentLogger, random: () => 0 });
      let error: unknown;
      s.token$().subscribe({ error: (e: unknown) => (error = e) });
      return () => {
        expect(error).toBeInstanceOf(LoginBudgetError);
        // random 0 → every delay at the floor (base/2 = 50 ms): attempts ≥ 50 ms apart, 5 in all.
        expect(p.at).toEqual([0, 51, 102, 153, 204]);
      };
    })();
  });

  it('refused logins that clear before the budget: the login succeeds', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const refused: HttpResponse = { status: 503, body: undefined };
      const p = pbx(() => scheduler.now(), cold, [refused, refused, good]);
      const s = createSession({ server, session: cfg, transport: p.transport, logger: silentLogger, random: () => 0.5 });
      // Delays 75 (in [50,100]) then 125 (in [50,200]).
      expectObservable(s.token$()).toBe('203ms t|', { t: expect.objectContaining({ value: 'T' }) as unknown });
      return () => {
        expect(p.at).toEqual([0, 76, 202]);
        expect(s.stats()).toMatchObject({ logins: 1, loginAttempts: 3, loginFailures: 2 });
      };
    })();
  });

  // "Already Login" is not a credential failure: 30 refusals do not spend a budget of 5, and a real failure
  // afterwards still has the whole budget.
  //   logins  a a a … a (30×, ≤ 800 ms apart) r r r r r B      a = Already Login, r = 503, B = budget error
  it('"Already Login" refusals never spend loginBudget; refused logins still do', () => {
    runMarbles(({ cold, scheduler }) => {
      const already: HttpResponse = { status: 401, body: { error: { code: 99, message: 'Already Login' } } };
      const refused: HttpResponse = { status: 503, body: undefined };
      const p = pbx(() => scheduler.now(), cold, [...Array<HttpResponse>(30).fill(already), refused]);
      const s = createSession({ server, session: { ...cfg, alreadyLoginGiveUpMs: 60_000 }, transport: p.transport, logger: silentLogger, random: () => 0.5 });
      let error: unknown;
      s.token$().subscribe({ error: (e: unknown) => (error = e) });
      return () => {
        expect(error).toBeInstanceOf(LoginBudgetError);
        expect(s.stats()).toMatchObject({ loginAttempts: 35, alreadyLoginRefusals: 30, loginFailures: 35 });
        expect(p.at).toHaveLength(35);
      };
    })();
  });

  it('a login that never left (ECONNREFUSED, ENOTFOUND) is passed to the caller at once: no budget, no retry of its own', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const at: number[] = [];
      const refusedConnect = new NetworkError('GET /ipxapi/server/v1/users/acd/login failed (ECONNREFUSED)', false, { networkCode: 'ECONNREFUSED' });
      const transport = (): Observable<HttpResponse> => {
        at.push(scheduler.now());
        return cold('-#', undefined, refusedConnect);
      };
      const s = createSession({ server, session: cfg, transport, logger: silentLogger });
      expectObservable(s.token$(), '^ 10s !').toBe('-#', undefined, refusedConnect);
      return () => {
        expect(at).toEqual([0]);
        expect(s.stats()).toMatchObject({ loginAttempts: 1, loginFailures: 1 });
      };
    })();
  });
});
