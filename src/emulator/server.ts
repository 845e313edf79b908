// The emulator's transport: one HTTPS (or HTTP) server carrying the ipxapi REST routes, the WebSocket upgrade
// and the local admin API, with the session rules of ipecs-webapi.md §1.4-1.5, §3 and §10.1 items 1-18.

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { makeCertificate } from './cert.js';
import { acdWireData, formatAcdFrame, formatPbxTime, type AcdWireInput } from './format.js';
import { LiveCentre, emptyGroundTruth } from './centre.js';
import { loadScenario } from './scenario.js';
import { CtiService, parseBody, type ApiRequestRecord } from './cti-service.js';
import type { SmdrRecordInput, SmdrStoredRecord } from './smdr-store.js';
import type {
  CentreOptions,
  Emulator,
  EmulatorAccount,
  EmulatorClientConfig,
  ExpireSocketsMode,
  SentFrame,
  EmulatorCounters,
  EmulatorFaults,
  EmulatorOptions,
  GroundTruth,
  MalformedKind,
} from './types.js';

interface Session {
  readonly token: string;
  readonly account: EmulatorAccount;
  /** Monotonic ms of the last authenticated request, ping or socket close. */
  lastActivity: number;
  readonly sockets: Set<WebSocket>;
}

interface Route {
  readonly type: 'server' | 'client' | undefined;
  readonly userId: string;
  readonly resource: string;
}

const ERR_LOGIN = { code: 2, message: 'Invalid Login Information' } as const;
const ERR_TOKEN = { code: 3, message: 'Invalid Token' } as const;
const ERR_ALREADY = { code: 99, message: 'Already Login' } as const;
const ERR_TOO_MANY = { code: 99, message: 'Maximum Number Of Logins Exceeded' } as const;
const ERR_NOT_FOUND = { code: 99, message: 'Not Found' } as const;
const ERR_UNAVAILABLE = { code: 99, message: 'Service Unavailable' } as const;
const ERR_FORBIDDEN = { code: 3, message: 'License error' } as const;

const SYSTEM_VERSION = 'S-UCP-Rls2008-4.0.33-App';
const DEFAULT_ACCOUNTS: readonly EmulatorAccount[] = [
  { userId: 'acd', password: 'acd', kind: 'server', privileges: { acd: true, smdr: true, cti: true } },
];

const monotonic = (): number => performance.now();

/** Matches `/ipxapi/users/{id}/{resource}` and `/ipxapi/{type}/v1/users/{id}/{resource}[/…]`. */
function parseRoute(pathname: string): Route | undefined {
  const full = /^\/ipxapi\/(server|client)\/v1\/users\/([^/]+)\/(.+?)\/?$/.exec(pathname);
  if (full) {
    return { type: full[1] as 'server' | 'client', userId: decodeURIComponent(full[2] ?? ''), resource: full[3] ?? '' };
  }
  const short = /^\/ipxapi\/users\/([^/]+)\/(checkconnection)\/?$/.exec(pathname);
  if (short) return { type: undefined, userId: decodeURIComponent(short[1] ?? ''), resource: short[2] ?? '' };
  return undefined;
}

/** Splits `Authorization` into a lower-case scheme and its credentials. */
function authHeader(req: http.IncomingMessage): { scheme: string; value: string } | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(h);
  if (!m) return undefined;
  return { scheme: (m[1] ?? '').toLowerCase(), value: m[2] ?? '' };
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '::1' || addr?.startsWith('127.') === true || addr?.startsWith('::ffff:127.') === true;
}

/** The i-th event of `burst`: a cheap rotation of station busy/idle events (also paced by bench/emulator-process.ts). */
export function burstEvent(i: number): AcdWireInput {
  const station = String(1000 + (i % 50));
  return i % 2 === 0
    ? { code: 17, callRefId: 1 + (i >> 1), source: station, dest: '1', destType: 'CO' }
    : { code: 18, source: station };
}

class EmulatorImpl implements Emulator {
  readonly host: string;
  port: number;
  readonly tls: boolean;
  certificatePem = '';
  fingerprint256 = '';
  readonly faults: EmulatorFaults;

