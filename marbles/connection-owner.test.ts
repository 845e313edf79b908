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
import { runMarbles } from './helpers/run-marbles.js';

const config: Config = {
  ...DEFAULT_CONFIG,
  server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' },
  socket: { ...DEFAULT_CONFIG.socket, backoffBaseMs: 10, backoffCapMs: 40, backoffFloorMs: 10, minUptimeMs: 1_000, heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 5_000, shareGraceMs: 0 },
};

const handle: SocketHandle = { ping: () => undefined, terminate: () => undefined };

/** Scripted seams: logins answer '-r|' with t1, t2…; socket n plays `sockets[n]` (o = open, f = frame, # = its error). */
function seams(scheduler: TestScheduler, sockets: { marble: string; error?: unknown }[]) {
  const logins: number[] = [];
  const opened: { at: number; token: string }[] = [];
  let live = 0;
  let maxLive = 0;
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) {
      logins.push(scheduler.now());
      return scheduler.createColdObservable('-r|', {
        r: { status: 200, body: { token: `t${logins.length}`, checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } },
      });
    }
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
  return { transport, openSocket, logins, opened, maxLive: () => maxLive };
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

  it('an auth-like close (1008) retries with the SAME token first: no re-login while the session is alive', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const s = seams(scheduler, [{ marble: '-o 9ms #', error: classifyClose(1008, 'policy') }, { marble: '-o' }]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      expectObservable(conn.frames$, '^ 1s !').toBe('');
      return () => {
        expect(s.opened.map((o) => o.token)).toEqual(['t1', 't1']);
        expect(s.logins).toHaveLength(1);
      };
    })();
  });

  it('a fatal refusal (403 on the upgrade) stops: frames$ errors with the typed error, no retry loop', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const forbidden = classifyUpgradeStatus(403);
      const s = seams(scheduler, [{ marble: '-#', error: forbidden }]);
      const conn = createConnection(config, { logger: silentLogger, scheduler, random: () => 0, transport: s.transport, openSocket: s.openSocket });
      expectObservable(conn.frames$, '^ 10s !').toBe('--#', undefined, forbidden);
      return () => {
        expect(s.opened).toHaveLength(1);
        expect(s.logins).toHaveLength(1);
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
