// Single-flight re-login: concurrent 401s share ONE login; two logins are never in flight; a late 401 on an
// old token never invalidates a newer one. The HTTP seam is a cold marble per request ('--r|': the login
// answers 2 ms after it is sent).
import { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createSession } from '../src/session/session.js';
import { runMarbles } from './helpers/run-marbles.js';

const server = { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' };
const loginBody = (token: string) => ({ token, checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' });
const invalidToken: HttpResponse = { status: 401, body: { error: { code: 3, message: 'Invalid Token' } } };
const ok: HttpResponse = { status: 200, body: { data: {} } };

/** A scripted PBX: logins answer '--r|' with t1, t2, …; commands answer by the token they carry. */
function scriptedPbx(scheduler: TestScheduler, commands: (token: string, path: string) => string) {
  let logins = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) {
      logins += 1;
      const token = `t${logins}`;
      const answer = scheduler.createColdObservable<HttpResponse>('--r|', { r: { status: 200, body: loginBody(token) } });
      return new Observable<HttpResponse>((sub) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const s = answer.subscribe(sub);
        return () => {
          inFlight -= 1;
          s.unsubscribe();
        };
      });
    }
    const token = (req.headers?.['Authorization'] ?? '').replace('Bearer ', '');
    return scheduler.createColdObservable<HttpResponse>(commands(token, req.path), { u: invalidToken, k: ok });
  };
  return { transport, stats: () => ({ logins, maxInFlight }) };
}

const cmd = (path: string): HttpRequest => ({ method: 'POST', path });

describe('single-flight login', () => {
  it('two concurrent 401s cause ONE re-login, shared by both callers', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      // t1 is refused (401, 1 ms); t2 works (200, 1 ms).
      const pbx = scriptedPbx(scheduler, (token) => (token === 't1' ? '-u|' : '-k|'));
      const session = createSession({ server, session: DEFAULT_CONFIG.session, transport: pbx.transport, logger: silentLogger });
      //  login t1:   --r|                      (0-2)
      //  a, b:         -u|  (401 on t1)        (2-3)
      //  re-login:        --r|  ONE, for both  (3-5)
      //  a, b again:        -k|                (5-7)
      const a = session.request$(cmd('/ipxapi/server/v1/call/a'));
      const b = session.request$(cmd('/ipxapi/server/v1/call/b'));
      expectObservable(a).toBe('------k|', { k: ok });
      expectObservable(b).toBe('------k|', { k: ok });
      return () => {
        expect(pbx.stats()).toEqual({ logins: 2, maxInFlight: 1 });
        expect(session.generation()).toBe(2);
      };
    })();
  });

  it('a late 401 on the old token does not invalidate the newer one (token generations)', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      // '/slow' answers its 401 after 10 ms: by then t1 has been replaced by t2.
      const pbx = scriptedPbx(scheduler, (token, path) => (token === 't1' ? (path.endsWith('slow') ? '----------u|' : '-u|') : '-k|'));
      const session = createSession({ server, session: DEFAULT_CONFIG.session, transport: pbx.transport, logger: silentLogger });
      //  login t1 --r| ; fast -u| (3) → re-login --r| (3-5) → fast again -k (6)
      //  slow: sent at 2 with t1, 401 at 12 → invalidate(1) is a no-op (current is generation 2) → resend with t2 → k at 13
      expectObservable(session.request$(cmd('/x/fast'))).toBe('------k|', { k: ok });
      expectObservable(session.request$(cmd('/x/slow'))).toBe('-------------k|', { k: ok });
      return () => {
        expect(pbx.stats()).toEqual({ logins: 2, maxInFlight: 1 });
        expect(session.generation()).toBe(2);
      };
    })();
  });

  it('a second 401 after the re-login errors with SessionExpiredError (exactly one re-login per request)', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const pbx = scriptedPbx(scheduler, () => '-u|');
      const session = createSession({ server, session: DEFAULT_CONFIG.session, transport: pbx.transport, logger: silentLogger });
      expectObservable(session.request$(cmd('/x')), '^ 100ms !').toBe('------#', undefined, expect.objectContaining({ code: 'SESSION_INVALID_TOKEN' }) as unknown);
      return () => {
        expect(pbx.stats().logins).toBe(2);
      };
    })();
  });

  it('token$ while a login is in flight joins it; after it, returns the same token without a login', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const pbx = scriptedPbx(scheduler, () => '-k|');
      const session = createSession({ server, session: DEFAULT_CONFIG.session, transport: pbx.transport, logger: silentLogger });
      const t1 = expect.objectContaining({ value: 't1', generation: 1 }) as unknown;
      expectObservable(session.token$()).toBe('--t|', { t: t1 });
      // A caller at 1 joins the login in flight; a caller at 5 gets the held token at once.
      expectObservable(session.token$(), '-^').toBe('--t|', { t: t1 });
      expectObservable(session.token$(), '-----^').toBe('-----(t|)', { t: t1 });
      return () => {
        expect(pbx.stats()).toEqual({ logins: 1, maxInFlight: 1 });
      };
    })();
  });
});
