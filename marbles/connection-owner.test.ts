// The connection owner in virtual time, with the HTTP and socket seams as cold marbles: one login per session,
// one socket at a time, auth refusals re-login once, fatal refusals stop, and ONE gap marker per interval
// without a socket (from = when it was lost, to = when the next one opened).
import { map, Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createConnection } from '../src/socket/connection.js';
import type { ConnectionState, SocketEvent, SocketHandle } from '../src/socket/types.js';
import { classifyClose, classifyUpgradeStatus } from '../src/socket/web-socket.js';
import { NetworkError, SocketError } from '../src/session/errors.js';
import { runMarbles } from './helpers/run-marbles.js';

const config: Config = {
  ...DEFAULT_CONFIG,
  server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' },
  socket: { ...DEFAULT_CONFIG.socket, backoffBaseMs: 10, backoffCapMs: 40, backoffFloorMs: 10, minUptimeMs: 1_000, heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 5_000, shareGraceMs: 0 },
};

const handle: SocketHandle = { ping: () => undefined, terminate: () => undefined };

/** Scripted seams: logins answer '-r|' with t1, t2…; socket n plays `sockets[n]` (o = open, f = frame, # = its error). */
function seams(scheduler: TestScheduler, sockets: { marble: string; error?: unknown }[], opts: { loginDown?: readonly number[] } = {}) {
  const logins: number[] = [];
  let tokens = 0;
  const opened: { at: number; token: string }[] = [];
  /** Every REST request other than a login: `<path tail> <token>`. */
  const others: string[] = [];
  let live = 0;
  let maxLive = 0;
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) {
      logins.push(scheduler.now());
      // Login n (1-based) listed in loginDown finds the PBX down: refused before a byte left.
      if (opts.loginDown?.includes(logins.length)) {
        return scheduler.createColdObservable<HttpResponse>('-#', undefined, new NetworkError('GET login failed (ECONNREFUSED)', false, { networkCode: 'ECONNREFUSED' }));
      }
      tokens += 1;
      return scheduler.createColdObservable('-r|', {
        r: { status: 200, body: { token: `t${tokens}`, checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } },
      });
    }
    others.push(`${req.path.slice(req.path.lastIndexOf('/') + 1)} ${(req.headers?.['Authorization'] ?? '').replace('Bearer ', '')}`);
    return scheduler.createColdObservable('-r|', { r: { status: 200, body: undefined } });
  };
  const openSocket = (req: { url: string; token: string }): Observable<SocketEvent> => {
    const script = sockets[opened.length] ?? { marble: '-' };
    opened.push({ at: scheduler.now(), token: req.token });
    const cold = scheduler.createColdObservable<SocketEvent>(
      script.marble,
      { o: { kind: 'open', at: 0, url: req.url, handle }, f: { kind: 'frame', frame: { at: 0, data: Buffer.from('{"event":"acd"}'), isBinary: false } } },
      script.error,
    );
    return new Observable<SocketEvent>((subscriber) => {
      live += 1;
      maxLive = Math.max(maxLive, live);
      const sub = cold.subscribe(subscriber);
      return () => {
        live -= 1;
        sub.unsubscribe();
      };
    });
  };
  return { transport, openSocket, logins, opened, others, maxLive: () => maxLive };
}

const letter = (s: ConnectionState): string => ({ connecting: 'c', open: 'o', backoff: 'b', closed: 'x', gap: 'g' })[s.kind];

