// The connection against the emulator over real TLS sockets on 127.0.0.1 (reliability bars R1-R3, R7-R9, R11):
// restarts, half-open, "Already Login", expired sessions, refused logins, wrong password, hostile frames.
// Test constants: heartbeat 400/400 ms, backoff base 50 cap 400 floor 20, minUptime 1 s.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/logging/logger.js';
import { createLogger } from '../../src/logging/winston-logger.js';
import { AuthError, isPbxError } from '../../src/session/errors.js';
import { createConnection } from '../../src/socket/connection.js';
import type { RawFrame } from '../../src/socket/types.js';
import { memoryLogger, recordStates, testConfig, waitFor } from './helpers.js';
import { httpClient, token as emulatorToken } from '../emulator/helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emulator(opts: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, timeAndDate: false, ...opts });
  cleanups.push(() => emu.stop());
  return emu;
}

function connect(emu: Emulator, over: Parameters<typeof testConfig>[2] = {}, logLines: string[] = [], random?: () => number, logger: Logger = memoryLogger(logLines)) {
  const conn = createConnection(testConfig(emu.port, emu.fingerprint256, over), { logger, ...(random === undefined ? {} : { random }) });
  cleanups.push(() => conn.close());
  const frames: RawFrame[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const sub = conn.frames$.subscribe({
    next: (f) => frames.push(f),
    error: (e: unknown) => errors.push(e),
    complete: () => (completed = true),
  });
  cleanups.push(() => {
    sub.unsubscribe();
  });
  const rec = recordStates(conn);
  const opens = (): number => rec.states.filter((s) => s.kind === 'open').length;
  return { conn, frames, errors, rec, opens, completed: () => completed };
}

/** Sends one ACD event and waits until it arrives: the stream is alive end to end. */
async function roundTrip(emu: Emulator, c: { frames: RawFrame[] }, tag: string): Promise<void> {
  const before = c.frames.length;
  emu.sendAcd({ code: 18, source: '1000', data1: tag });
  await waitFor(`frame ${tag}`, () => c.frames.slice(before).some((f) => f.data.toString().includes(tag)));
}

describe('connection against the emulator', () => {
  it('20 emulator restarts: exactly one login and one socket per restart, one gap marker each, at most 2 warnings each', async () => {
    const emu = await emulator();
    // The real logger (winston) at debug: what a person reads at info is the warn (and error) lines; debug adds the
    // per-attempt detail.
    const records: { level: string; message: string; cause?: string; attempt?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as (typeof records)[number]);
        done();
      },
    });
    const logger = createLogger({ label: 'restarts', level: 'debug', file: null, console: false, maxSize: 1e6, maxFiles: 1, stream: sink });
    cleanups.push(() => logger.close());
    const c = connect(emu, {}, [], undefined, logger);
    await waitFor('first open', () => c.opens() === 1);
    const base = emu.counters();
    const warningsPerRestart: number[] = [];
    const debugPerRestart: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const from = records.length;
      await emu.restart({ downMs: (i * 37) % 300 });
      await waitFor(`open after restart ${i} (errors: ${c.errors.map(String).join()})`, () => c.opens() === i + 1, 15_000);
      await waitFor('the restored line', () => records.slice(from).some((r) => r.message === 'connection restored'));
      const now = emu.counters();
      expect(now.logins - base.logins, `logins after restart ${i}`).toBe(i);
      expect(now.socketsOpened - base.socketsOpened, `sockets after restart ${i}`).toBe(i);
      expect(now.socketsOpen).toBe(1);
      const these = records.slice(from);
      warningsPerRestart.push(these.filter((r) => r.level === 'warn' || r.level === 'error').length);
      debugPerRestart.push(these.filter((r) => r.level === 'debug').length);
      const lost = these.find((r) => r.message === 'connection lost; reconnecting');
      expect(lost?.cause, `restart ${i}: the cause`).toMatch(/^(close 1006|ECONNREFUSED|HTTP 401)$/);
    }
    console.log(`20 restarts: warnings per restart at info level ${warningsPerRestart.join(' ')}; per-attempt debug lines ${debugPerRestart.join(' ')}`);
    for (const [i, n] of warningsPerRestart.entries()) expect(n, `warnings of restart ${i + 1}`).toBeLessThanOrEqual(2);
    expect(records.some((r) => r.level === 'debug' && r.message === 'reconnect attempt failed; retrying' && typeof r.cause === 'string')).toBe(true);
    const gaps = c.rec.states.filter((s) => s.kind === 'gap');
    expect(gaps).toHaveLength(20);
    for (const g of gaps) expect(g.to).toBeGreaterThanOrEqual(g.from);
    expect(c.conn.stats()).toMatchObject({ logins: 21, reconnects: 20, gaps: 20, socketsOpened: 21 });
    expect(c.errors).toEqual([]);
    await roundTrip(emu, c, 'after-restarts');
  }, 120_000);

  // R24: a name that does not resolve and a port where nothing listens are transient, backed off, and reported as
  // one warning naming the cause; every attempt is a debug line.
  for (const [what, host, cause] of [['an unknown host', 'pbx.invalid', 'ENOTFOUND'], ['a closed port', '127.0.0.1', 'ECONNREFUSED']] as const) {
    it(`${what}: one warning with the cause ${cause}, per-attempt detail at debug, no crash, no login budget spent`, async () => {
      const closedPort = await emulator();
      const port = closedPort.port;
      await closedPort.stop();
      const lines: string[] = [];
      const conn = createConnection(testConfig(port, 'AA'.repeat(32), { server: { host } }), { logger: memoryLogger(lines) });
      cleanups.push(() => conn.close());
      const errors: unknown[] = [];
      const sub = conn.frames$.subscribe({ error: (e: unknown) => errors.push(e) });
      cleanups.push(() => {
        sub.unsubscribe();
      });
      const rec = recordStates(conn);
      await waitFor('six attempts', () => rec.states.filter((st) => st.kind === 'backoff').length >= 6, 20_000);
      const records = lines.map((l) => JSON.parse(l) as { level: string; message: string; cause?: string });
      const warnings = records.filter((r) => r.level === 'warn' || r.level === 'error');
      console.log(`${what}: ${warnings.length} warning(s) ${JSON.stringify(warnings)}; ${records.filter((r) => r.level === 'debug').length} debug lines`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ message: 'cannot connect; retrying', cause });
      expect(records.filter((r) => r.level === 'debug' && r.message === 'reconnect attempt failed; retrying' && r.cause === cause).length).toBeGreaterThanOrEqual(5);
      expect(errors).toEqual([]);
      expect(conn.session.stats()).toMatchObject({ logins: 0 });
      expect(new Set(rec.states.filter((st) => st.kind === 'backoff').map((st) => st.reason))).toEqual(new Set(['network']));
    }, 30_000);
  }

  it('half-open: detected within heartbeat interval + timeout (+ slack), then reconnected', async () => {
    const emu = await emulator();
    const c = connect(emu);
    await waitFor('open', () => c.opens() === 1);
    const latencies: number[] = [];
    for (let trial = 0; trial < 10; trial++) {
      const opensBefore = c.opens();
      // Vary the phase against the ping timer: detection then falls anywhere in [T, H + T].
      await new Promise((r) => setTimeout(r, (trial * 97) % 400));
      const from = performance.now();
      emu.faults.halfOpen(true);
      const idx = c.rec.states.length;
      await waitFor('heartbeat timeout', () => c.rec.states.slice(idx).some((s) => s.kind === 'closed' && s.reason === 'heartbeat-timeout'), 10_000);
      const at = c.rec.stamps[c.rec.states.findIndex((s, i) => i >= idx && s.kind === 'closed' && s.reason === 'heartbeat-timeout')] ?? 0;
      latencies.push(at - from);
      emu.faults.halfOpen(false);
      await waitFor('reopen', () => c.opens() === opensBefore + 1, 10_000);
    }
    console.log(`half-open detection latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(', ')} (bound 400 + 400 + slack)`);
    // H + T = 800 ms, + 1 s slack for a loaded 2-core machine.
    for (const l of latencies) expect(l).toBeLessThan(1_800);
    expect(c.errors).toEqual([]);
    await roundTrip(emu, c, 'after-half-open');
  }, 60_000);

  it('"Already Login" never happens after a crash with a token file: the stored token is logged out before the first login', async () => {
    const emu = await emulator();
    const dir = mkdtempSync(join(tmpdir(), 'ipecs-token-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const tokenFile = join(dir, 'token');
    // Run 1 logs in and "crashes": its socket goes, its session stays (no logout).
    const first = createConnection(testConfig(emu.port, emu.fingerprint256, { session: { tokenFile } }), { logger: memoryLogger() });
    const sub1 = first.frames$.subscribe({ error: () => undefined });
    await waitFor('run 1 logged in', () => first.stats().logins === 1);
    await waitFor('token file', () => {
      try {
        return statSync(tokenFile).size > 0;
      } catch {
        return false;
      }
    });
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    sub1.unsubscribe();
    // Run 2: the same account while run 1's session is alive.
    const c = connect(emu, { session: { tokenFile } });
    await waitFor('run 2 open', () => c.opens() === 1, 15_000);
    const n = emu.counters();
    expect(n.alreadyLogin).toBe(0); // logged out first, so never refused
    expect(n.logouts).toBe(1); // the stored token's logout
    expect(n.logins).toBe(2);
    expect(c.conn.session.stats()).toMatchObject({ loginAttempts: 1, loginFailures: 0, logins: 1 });
    await first.close(); // its logout now fails harmlessly (401: the token was already logged out)
    await roundTrip(emu, c, 'after-already-login');
  }, 60_000);

  it('"Already Login" with no token file: retried with backoff until the account is free', async () => {
    const emu = await emulator();
    emu.faults.alreadyLogin(true);
    const c = connect(emu);
    await waitFor('a few refusals', () => emu.counters().alreadyLogin >= 3, 10_000);
    emu.faults.alreadyLogin(false);
    await waitFor('open', () => c.opens() === 1, 10_000);
    expect(emu.counters().logins).toBe(1);
    expect(c.errors).toEqual([]);
  }, 30_000);

  it('an expired session ("Log out other users") is recovered with one re-login', async () => {
    const emu = await emulator();
    const c = connect(emu);
    await waitFor('open', () => c.opens() === 1);
    emu.faults.expireSessions();
    await waitFor('reopen', () => c.opens() === 2, 10_000);
    expect(emu.counters().logins).toBe(2);
    expect(c.conn.session.generation()).toBe(2);
    expect(c.rec.states.filter((s) => s.kind === 'gap')).toHaveLength(1);
    await roundTrip(emu, c, 'after-expiry');
  }, 30_000);

  it('a session that ends under an open socket (expire-sessions, sockets kept) is found by the probe: one re-login, one new socket, one gap', async () => {
    const emu = await emulator();
    // keepAlive 'ping' (the default): while the socket is open, check-connection only probes, every probeIntervalMs.
    const c = connect(emu, { session: { probeIntervalMs: 300 } });
    await waitFor('open', () => c.opens() === 1);
    const base = emu.counters();
    const t0 = performance.now();
    emu.faults.expireSessions({ sockets: 'keep' });
    expect(emu.counters().socketsOpen).toBe(1); // the emulator left the socket up: only REST says the session is gone
    await waitFor('reopen', () => c.opens() === 2, 10_000);
    const foundMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500)); // room for a second login or socket, if there were one
    const n = emu.counters();
    console.log(`session ended under an open socket: found and replaced ${foundMs.toFixed(0)} ms after the expiry (probe every 300 ms)`);
    expect(n.logins - base.logins).toBe(1);
    expect(n.socketsOpened - base.socketsOpened).toBe(1);
    expect(n.socketsOpen).toBe(1);
    expect(c.rec.states.filter((s) => s.kind === 'gap')).toHaveLength(1);
    expect(c.rec.states.find((s) => s.kind === 'closed')).toMatchObject({ reason: 'session-expired' });
    expect(c.conn.session.generation()).toBe(2);
    expect(c.errors).toEqual([]);
    await roundTrip(emu, c, 'after-keep-expiry');
  }, 30_000);

  it('an "Invalid Token" answer to any REST call while the socket is open: re-login and a new socket at once, one gap', async () => {
    const emu = await emulator();
    // No probe: the REST call alone must bring the news.
    const c = connect(emu, { session: { probeIntervalMs: 0 } });
    await waitFor('open', () => c.opens() === 1);
    const base = emu.counters();
    emu.faults.expireSessions({ sockets: 'keep' });
    const res = await new Promise<number>((resolve, reject) => {
      c.conn.session.request$({ method: 'GET', path: '/ipxapi/server/v1/users/acd/call/dnd', query: { deviceNumber: '1000', DN: '1000' } }).subscribe({
        next: (r) => { resolve(r.status); },
        error: reject,
      });
    });
    expect(res).not.toBe(401); // resent once on the new session
    await waitFor('reopen', () => c.opens() === 2, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const n = emu.counters();
    expect(n.logins - base.logins).toBe(1); // the request's re-login and the socket's are one
    expect(n.socketsOpened - base.socketsOpened).toBe(1);
    expect(c.rec.states.filter((s) => s.kind === 'gap')).toHaveLength(1);
    const backoff = c.rec.states.find((s) => s.kind === 'backoff');
    expect(backoff).toMatchObject({ reason: 'session-expired' });
    expect(backoff?.kind === 'backoff' ? backoff.delayMs : -1).toBeLessThanOrEqual(testConfig(0, '').socket.backoffFloorMs);
    expect(c.errors).toEqual([]);
    await roundTrip(emu, c, 'after-invalid-token');
  }, 30_000);

  it('refused logins (503 for 1.5 s) are backed off and bounded, then the login succeeds', async () => {
    const emu = await emulator();
    emu.faults.refuseLogins(1.5, { as: 'unavailable' });
    const t0 = performance.now();
    // Login retry base 100 / cap 800, jitter fixed at the middle: delays 75, 125, 225, 425, 425… ms.
    const c = connect(emu, { session: { loginRetryBaseMs: 100, loginRetryCapMs: 800 } }, [], () => 0.5);
    await waitFor('open', () => c.opens() === 1, 15_000);
    const elapsed = performance.now() - t0;
    const failures = emu.counters().loginFailures;
    console.log(`refused logins: ${failures} refused attempts over ${elapsed.toFixed(0)} ms before success`);
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    // Attempts at 0, 75, 200, 425, 850, 1275 are refused; 1700 succeeds (later ones if the machine is slow).
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(7);
    expect(c.errors).toEqual([]);
    expect(emu.counters().logins).toBe(1);
  }, 30_000);

  it('a wrong password stops with AuthError (AUTH_INVALID_CREDENTIALS) after one login attempt, and logs no password', async () => {
    const emu = await emulator();
    const lines: string[] = [];
    const c = connect(emu, { server: { password: 'canary-Pa55word' } }, lines);
    await waitFor('error', () => c.errors.length === 1);
    const err = c.errors[0];
    expect(err).toBeInstanceOf(AuthError);
    expect(isPbxError(err) && err.code).toBe('AUTH_INVALID_CREDENTIALS');
    // A second subscriber gets the same error without another login.
    const again: unknown[] = [];
    c.conn.frames$.subscribe({ error: (e: unknown) => again.push(e) });
    await waitFor('second error', () => again.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    const n = emu.counters();
    expect(n.loginFailures + n.logins).toBe(1);
    expect(lines.join('\n')).not.toContain('canary-Pa55word');
  }, 30_000);

  it('malformed frames (invalid UTF-8 too) are delivered raw and keep the socket; an oversized frame closes 1009, is counted, and the socket comes back', async () => {
    const emu = await emulator();
    const c = connect(emu, { socket: { maxFrameBytes: 256 * 1024 } });
    await waitFor('open', () => c.opens() === 1);
    for (const kind of ['invalid-json', 'not-object', 'no-event-code', 'binary'] as const) {
      const before = c.frames.length;
      emu.faults.sendMalformed(kind);
      await waitFor(`${kind} delivered`, () => c.frames.length === before + 1);
    }
    expect(c.frames.at(-1)?.isBinary).toBe(true);
    expect(c.opens()).toBe(1);
    emu.faults.sendMalformed('oversized', 512 * 1024);
    await waitFor('reopen after 1009', () => c.opens() === 2, 10_000);
    const closed = c.rec.states.find((s) => s.kind === 'closed');
    expect(closed).toMatchObject({ kind: 'closed', reason: 'too-large', code: 1009 });
    expect(c.conn.stats().oversizedFrames).toBe(1);
    expect(emu.counters().logins).toBe(1); // the session survived: no re-login
    // invalid UTF-8 in a text frame: delivered raw (the decoder counts it), the socket stays.
    const before = c.frames.length;
    emu.faults.sendMalformed('invalid-utf8');
    await waitFor('invalid-utf8 delivered', () => c.frames.length === before + 1);
    expect(c.frames.at(-1)).toMatchObject({ isBinary: false });
    await roundTrip(emu, c, 'after-invalid-utf8');
    expect(c.opens()).toBe(2);
    expect(c.errors).toEqual([]);
    expect(c.completed()).toBe(false);
    await roundTrip(emu, c, 'after-hostile');
  }, 30_000);

  it('close(): logs out, completes frames$ and connection$, and is idempotent', async () => {
    const emu = await emulator();
    const c = connect(emu);
    await waitFor('open', () => c.opens() === 1);
    let stateDone = false;
    c.conn.connection$.subscribe({ complete: () => (stateDone = true) });
    const t0 = performance.now();
    await Promise.all([c.conn.close(), c.conn.close()]);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(c.completed()).toBe(true);
    expect(stateDone).toBe(true);
    expect(c.rec.states.at(-1)).toMatchObject({ kind: 'closed', reason: 'client-closed' });
    await waitFor('server saw the logout and the socket close', () => emu.counters().logouts === 1 && emu.counters().socketsOpen === 0);
    await c.conn.close();
    expect(emu.counters().logouts).toBe(1);
  }, 30_000);

  it('the three-account limit (401 code 99, A-39) is a refusal to retry within the budget, not a wrong password', async () => {
    const accounts = ['acd', 'a2', 'a3', 'a4'].map((userId) => ({ userId, password: userId, kind: 'server' as const }));
    const emu = await emulator({ accounts, maxAccounts: 3 });
    const others = await Promise.all(['a2', 'a3', 'a4'].map((u) => emulatorToken(emu, u, u)));
    const c = connect(emu);
    await waitFor('two refused logins', () => emu.counters().loginFailures >= 2);
    expect(c.errors).toEqual([]);
    expect(c.opens()).toBe(0);
    const [, , last] = others;
    await httpClient(emu).post('/ipxapi/server/v1/users/a4/logout', null, { headers: { Authorization: `Bearer ${last!}` } });
    await waitFor('open once a slot is free', () => c.opens() === 1, 15_000);
    expect(c.rec.states.some((s) => s.kind === 'closed')).toBe(false);
  }, 30_000);

  it('close() during a refused-login backoff: resolves promptly, completes, and no login is attempted afterwards', async () => {
    const emu = await emulator();
    emu.faults.refuseLogins(30);
    const c = connect(emu);
    await waitFor('a refused login', () => emu.counters().loginFailures >= 2);
    const t0 = performance.now();
    await c.conn.close();
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(c.completed()).toBe(true);
    const after = emu.counters().loginFailures;
    await new Promise((r) => setTimeout(r, 800));
    expect(emu.counters().loginFailures).toBe(after);
    expect(emu.counters().logins).toBe(0);
  }, 30_000);

  it('close() while the PBX is down (socket backoff): completes, and no socket is ever opened again', async () => {
    const emu = await emulator();
    const c = connect(emu);
    await waitFor('open', () => c.opens() === 1);
    const restarting = emu.restart({ downMs: 1_500 });
    await waitFor('backoff', () => c.rec.states.some((st) => st.kind === 'backoff'), 5_000);
    await c.conn.close();
    expect(c.completed()).toBe(true);
    await restarting;
    await new Promise((r) => setTimeout(r, 800));
    expect(emu.counters().socketsOpen).toBe(0);
    expect(c.opens()).toBe(1);
  }, 30_000);

  it('two connections in one process (two accounts) do not see each other', async () => {
    const emu = await emulator({
      accounts: [
        { userId: 'acd', password: 'acd', kind: 'server' },
        { userId: 'acd2', password: 'pw2', kind: 'server' },
      ],
    });
    const a = connect(emu);
    const b = connect(emu, { server: { userId: 'acd2', password: 'pw2' } });
    await waitFor('both open', () => a.opens() === 1 && b.opens() === 1);
    await a.conn.close();
    await roundTrip(emu, b, 'b-still-alive');
    expect(b.opens()).toBe(1);
    expect(b.conn.stats().socketsOpened).toBe(1);
    expect(a.conn.stats().socketsOpened).toBe(1);
    expect(emu.counters().socketsOpen).toBe(1);
  }, 30_000);

  it('keep-alive: check-connection every checkConnectionTimer/2 while no socket is open keeps the session alive', async () => {
    const emu = await emulator({ sessionTimeoutSeconds: 2 });
    const conn = createConnection(testConfig(emu.port, emu.fingerprint256), { logger: memoryLogger() });
    cleanups.push(() => conn.close());
    // A session without a socket: the token comes from a command-style request.
    const tok = await new Promise<number>((resolve, reject) => {
      conn.session.token$().subscribe({ next: (t) => { resolve(t.generation); }, error: reject });
    });
    expect(tok).toBe(1);
    // checkConnectionTimer 2 s → every 1 s; after 3.5 s the session (timeout 2 s) must still be alive.
    await new Promise((r) => setTimeout(r, 3_500));
    expect(conn.session.stats().checkConnections).toBeGreaterThanOrEqual(2);
    expect(emu.counters().sessionsExpired).toBe(0);
  }, 30_000);
});
