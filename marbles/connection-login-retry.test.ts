// A login that will be retried shows on connection$ as a `backoff` state carrying the cause, so a screen can say
// why it cannot connect while it waits (a refused port, a 503, "Already Login"), and counts the attempts.
//
//   login       #(refused) ─ 750 ms ─ #(503) ─ 1.5 s ─ r   (a refused port: the connection's backoff, floor 500 base
//   connection$ (cxb) ────── 750 ms ─ (cb) ── 1.5 s ─ o     1000, random ½; a 503: the session's login retry, base 2000)
//   c = connecting, x = closed (network), b = backoff (attempt, cause), o = open; x at the end: the test unsubscribes
import { Observable, throwError } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { NetworkError } from '../src/session/errors.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createConnection } from '../src/socket/connection.js';
import type { ConnectionState, SocketEvent } from '../src/socket/types.js';
import { runMarbles } from './helpers/run-marbles.js';

const config: Config = {
  ...DEFAULT_CONFIG,
  server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' },
  session: { ...DEFAULT_CONFIG.session, loginRetryBaseMs: 2_000, loginRetryCapMs: 30_000 },
  socket: { ...DEFAULT_CONFIG.socket, shareGraceMs: 0 },
};

const letter = (s: ConnectionState): string => ({ connecting: 'c', open: 'o', backoff: 'b', closed: 'x', gap: 'g' })[s.kind];

/** Logins: refused on the port, then 503, then a token. The socket opens at once. */
function seams(scheduler: TestScheduler) {
  let logins = 0;
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (!req.path.endsWith('/login')) return scheduler.createColdObservable('r|', { r: { status: 200, body: undefined } });
    logins += 1;
    if (logins === 1) return throwError(() => new NetworkError('POST /ipxapi/server/v1/users/acd/login failed (ECONNREFUSED)', false));
    if (logins === 2) return scheduler.createColdObservable('r|', { r: { status: 503, body: undefined } });
    return scheduler.createColdObservable('r|', { r: { status: 200, body: { token: 't1', checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } } });
  };
  const openSocket = (req: { url: string }): Observable<SocketEvent> =>
    scheduler.createColdObservable<SocketEvent>('o', { o: { kind: 'open', at: 0, url: req.url, handle: { ping: () => undefined, terminate: () => undefined } } });
  return { transport, openSocket, logins: () => logins };
}

describe('connection: login retries are backoff states', () => {
  it('each retried login is a backoff with its attempt, delay and cause; then the socket opens', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0.5, transport: s.transport, openSocket: s.openSocket });
      const states: ConnectionState[] = [];
      conn.connection$.subscribe((st) => states.push(st));
      expectObservable(conn.frames$, '^ 10s !').toBe('');
      return () => {
        expect(states.map((st) => `${letter(st)}@${st.at}`)).toEqual(['c@0', 'x@0', 'b@0', 'c@750', 'b@750', 'o@2250', 'x@10001']);
        const backoffs = states.filter((st): st is Extract<ConnectionState, { kind: 'backoff' }> => st.kind === 'backoff');
        expect(backoffs.map(({ attempt, delayMs, reason }) => ({ attempt, delayMs, reason }))).toEqual([
          { attempt: 1, delayMs: 750, reason: 'network' },
          { attempt: 2, delayMs: 1_500, reason: 'login-failed' },
        ]);
        expect(backoffs[0]?.detail).toMatch(/ECONNREFUSED/);
        expect(backoffs[1]?.detail).toMatch(/HTTP 503/);
        expect(s.logins()).toBe(3);
      };
    })();
  });
});
