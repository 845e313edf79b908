// Monitor Start in virtual time over the connection's own seams (HTTP and socket as cold marbles): devices go in
// batches of at most 100, each sent only after the previous one was answered (§7.3); after the socket reopens the
// whole monitor set is re-issued by itself, at the instant of the new `open`.
import { NEVER, Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { createCti } from '../src/cti/cti.js';
import { silentLogger } from '../src/logging/logger.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createConnection } from '../src/socket/connection.js';
import type { SocketEvent, SocketHandle } from '../src/socket/types.js';
import { runMarbles } from './helpers/run-marbles.js';

const config: Config = {
  ...DEFAULT_CONFIG,
  server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' },
  socket: { ...DEFAULT_CONFIG.socket, backoffBaseMs: 10, backoffCapMs: 10, backoffFloorMs: 10, minUptimeMs: 1, heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 60_000, shareGraceMs: 0 },
};
const handle: SocketHandle = { ping: () => undefined, terminate: () => undefined };

/** Logins answer in 1 ms; each Monitor Start answers (and completes) in 3 ms with "OK" per device. Sockets play `sockets[n]`. */
function seams(scheduler: TestScheduler, sockets: readonly string[] = []) {
  const monitors: { at: number; devices: string[] }[] = [];
  const opens: number[] = [];
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) {
      return scheduler.createColdObservable('-r|', { r: { status: 200, body: { token: 't', checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } } });
    }
    if (!req.path.endsWith('/call/monitor')) return scheduler.createColdObservable('-r|', { r: { status: 200, body: {} } });
    const devices = (req.body as { deviceNumber: string[] }).deviceNumber;
    monitors.push({ at: scheduler.now(), devices });
    return scheduler.createColdObservable('---(r|)', { r: { status: 200, body: { result: devices.map((d) => ({ [d]: 'OK' })) } } });
  };
  const openSocket = (): Observable<SocketEvent> => {
    const marble = sockets[opens.length] ?? '-';
    opens.push(scheduler.now());
    return scheduler.createColdObservable<SocketEvent>(marble, { o: { kind: 'open', at: 0, url: 'wss://pbx/ipxapi', handle } }, new Error('socket lost'));
  };
  return { transport, openSocket, monitors, opens };
}

describe('cti monitor', () => {
  it('250 devices: batches of 100, 100, 50, each sent when the previous one answered', () => {
    let log: ReturnType<typeof seams> | undefined;
    runMarbles(({ expectObservable, scheduler }) => {
      log = seams(scheduler);
      const conn = createConnection(config, { logger: silentLogger, scheduler, transport: log.transport, openSocket: () => NEVER });
      const cti = createCti(conn, { logger: silentLogger, account: { userId: 'acd' } });
      const devices = Array.from({ length: 250 }, (_, i) => String(1000 + i));
      //  login  -l            (answers at 1)
      //  batch 1  ---r        (sent at 1, answered at 4)
      //  batch 2     ---r     (sent at 4, answered at 7)
      //  batch 3        ---r  (sent at 7, answered at 10) → the 250 results, complete
      expectObservable(cti.monitor(devices)).toBe('10ms (r|)', { r: devices.map((d) => ({ device: d, result: 'OK', ok: true })) });
    });
    expect(log?.monitors.map((m) => [m.at, m.devices.length])).toEqual([[1, 100], [4, 100], [7, 50]]);
  });

  it('the monitor set is re-issued when the socket reopens', () => {
    let log: ReturnType<typeof seams> | undefined;
    runMarbles(({ scheduler, cold }) => {
      //  socket 1: open at once, lost at 20 → backoff 10 → socket 2 opens → re-issue
      log = seams(scheduler, ['o 19ms #', 'o']);
      const conn = createConnection(config, { logger: silentLogger, scheduler, transport: log.transport, openSocket: log.openSocket, random: () => 0.5 });
      const cti = createCti(conn, { logger: silentLogger, account: { userId: 'acd' } });
      cti.callEvents$.subscribe({ error: () => undefined });
      cti.monitor(['1000', '1001']).subscribe();
      cold('100ms x').subscribe(() => {
        cti.close();
        void conn.close();
      });
    });
    const [first, second] = log?.opens ?? [];
    expect(log?.monitors).toEqual([{ at: 1, devices: ['1000', '1001'] }, { at: second, devices: ['1000', '1001'] }]);
    expect(second).toBeGreaterThan((first ?? 0) + 20);
  });
});
