// "Already Login" after a crash, in virtual time, with the defaults of the README (loginRetryBaseMs 2 s,
// alreadyLoginRetryCapMs 10 s, alreadyLoginGiveUpMs 130 s, loginBudget 10 per 10 min) and seeded jitter: the
// crashed client's session was last active at t = 0 and the PBX frees it `lifetime` seconds later; the new client
// starts within the first 5 s. For lifetimes 30, 81 and 120 s it must get in within 15 s of the session freeing in
// 20 of 20 runs, with no credential failure counted against the budget.
//
//   PBX logins   401 "Already Login" … 401 | 200      (| = the session frees at `lifetime`)
//   client          a    a      a       a     a  L     (retries ≤ alreadyLoginRetryCapMs apart, then logged in)
//   connection$  c ........................... o      (one socket, opened right after the login)
import { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { createRng } from '../src/emulator/prng.js';
import { silentLogger } from '../src/logging/logger.js';
import type { HttpRequest, HttpResponse } from '../src/session/http-transport.js';
import { createConnection, type PbxConnection } from '../src/socket/connection.js';
import type { ConnectionState, SocketEvent, SocketHandle } from '../src/socket/types.js';
import { runMarbles } from './helpers/run-marbles.js';

const config: Config = { ...DEFAULT_CONFIG, server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' } };
const ALREADY: HttpResponse = { status: 401, body: { error: { code: 99, message: 'Already Login' } } };

interface Run {
  /** ms from the session freeing to the client's successful login. */
  readonly lateMs: number;
  readonly refusals: number;
  /** Failed logins the client counted against `loginBudget` ("Already Login" is not one). */
  readonly budgetFailures: number;
  readonly error: unknown;
  readonly opens: number;
}

/** One crash-and-restart on virtual time: the PBX holds the dead session until `freeAt`. */
function run(scheduler: TestScheduler, freeAt: number, startAt: number, seed: number): () => Run {
  const rng = createRng(seed);
  let loggedInAt: number | undefined;
  let refusals = 0;
  const transport = (req: HttpRequest): Observable<HttpResponse> => {
    if (req.path.endsWith('/login')) {
      const now = scheduler.now();
      let answer: HttpResponse;
      if (now < freeAt || loggedInAt !== undefined) {
        refusals++;
        answer = ALREADY;
      } else {
        loggedInAt = now;
        answer = { status: 200, body: { token: 'T', checkConnectionTimer: 120, systemType: 'iPECS UCP', apiVersion: '1.0.0' } };
      }
      return scheduler.createColdObservable('-r|', { r: answer });
    }
    return scheduler.createColdObservable('-r|', { r: { status: 200, body: {} } });
  };
  // A socket that opens 1 ms after the upgrade and answers every heartbeat ping with a pong.
  const openSocket = (req: { url: string }): Observable<SocketEvent> =>
    new Observable<SocketEvent>((subscriber) => {
      const handle: SocketHandle = {
        ping: () => {
          subscriber.next({ kind: 'pong', at: scheduler.now() });
        },
        terminate: () => undefined,
      };
      const opening = scheduler.schedule(() => {
        subscriber.next({ kind: 'open', at: scheduler.now(), url: req.url, handle });
      }, 1);
      return () => {
        opening.unsubscribe();
      };
    });
  const states: ConnectionState[] = [];
  let error: unknown;
  let conn: PbxConnection | undefined;
  scheduler.schedule(() => {
    conn = createConnection(config, { logger: silentLogger, scheduler, random: () => rng.next(), transport, openSocket });
    conn.connection$.subscribe((s) => states.push(s));
    conn.frames$.subscribe({ error: (e: unknown) => (error = e) });
    // Stop well after the longest bound, so the virtual clock has nothing left to run.
    scheduler.schedule(() => {
      void conn?.close();
    }, freeAt + 200_000 - startAt);
  }, startAt);
  return () => ({
    lateMs: loggedInAt === undefined ? Number.POSITIVE_INFINITY : loggedInAt - freeAt,
    refusals,
    budgetFailures: (conn?.session.stats().loginFailures ?? 0) - (conn?.session.stats().alreadyLoginRefusals ?? 0),
    error,
    opens: states.filter((s) => s.kind === 'open').length,
  });
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN;
};

describe('"Already Login" recovery after a crash (virtual time, seeded jitter, README defaults)', () => {
  for (const lifetime of [30, 81, 120]) {
    it(`session lifetime ${lifetime} s: in within 15 s of the session freeing, 20 of 20 runs, no budget spent`, () => {
      const runs: Run[] = [];
      for (let seed = 1; seed <= 20; seed++) {
        const startRng = createRng(1_000 + seed);
        const result = runMarbles(({ scheduler }) => run(scheduler, lifetime * 1_000, Math.floor(startRng.next() * 5_000), seed));
        runs.push(result());
      }
      const late = runs.map((r) => r.lateMs);
      console.log(
        `lifetime ${lifetime} s: logged in ${Math.min(...late)} / ${median(late)} / ${Math.max(...late)} ms (min / median / max) after the session freed; ` +
          `"Already Login" refusals per run ${Math.min(...runs.map((r) => r.refusals))}-${Math.max(...runs.map((r) => r.refusals))}; ` +
          `${runs.filter((r) => r.lateMs <= 15_000).length}/20 within 15 s`,
      );
      for (const [i, r] of runs.entries()) {
        expect(r.error, `run ${i + 1}`).toBeUndefined();
        expect(r.lateMs, `run ${i + 1}`).toBeLessThanOrEqual(15_000);
        expect(r.lateMs, `run ${i + 1}`).toBeGreaterThanOrEqual(0);
        expect(r.opens, `run ${i + 1}`).toBe(1);
        expect(r.budgetFailures, `run ${i + 1}`).toBe(0);
      }
    });
  }
});