  private key = '';
  private server: http.Server | undefined;
  private readonly wss: WebSocketServer;
  private readonly accounts: readonly EmulatorAccount[];
  private readonly sessions = new Map<string, Session>();
  /** Account id → monotonic ms until which it still answers "Already Login" (cleanup grace). */
  private readonly graceUntil = new Map<string, number>();
  private readonly rawSockets = new Map<WebSocket, Duplex>();
  private readonly sessionOf = new Map<WebSocket, Session>();
  private readonly timeoutSeconds: number;
  private readonly maxAccounts: number;
  private readonly graceMs: number;
  private readonly padBlanks: boolean;
  private readonly timeAndDate: boolean;
  private readonly log: (line: string) => void;
  private readonly count: EmulatorCounters = {
    logins: 0, loginFailures: 0, alreadyLogin: 0, logouts: 0, socketsOpened: 0, socketsOpen: 0,
    upgradesRefused: 0, framesSent: 0, sessionsExpired: 0,
  };
  private halfOpenOn = false;
  private alreadyLoginOn = false;
  private refuseUntil = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  private minuteTimer: NodeJS.Timeout | undefined;
  private centre: LiveCentre | undefined;
  private lastTruth: GroundTruth | undefined;
  private stopped = false;
  private readonly centreDefaults: CentreOptions | false;
  private readonly cti: CtiService;
  /** The sent-frame log, when `recordSent` is on. */
  private readonly sent: SentFrame[] | undefined;

  constructor(options: EmulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 8743;
    this.tls = options.tls ?? true;
    this.accounts = options.accounts ?? DEFAULT_ACCOUNTS;
    this.timeoutSeconds = options.sessionTimeoutSeconds ?? 120;
    this.maxAccounts = options.maxAccounts ?? 3;
    this.graceMs = options.alreadyLoginGraceMs ?? 0;
    this.padBlanks = options.padBlanks ?? true;
    this.timeAndDate = options.timeAndDate ?? true;
    this.log = options.logger ?? ((): void => undefined);
    this.centreDefaults = options.centre ?? false;
    this.sent = options.recordSent === true ? [] : undefined;
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
    this.cti = new CtiService(
      {
        send: (key, frame) => {
          const sockets = [...(this.sessions.get(key)?.sockets ?? [])].filter((ws) => ws.readyState === ws.OPEN);
          this.sendTo(sockets, frame, false);
          return this.halfOpenOn ? 0 : sockets.length;
        },
        smdrSessions: () => [...this.sessions.values()].filter((x) => x.account.kind === 'server' && x.account.privileges?.smdr !== false).map((x) => x.token),
        log: (line) => { this.log(line); },
      },
      options.cti,
    );
    this.faults = {
      dropSockets: (): void => {
        this.log('fault: drop sockets');
        for (const ws of [...this.sessionOf.keys()]) ws.terminate();
      },
      halfOpen: (on: boolean): void => {
        this.log(`fault: half-open ${on ? 'on' : 'off'}`);
        this.halfOpenOn = on;
        for (const raw of this.rawSockets.values()) {
          if (on) raw.pause();
          else raw.resume();
        }
      },
      refuseLogins: (seconds: number): void => {
        this.log(`fault: refuse logins for ${seconds}s`);
        this.refuseUntil = monotonic() + seconds * 1000;
      },
      alreadyLogin: (on: boolean): void => {
        this.log(`fault: already-login ${on ? 'on' : 'off'}`);
        this.alreadyLoginOn = on;
      },
      expireSessions: (opts?: { readonly sockets?: ExpireSocketsMode }): void => {
        const mode = opts?.sockets ?? 'drop';
        this.log(`fault: expire sessions (sockets: ${mode})`);
        for (const s of [...this.sessions.values()]) this.endSession(s, 'expired', mode);
      },
      sendMalformed: (kind: MalformedKind, size?: number): void => {
        this.sendMalformed(kind, size);
      },
    };
  }