describe('connection owner', () => {
  it('socket lost (1006) → backoff → reconnect refused 401 → ONE re-login → open, with one gap marker', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [
        { marble: '-o 9ms f 9ms #', error: classifyClose(1006, '') }, // up at 2, lost at 22
        { marble: '-#', error: classifyUpgradeStatus(401) }, //           the PBX forgot the session
        { marble: '-o 9ms f' }, //                                         up again at 45
      ]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      const states: ConnectionState[] = [];
      conn.connection$.subscribe((st) => states.push(st));
      //   login -r|, socket o at 2, f at 12, lost at 22; +10 → socket refused at 33; +10 → login at 43-44, open at 45.
      expectObservable(conn.frames$.pipe(map(() => 'f')), '^ 100ms !').toBe('12ms f 42ms f');
      expectObservable(conn.connection$.pipe(map(letter)), '^ 100ms !').toBe('c 1ms o 19ms (xb) 6ms c (xb) 6ms c 1ms (go)');
      return () => {
        expect(s.logins).toEqual([0, 43]);
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't1', 't2']);
        expect(s.maxLive()).toBe(1);
        expect(states.filter((st) => st.kind === 'gap')).toEqual([{ kind: 'gap', at: 45, from: 22, to: 45 }]);
        expect(conn.stats()).toMatchObject({ logins: 2, reconnects: 1, gaps: 1, socketsOpened: 2, framesReceived: 2 });
      };
    })();
  });

  // A close that says the session ended: the next attempt logs in first, it never offers the dead token again.
  //   socket 1  -o 9ms #(close)        → session dropped at once
  //   login        ...... -r            (t2)
  //   socket 2                -o        (token t2)
  for (const [code, why] of [[1008, 'policy'], [4001, ''], [4401, ''], [1001, 'going away'], [1012, 'restart'], [1000, 'expired'], [1000, 'logout']] as const) {
    it(`a close ${code}${why === '' ? '' : ` "${why}"`} says the session is gone: re-login first, no dead-token upgrade`, () => {
      runMarbles(({ expectObservable, scheduler }) => {
        const s = seams(scheduler, [{ marble: '-o 9ms #', error: classifyClose(code, why) }, { marble: '-o' }]);
        const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
        expectObservable(conn.frames$, '^ 1s !').toBe('');
        return () => {
          expect(s.opened.map((o) => o.token)).toEqual(['t1', 't2']);
          expect(s.logins).toHaveLength(2);
        };
      })();
    });
  }

  it('a plain close (1000 "bye", 1006, 1011) keeps the session: the same token again, no re-login', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [
        { marble: '-o 9ms #', error: classifyClose(1000, 'bye') },
        { marble: '-o 9ms #', error: classifyClose(1006, '') },
        { marble: '-o 9ms #', error: classifyClose(1011, 'internal') },
        { marble: '-o' },
      ]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't1', 't1', 't1']);
        expect(s.logins).toHaveLength(1);
      };
    })();
  });

  // After a PBX restart: the port refused the reconnect (nothing listening: the PBX's web service was down, and its
  // sessions with it). The next attempt logs in first instead of offering the dead token to the upgrade.
  //   socket 1  -o 9ms #(1006)
  //   socket 2             -#(ECONNREFUSED, token t1)
  //   login                      -#(ECONNREFUSED: still down)   -r (t2)
  //   socket 3                                                     -o (t2)
  it('a refused connect after a lost socket means the PBX restarted: the next attempt logs in, not the dead token', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const refused = new SocketError('SOCKET_CLOSED', 'socket closed (1006: connect ECONNREFUSED 10.0.0.5:8743)', 'transient', 'network', 1006, undefined, { networkCode: 'ECONNREFUSED' });
      const s = seams(scheduler, [{ marble: '-o 9ms #', error: classifyClose(1006, '') }, { marble: '-#', error: refused }, { marble: '-o' }], { loginDown: [2] });
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't1', 't2']);
        expect(s.logins).toHaveLength(3); // t1, the refused one while down, t2
        expect(conn.stats()).toMatchObject({ logins: 2, gaps: 1, socketsOpened: 2 });
      };
    })();
  });

  // The session ends under an open socket (a REST call or check-connection answered "Invalid Token" and dropped the
  // token): the socket is closed at once, the re-login follows after the floor only, one gap.
  //   socket 1  -o ....... (token t1 dropped at 50) ! closed
  //   login                  -r (t2)    after the floor (10)
  //   socket 2                  -o
  it('a token dropped while its socket is open: the socket goes at once, re-login after the floor only, one gap', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [{ marble: '-o' }, { marble: '-o' }]);
      const conn = createConnection({ ...config, socket: { ...config.socket, backoffFloorMs: 5, minUptimeMs: 10 } }, { logger: silentLogger, scheduler, random: () => 0.999_999, transport: s.transport, openSocket: s.openSocket });
      const states: ConnectionState[] = [];
      conn.connection$.subscribe((st) => states.push(st));
      scheduler.schedule(() => {
        conn.session.invalidate(1);
      }, 50);
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't2']);
        expect(s.logins).toEqual([0, 55]);
        expect(s.maxLive()).toBe(1);
        expect(states.find((st) => st.kind === 'closed')).toMatchObject({ at: 50, reason: 'session-expired' });
        expect(states.find((st) => st.kind === 'backoff')).toMatchObject({ delayMs: 5, reason: 'session-expired' });
        expect(states.filter((st) => st.kind === 'gap')).toEqual([{ kind: 'gap', at: 57, from: 50, to: 57 }]);
      };
    })();
  });

  // A refused upgrade (401) proves the session gone: the re-login follows after the floor only, once per outage; a
  // second 401 in the same outage backs off as usual (a PBX that refuses every upgrade is not hammered with logins).
  it('a refused upgrade (401) re-logs in after the floor, once per outage; a second one backs off', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [
        { marble: '-o 9ms #', error: classifyClose(1006, '') },
        { marble: '-#', error: classifyUpgradeStatus(401) },
        { marble: '-#', error: classifyUpgradeStatus(401) },
        { marble: '-o' },
      ]);
      const conn = createConnection({ ...config, socket: { ...config.socket, backoffFloorMs: 5 } }, { logger: silentLogger, scheduler, random: () => 0.999_999, transport: s.transport, openSocket: s.openSocket });
      const delays: number[] = [];
      conn.connection$.subscribe((st) => {
        if (st.kind === 'backoff') delays.push(st.delayMs);
      });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(delays).toEqual([10, 5, 40]);
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't1', 't2', 't3']);
      };
    })();
  });

  // A fatal refusal after a login: the error reaches frames$, the last state is `closed` marked fatal with the
  // code, the session is logged out (the account is free for the next run) and no timer is left: no keep-alive
  // check-connection in the next 10 minutes, no retry.
  it('a fatal refusal (403 on the upgrade) stops: frames$ errors with the typed error, no retry loop, session logged out, no timer left', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const forbidden = classifyUpgradeStatus(403);
      const s = seams(scheduler, [{ marble: '-#', error: forbidden }]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      const states: ConnectionState[] = [];
      conn.connection$.subscribe((st) => states.push(st));
      expectObservable(conn.frames$, '^ 10s !').toBe('--#', undefined, forbidden);
      return () => {
        expect(s.opened).toHaveLength(1);
        expect(s.logins).toHaveLength(1);
        expect(states.at(-1)).toMatchObject({ kind: 'closed', at: 2, fatal: true, errorCode: 'SOCKET_FORBIDDEN' });
        expect(s.others).toEqual(['logout t1']);
        expect(scheduler.now()).toBeLessThan(600_000); // the virtual clock stopped: nothing was left scheduled
      };
    })();
  });

  it('a 404 on the socket path tries the spec\'s other paths in turn', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [
        { marble: '-#', error: classifyUpgradeStatus(404) },
        { marble: '-#', error: classifyUpgradeStatus(404) },
        { marble: '-o' },
      ]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(s.opened).toHaveLength(3);
        expect(s.logins).toHaveLength(1);
        expect(conn.stats().socketsOpened).toBe(1);
      };
    })();
  });

  it('flapping sockets (never up for minUptime) back off 10, 20, 40, 40 ms; gaps are one per outage', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const drop = classifyClose(1006, '');
      const s = seams(scheduler, [
        { marble: '-o 4ms #', error: drop },
        { marble: '-o 4ms #', error: drop },
        { marble: '-o 4ms #', error: drop },
        { marble: '-o 4ms #', error: drop },
        { marble: '-o' },
      ]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0.999_999, transport: s.transport, openSocket: s.openSocket });
      const backoffs: number[] = [];
      conn.connection$.subscribe((st) => {
        if (st.kind === 'backoff') backoffs.push(st.delayMs);
      });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(backoffs).toEqual([10, 20, 40, 40]);
        expect(s.logins).toHaveLength(1);
        expect(conn.stats()).toMatchObject({ gaps: 4, socketsOpened: 5, reconnects: 4 });
      };
    })();
  });
});
