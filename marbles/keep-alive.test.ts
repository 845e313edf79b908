// Keep-alive (ipecs-webapi.md §3.2, §10.2 item 6, A-2, A-8): check-connection every checkConnectionTimer/2 while
// no socket is open (or always, with keepAlive 'checkconnection'); the literal path first, the typed path after
// a 404; a 5xx is logged and tolerated; a 401 drops the token once (the next use re-logs in).
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createSession } from '../src/session/session.js';
import { runMarbles } from './helpers/run-marbles.js';

const server = { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' };
const login: HttpResponse = { status: 200, body: { token: 'T', checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } };

function pbx(now: () => number, cold: (m: string, v: Record<string, HttpResponse>) => Observable<HttpResponse>, check: (path: string, n: number) => HttpResponse) {
  const checks: { at: number; path: string }[] = [];
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) return cold('-r|', { r: login });
    if (req.path.endsWith('/checkconnection')) {
      checks.push({ at: now(), path: req.path });
      return cold('-r|', { r: check(req.path, checks.length) });
    }
    return cold('-r|', { r: { status: 200, body: undefined } });
  };
  return { transport, checks };
}

describe('keep-alive', () => {
  // keepAlive 'ping': while a socket is open its pings keep the session, and only a probe every probeIntervalMs
  // (60 s) asks whether the session still exists; without a socket, check-connection every checkConnectionTimer/2.
  //   socket    ------------ [130 000 ……………………… 400 000] ----------
  //   checks    60 001  120 001 | 190 000 250 000 310 000 370 000 | 460 000
  it('every 60 s (timer 120 s / 2) while no socket is open; a probe every probeIntervalMs while one is (keepAlive ping)', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, () => ({ status: 200, body: {} }));
      const s = createSession({ server, session: DEFAULT_CONFIG.session, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      s.token$().subscribe();
      scheduler.schedule(() => {
        s.setSocketOpen(true);
      }, 130_000);
      scheduler.schedule(() => {
        s.setSocketOpen(false);
      }, 400_000);
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 500_000);
      return () => {
        // login answers at 1 → 60 001, 120 001; socket 130 000-400 000 (probes from its opening); then 460 000.
        expect(p.checks.map((c) => c.at)).toEqual([60_001, 120_001, 190_000, 250_000, 310_000, 370_000, 460_000]);
        expect(p.checks[0]?.path).toBe('/ipxapi/users/acd/checkconnection');
      };
    })();
  });

  it('probeIntervalMs 0: nothing at all while a socket is open', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, () => ({ status: 200, body: {} }));
      const s = createSession({ server, session: { ...DEFAULT_CONFIG.session, probeIntervalMs: 0 }, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      s.token$().subscribe();
      scheduler.schedule(() => {
        s.setSocketOpen(true);
      }, 130_000);
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 400_000);
      return () => {
        expect(p.checks.map((c) => c.at)).toEqual([60_001, 120_001]);
      };
    })();
  });

  it('a probe answered "Invalid Token" while the socket is open drops the token (the connection owner replaces the socket)', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, () => ({ status: 401, body: { error: { code: 3, message: 'Invalid Token' } } }));
      const s = createSession({ server, session: { ...DEFAULT_CONFIG.session, probeIntervalMs: 5_000 }, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      const dropped: number[] = [];
      s.invalidated$.subscribe((g) => dropped.push(g));
      s.token$().subscribe();
      s.setSocketOpen(true);
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 60_000);
      return () => {
        expect(p.checks.map((c) => c.at)).toEqual([5_001]);
        expect(dropped).toEqual([1]);
        expect(s.generation()).toBe(0);
      };
    })();
  });

  it("keepAlive 'checkconnection' checks even while a socket is open", () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, () => ({ status: 200, body: {} }));
      const s = createSession({ server, session: { ...DEFAULT_CONFIG.session, keepAlive: 'checkconnection' }, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      s.token$().subscribe();
      s.setSocketOpen(true);
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 200_000);
      return () => {
        expect(p.checks.map((c) => c.at)).toEqual([60_001, 120_001, 180_001]);
      };
    })();
  });

  it('a 404 on the literal path falls back to /ipxapi/{type}/v1/users/{id}/checkconnection, and stays there', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, (path) => (path.startsWith('/ipxapi/users/') ? { status: 404, body: undefined } : { status: 200, body: {} }));
      const s = createSession({ server, session: DEFAULT_CONFIG.session, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      s.token$().subscribe();
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 130_000);
      return () => {
        expect(p.checks.map((c) => c.path)).toEqual([
          '/ipxapi/users/acd/checkconnection',
          '/ipxapi/server/v1/users/acd/checkconnection',
          '/ipxapi/server/v1/users/acd/checkconnection',
        ]);
        expect(s.generation()).toBe(1);
      };
    })();
  });

  it('a 503 is tolerated (token kept); a 401 drops the token once and the checks stop until the next login', () => {
    runMarbles(({ cold, scheduler }) => {
      const p = pbx(() => scheduler.now(), cold, (_path, n) => (n === 1 ? { status: 503, body: undefined } : { status: 401, body: { error: { code: 3, message: 'Invalid Token' } } }));
      const s = createSession({ server, session: DEFAULT_CONFIG.session, transport: p.transport, logger: silentLogger });
      const ka = s.keepAlive$.subscribe();
      s.token$().subscribe();
      const gens: number[] = [];
      scheduler.schedule(() => gens.push(s.generation()), 61_000);
      scheduler.schedule(() => gens.push(s.generation()), 121_000);
      scheduler.schedule(() => {
        ka.unsubscribe();
      }, 400_000);
      return () => {
        expect(gens).toEqual([1, 0]);
        expect(p.checks).toHaveLength(2);
      };
    })();
  });
});