  clientConfig(opts: { readonly userId?: string } = {}): EmulatorClientConfig {
    const account = opts.userId === undefined ? (this.accounts.find((a) => a.kind === 'server') ?? this.accounts[0]) : this.accounts.find((a) => a.userId === opts.userId);
    if (!account) throw new Error(`the emulator has no account ${JSON.stringify(opts.userId)}`);
    return {
      server: { host: this.host, port: this.port, userId: account.userId, password: account.password, type: account.kind === 'station' ? 'client' : 'server' },
      tls: this.tls ? { fingerprint256: this.fingerprint256 } : {},
    };
  }

  get baseUrl(): string {
    return `${this.tls ? 'https' : 'http'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.tls) {
      const c = await makeCertificate(this.host);
      this.key = c.key;
      this.certificatePem = c.cert;
      this.fingerprint256 = c.fingerprint256;
    }
    await this.listen(this.port);
    const checkMs = Math.max(100, Math.min(1000, (this.timeoutSeconds * 1000) / 4));
    this.expiryTimer = setInterval(() => { this.expireIdle(); }, checkMs);
    this.expiryTimer.unref();
    if (this.timeAndDate) this.armMinute();
    if (this.centreDefaults !== false) this.startCentre(this.centreDefaults);
  }

  private createServer(): http.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((e: unknown) => {
        this.log(`request error: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) this.json(res, 500, { error: { code: 99, message: 'Internal Error' } });
      });
    };
    const server = this.tls
      ? https.createServer({ key: this.key, cert: this.certificatePem }, handler)
      : http.createServer(handler);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => { this.upgrade(req, socket, head); });
    server.on('clientError', (_err, socket: Duplex) => { socket.destroy(); });
    server.keepAliveTimeout = 5000;
    return server;
  }

  private listen(port: number): Promise<void> {
    const server = this.createServer();
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => { reject(e); };
      server.once('error', onError);
      server.listen(port, this.host, () => {
        server.off('error', onError);
        server.on('error', (e) => { this.log(`server error: ${e.message}`); });
        const addr = server.address();
        if (addr !== null && typeof addr === 'object') this.port = addr.port;
        this.log(`listening on ${this.baseUrl}`);
        resolve();
      });
    });
  }

  private closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => { resolve(); });
      server.closeAllConnections();
    });
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------

  private json(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private error(res: http.ServerResponse, status: number, err: { code: number; message: string }): void {
    this.json(res, status, { error: err });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;
    if (path === '/admin' || path.startsWith('/admin/')) {
      await this.admin(req, res, url);
      return;
    }
    // Read the body (only the CTI/SMDR/click-to-call routes use it; they are small).
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const route = parseRoute(path);
    if (route === undefined) {
      this.error(res, 404, ERR_NOT_FOUND);
      return;
    }
    if (route.resource === 'login' && route.type !== undefined) {
      this.login(req, res, route.type, route.userId);
      return;
    }
    const session = this.authenticate(req, route.userId);
    if (session === undefined) {
      this.error(res, 401, ERR_TOKEN);
      return;
    }
    session.lastActivity = monotonic();
    if (route.resource === 'checkconnection') {
      this.json(res, 200, {});
      return;
    }
    if (route.resource === 'logout' && route.type !== undefined) {
      this.count.logouts++;
      this.endSession(session, 'logout');
      res.writeHead(200, { 'content-length': 0 });
      res.end();
      return;
    }
    if (route.type === 'client' && session.account.kind === 'server') {
      this.error(res, 403, ERR_FORBIDDEN);
      return;
    }
    const record: ApiRequestRecord = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams), body: parseBody(text) };
    const answer = this.cti.handle({ key: session.token, kind: session.account.kind, userId: session.account.userId }, record.method, route.resource, record);
    if (answer !== undefined) {
      if (answer.body === undefined) {
        res.writeHead(answer.status, { 'content-length': 0 });
        res.end();
      } else this.json(res, answer.status, answer.body);
      if (answer.after !== undefined) setImmediate(answer.after);
      return;
    }
    this.error(res, 404, ERR_NOT_FOUND);
  }

  private login(req: http.IncomingMessage, res: http.ServerResponse, type: 'server' | 'client', userId: string): void {
    const fail = (status: number, err: { code: number; message: string }): void => {
      this.count.loginFailures++;
      this.log(`login ${userId} refused: ${status} ${err.message}`);
      this.error(res, status, err);
    };
    if (req.method !== 'GET') {
      this.error(res, 404, ERR_NOT_FOUND);
      return;
    }
    const now = monotonic();
    if (now < this.refuseUntil) {
      fail(503, ERR_UNAVAILABLE);
      return;
    }
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
    const account = this.accounts.find((a) => a.userId === userId);
    const kindOk = account !== undefined && (account.kind === 'server') === (type === 'server');
    if (account === undefined || id !== userId || password !== account.password || !kindOk) {
      fail(401, ERR_LOGIN);
      return;
    }
    this.expireIdle();
    const live = [...this.sessions.values()].some((s) => s.account.userId === userId);
    if (this.alreadyLoginOn || live || now < (this.graceUntil.get(userId) ?? 0)) {
      this.count.alreadyLogin++;
      fail(401, ERR_ALREADY);
      return;
    }
    if (account.kind === 'server') {
      const serverAccounts = new Set(
        [...this.sessions.values()].filter((s) => s.account.kind === 'server').map((s) => s.account.userId),
      );
      if (serverAccounts.size >= this.maxAccounts) {
        fail(401, ERR_TOO_MANY);
        return;
      }
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { token, account, lastActivity: now, sockets: new Set() });
    this.count.logins++;
    this.log(`login ${userId} (${type}) ok`);
    const body: Record<string, unknown> = {
      token,
      checkConnectionTimer: this.timeoutSeconds,
      systemType: 'iPECS UCP',
      systemVersion: SYSTEM_VERSION,
      apiVersion: '1.0.0',
    };
    if (account.kind === 'server' && account.privileges?.cti !== false) body['terminalCount'] = this.cti.terminalCount();
    this.json(res, 200, body);
  }

  /** The live session of a bearer token, or undefined (unknown, expired, or another user's token). */
  private authenticate(req: http.IncomingMessage, userId: string | undefined): Session | undefined {
    const auth = authHeader(req);
    if (auth?.scheme !== 'bearer') return undefined;
    const session = this.sessions.get(auth.value);
    if (session === undefined) return undefined;
    if (this.isExpired(session, monotonic())) {
      this.endSession(session, 'expired');
      return undefined;
    }
    if (userId !== undefined && session.account.userId !== userId) return undefined;
    return session;
  }

  private isExpired(s: Session, now: number): boolean {
    return s.sockets.size === 0 && now - s.lastActivity > this.timeoutSeconds * 1000;
  }

  private expireIdle(): void {
    const now = monotonic();
    for (const s of [...this.sessions.values()]) if (this.isExpired(s, now)) this.endSession(s, 'expired');
  }

  private endSession(s: Session, why: 'logout' | 'expired', sockets: ExpireSocketsMode = why === 'logout' ? 'close' : 'drop'): void {
    if (!this.sessions.delete(s.token)) return;
    this.cti.dropSession(s.token);
    if (why === 'expired') this.count.sessionsExpired++;
    this.log(`session of ${s.account.userId} ended (${why})`);
    if (this.graceMs > 0) this.graceUntil.set(s.account.userId, monotonic() + this.graceMs);
    if (sockets === 'keep') return;
    for (const ws of [...s.sockets]) {
      if (sockets === 'drop') ws.terminate();
      else ws.close(1000, why);
    }
  }

  // ---- WebSocket -------------------------------------------------------------------------------------------

  private refuse(socket: Duplex, status: number, err: { code: number; message: string }): void {
    this.count.upgradesRefused++;
    const body = JSON.stringify({ error: err });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const bare = path === '/ipxapi' || path === '/ipxapi/';
    const route = bare ? undefined : parseRoute(path);
    if (!bare && (route === undefined || route.type === undefined)) {
      this.log(`upgrade refused: bad path`);
      this.refuse(socket, 404, ERR_NOT_FOUND);
      return;
    }
    const session = this.authenticate(req, route?.userId);
    if (session === undefined) {
      this.log(`upgrade refused: bad token`);
      this.refuse(socket, 401, ERR_TOKEN);
      return;
    }
    session.lastActivity = monotonic();
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!this.sessions.has(session.token) || this.stopped) {
        ws.terminate();
        return;
      }
      this.count.socketsOpened++;
      this.count.socketsOpen++;
      session.sockets.add(ws);
      this.sessionOf.set(ws, session);
      this.rawSockets.set(ws, socket);
      if (this.halfOpenOn) socket.pause();
      this.log(`socket opened for ${session.account.userId}`);
      ws.on('ping', () => { session.lastActivity = monotonic(); });
      ws.on('pong', () => { session.lastActivity = monotonic(); });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        this.count.socketsOpen--;
        session.sockets.delete(ws);
        this.sessionOf.delete(ws);
        this.rawSockets.delete(ws);
        session.lastActivity = monotonic();
      });
    });
  }

  private openSockets(acdOnly: boolean): WebSocket[] {
    const out: WebSocket[] = [];
    for (const [ws, s] of this.sessionOf) {
      if (ws.readyState !== ws.OPEN) continue;
      if (acdOnly && (s.account.kind !== 'server' || s.account.privileges?.acd === false)) continue;
      out.push(ws);
    }
    return out;
  }

  private sendTo(sockets: readonly WebSocket[], frame: string | Buffer, binary: boolean, cb?: () => void): void {
    if (this.halfOpenOn) return;
    for (const ws of sockets) {
      ws.send(frame, { binary }, cb);
      this.count.framesSent++;
    }
    if (this.sent !== undefined && sockets.length > 0) {
      const text = typeof frame === 'string' ? frame : !binary && isUtf8(frame) ? frame.toString('utf8') : frame.toString('base64');
      this.sent.push({ seq: this.sent.length + 1, at: Date.now(), text, binary: binary || (typeof frame !== 'string' && !isUtf8(frame)), sockets: sockets.length });
    }
  }

  sentFrames(): readonly SentFrame[] {
    return this.sent ?? [];
  }

  sendAcd(event: AcdWireInput): void {
    if (this.stopped) return;
    this.sendTo(this.openSockets(true), formatAcdFrame(event, { padBlanks: this.padBlanks }), false);
  }

  sendRaw(frame: string | Buffer, opts?: { binary?: boolean }): void {
    if (this.stopped) return;
    this.sendTo(this.openSockets(false), frame, opts?.binary ?? false);
  }

  private sendMalformed(kind: MalformedKind, size?: number): void {
    this.log(`fault: malformed ${kind}`);
    const time = formatPbxTime(Date.now());
    switch (kind) {
      case 'invalid-json':
        this.sendRaw('{"event":"acd","data":{"time":"' + time + '","eventCode":18,');
        return;
      case 'not-object':
        this.sendRaw('["acd",18]');
        return;
      case 'no-event-code':
        this.sendRaw(JSON.stringify({ event: 'acd', data: { time, eventString: 'STATION IDLE', sourceType: 'Station', sourceNumber: '1000' } }));
        return;
      case 'oversized': {
        const n = size ?? 2 * 1024 * 1024;
        const data = acdWireData({ code: 72, callRefId: 1, source: '1', dest: '1000', data1: '0123456789' }, { padBlanks: this.padBlanks });
        const head = JSON.stringify({ event: 'acd', data: { ...data, data2: '' } });
        this.sendRaw(JSON.stringify({ event: 'acd', data: { ...data, data2: 'X'.repeat(Math.max(0, n - head.length)) } }));
        return;
      }
      case 'binary':
        this.sendRaw(randomBytes(size ?? 64), { binary: true });
        return;
      case 'invalid-utf8':
        this.sendRaw(Buffer.concat([Buffer.from('{"event":"acd","data":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]), { binary: false });
        return;
    }
  }

  async burst(n: number): Promise<{ sent: number; ms: number }> {
    const start = monotonic();
    const sockets = this.openSockets(true);
    if (sockets.length === 0 || this.halfOpenOn) return { sent: 0, ms: 0 };
    const opts = { padBlanks: this.padBlanks };
    const time = formatPbxTime(Date.now());
    const highWater = 1 << 20;
    let sent = 0;
    while (sent < n) {
      const batch = Math.min(256, n - sent);
      let flushed: Promise<void> = Promise.resolve();
      for (let i = 0; i < batch; i++) {
        const frame = formatAcdFrame({ ...burstEvent(sent + i), time }, opts);
        const last = i === batch - 1;
        if (last) {
          flushed = new Promise<void>((resolve) => {
            let left = sockets.length;
            this.sendTo(sockets, frame, false, () => { if (--left === 0) resolve(); });
          });
        } else this.sendTo(sockets, frame, false);
      }
      sent += batch;
      const live = sockets.filter((ws) => ws.readyState === ws.OPEN);
      if (live.length === 0) break;
      if (live.some((ws) => ws.bufferedAmount > highWater)) await flushed;
    }
    return { sent, ms: monotonic() - start };
  }

  // ---- TIME & DATE, centre, scenarios ----------------------------------------------------------------------

  private armMinute(): void {
    const now = Date.now();
    const next = Math.floor(now / 60_000) * 60_000 + 60_000;
    this.minuteTimer = setTimeout(() => {
      if (this.centre === undefined) {
        const d = new Date();
        const mmdd = `${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
        this.sendAcd({ code: 68, time: d, data1: mmdd, data2: String(d.getFullYear() % 100).padStart(2, '0') });
      }
      this.armMinute();
    }, next - now + 5);
    this.minuteTimer.unref();
  }

  startCentre(opts?: CentreOptions): void {
    this.stopCentre();
    const base = this.centreDefaults === false ? {} : this.centreDefaults;
    this.centre = new LiveCentre({ ...base, ...opts }, (e) => { this.sendAcd(e); this.cti.onCentreEvent(e); });
    this.centre.start();
    this.log('centre started');
  }

  stopCentre(): void {
    if (this.centre === undefined) return;
    this.centre.stop();
    this.lastTruth = this.centre.groundTruth();
    this.centre = undefined;
    this.log('centre stopped');
  }

  groundTruth(): GroundTruth {
    return this.centre?.groundTruth() ?? this.lastTruth ?? emptyGroundTruth();
  }

  counters(): EmulatorCounters {
    return { ...this.count };
  }

  apiRequests(): readonly ApiRequestRecord[] {
    return this.cti.received();
  }

  smdrAdd(record: SmdrRecordInput): SmdrStoredRecord {
    return this.cti.addSmdr(record);
  }

  smdrRecords(): readonly SmdrStoredRecord[] {
    return this.cti.smdr.all();
  }

  setRegistered(deviceNumber: string, registered: boolean): void {
    this.cti.setRegistered(deviceNumber, registered);
  }

  async playScenario(nameOrPath: string, opts?: { speed?: number }): Promise<void> {
    const lines = await loadScenario(nameOrPath);
    const speed = opts?.speed ?? 1;
    for (const line of lines) {
      if (this.stopped) return;
      const delay = line.delayMs / speed;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      this.sendAcd(line.acd);
    }
  }

  // ---- admin ----------------------------------------------------------------------------------------------

  private async admin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!isLoopback(req.socket.remoteAddress) && req.socket.remoteAddress !== this.host) {
      req.resume();
      this.error(res, 403, { code: 99, message: 'Admin is local only' });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const body = raw.toString('utf8');
    const q = url.searchParams;
    const on = (): boolean => q.get('on') !== '0' && q.get('on') !== 'false';
    const path = url.pathname.replace(/\/+$/, '');
    const get = req.method === 'GET';
    const ok = (extra?: unknown): void => { this.json(res, 200, extra ?? { ok: true }); };
    switch (path) {
      case '/admin/ground-truth': ok(this.groundTruth()); return;
      case '/admin/counters': ok(this.counters()); return;
      case '/admin/sent-frames': ok(this.sentFrames()); return;
      case '/admin/api-requests': ok(this.apiRequests()); return;
      case '/admin/smdr':
        if (get) {
          ok(this.smdrRecords());
          return;
        }
        break;
      default: break;
    }
    if (get) {
      this.error(res, 404, ERR_NOT_FOUND);
      return;
    }
    switch (path) {
      case '/admin/faults/drop-sockets': this.faults.dropSockets(); ok(); return;
      case '/admin/faults/half-open': this.faults.halfOpen(on()); ok(); return;
      case '/admin/faults/refuse-logins': this.faults.refuseLogins(Number(q.get('seconds') ?? '10')); ok(); return;
      case '/admin/faults/already-login': this.faults.alreadyLogin(on()); ok(); return;
      case '/admin/faults/expire-sessions': {
        const mode = q.get('sockets') ?? 'drop';
        if (mode !== 'drop' && mode !== 'close' && mode !== 'keep') { this.json(res, 400, { error: 'sockets must be drop, close or keep' }); return; }
        this.faults.expireSessions({ sockets: mode });
        ok();
        return;
      }
      case '/admin/faults/malformed': {
        const kind = q.get('kind') ?? 'invalid-json';
        const kinds: readonly string[] = ['invalid-json', 'not-object', 'no-event-code', 'oversized', 'binary', 'invalid-utf8'];
        if (!kinds.includes(kind)) { this.error(res, 400, { code: 1, message: 'Parameter error' }); return; }
        const size = q.get('size');
        this.faults.sendMalformed(kind as MalformedKind, size === null ? undefined : Number(size));
        ok();
        return;
      }
      case '/admin/scenario': {
        const speed = q.get('speed');
        await this.playScenario(q.get('name') ?? '', speed === null ? undefined : { speed: Number(speed) });
        ok();
        return;
      }
      case '/admin/burst': ok(await this.burst(Number(q.get('n') ?? '1000'))); return;
      case '/admin/acd': {
        const events: unknown = JSON.parse(body === '' ? '[]' : body);
        for (const e of Array.isArray(events) ? events : [events]) this.sendAcd(e as AcdWireInput);
        ok();
        return;
      }
      case '/admin/raw': {
        const binary = q.get('binary') === '1';
        this.sendRaw(binary ? raw : body, { binary });
        ok();
        return;
      }
      case '/admin/centre/start': this.startCentre(body === '' ? {} : (JSON.parse(body) as CentreOptions)); ok(); return;
      case '/admin/centre/stop': this.stopCentre(); ok(); return;
      case '/admin/smdr': {
        const records: unknown = JSON.parse(body === '' ? '[]' : body);
        ok((Array.isArray(records) ? records : [records]).map((rec) => this.smdrAdd(rec as SmdrRecordInput)));
        return;
      }
      case '/admin/cti/registered': this.setRegistered(q.get('dn') ?? '', on()); ok(); return;
      case '/admin/restart': {
        ok();
        const downMs = Number(q.get('downMs') ?? '0');
        setTimeout(() => { this.restart({ downMs }).catch((e: unknown) => { this.log(`restart failed: ${String(e)}`); }); }, 10);
        return;
      }
      default: this.error(res, 404, ERR_NOT_FOUND);
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------------------------

  private killEverything(): void {
    for (const ws of [...this.sessionOf.keys()]) ws.terminate();
    for (const s of [...this.sessions.values()]) {
      this.sessions.delete(s.token);
      this.cti.dropSession(s.token);
    }
    this.graceUntil.clear();
  }

  async restart(opts?: { downMs?: number }): Promise<void> {
    this.log('restart');
    this.killEverything();
    this.halfOpenOn = false;
    await this.closeServer();
    const down = opts?.downMs ?? 0;
    if (down > 0) await new Promise((r) => setTimeout(r, down));
    if (this.stopped) return;
    await this.listen(this.port);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopCentre();
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    if (this.minuteTimer) clearTimeout(this.minuteTimer);
    this.killEverything();
    await this.closeServer();
    this.wss.close();
    this.log('stopped');
  }
}

/** Starts an emulator and resolves once it listens (a TLS certificate is made first). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new EmulatorImpl(options);
  await emu.start();
  return emu;
}
