// The emulator's transport and lifecycle: one HTTPS (or HTTP) server carrying the ipxapi REST routes, the WebSocket
// upgrade and the local admin API (ipecs-webapi.md §2, §10.1 items 1-6). It routes each request through the route
// table (routes.ts) to the resource that owns its rules:
//
//   session (login, check-connection, logout, expiry)   sessions.ts        §1.4-1.5, §3
//   event socket (upgrade, ACD frames, socket faults)    acd-socket.ts      §2.3, §6
//   CTI commands                                         cti-commands.ts    §7.6   (over the world of cti-world.ts)
//   monitor / presence                                   monitor-presence.ts §7.3, §7.4, §7.7
//   SMDR                                                 smdr.ts            §5, §4 (store: smdr-store.ts)
//   click to call                                        clickcall.ts       §8
//   admin and faults                                     admin.ts           §10.1 item 17
//   the simulated centre                                 centre.ts, live-centre.ts, truth.ts

import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { adminRequest } from './admin.js';
import { SocketHub, burstEvent } from './acd-socket.js';
import { makeCertificate } from './cert.js';
import { EmulatorClock } from './clock.js';
import { clickCall } from './clickcall.js';
import { isCommand, runCommand } from './cti-commands.js';
import { CtiWorld } from './cti-world.js';
import { ApiFailure, ERR } from './errors.js';
import type { AcdWireInput } from './format.js';
import { bearerToken, parseBody, readBody, requestParams, writeAnswer, writeError, type ApiAnswer, type ApiCaller, type ApiRequestRecord } from './http.js';
import { emptyGroundTruth } from './centre.js';
import { LiveCentre } from './live-centre.js';
import { Subscriptions } from './monitor-presence.js';
import { endpointOf, parseRoute, type Endpoint, type Route } from './routes.js';
import { loadScenario } from './scenario.js';
import { SessionService } from './sessions.js';
import { SmdrService } from './smdr.js';
import type { SmdrRecordInput, SmdrStoredRecord } from './smdr-store.js';
import type {
  CentreInfo,
  CentreState,
  Emulator,
  EmulatorAccount,
  EmulatorClientConfig,
  EmulatorCounters,
  EmulatorFaults,
  EmulatorOptions,
  ExpireSocketsMode,
  GroundTruth,
  LiveCentreOptions,
  LoginRefusal,
  MalformedKind,
  SentFrame,
} from './types.js';

export { burstEvent };

const DEFAULT_ACCOUNTS: readonly EmulatorAccount[] = [
  { userId: 'acd', password: 'acd', kind: 'server', privileges: { acd: true, smdr: true, cti: true } },
];

/** Monitor/Presence Start and Stop, and the command table: the CTI method + feature pairs (§7.3, §7.6, §7.7). */
const ctiAccepts = (method: string, feature: string): boolean =>
  ((feature === 'monitor' || feature === 'presence') && (method === 'POST' || method === 'DELETE')) || isCommand(method, feature);

class EmulatorImpl implements Emulator {
  readonly host: string;
  port: number;
  readonly tls: boolean;
  certificatePem = '';
  fingerprint256 = '';
  readonly faults: EmulatorFaults;

  private key = '';
  private server: http.Server | undefined;
  private readonly clock = new EmulatorClock();
  private readonly count: EmulatorCounters = {
    logins: 0, loginFailures: 0, alreadyLogin: 0, logouts: 0, socketsOpened: 0, socketsOpen: 0,
    upgradesRefused: 0, framesSent: 0, sessionsExpired: 0,
  };
  private readonly sessions: SessionService;
  private readonly hub: SocketHub;
  private readonly world: CtiWorld;
  private readonly subs: Subscriptions;
  private readonly smdr: SmdrService;
  private readonly requests: ApiRequestRecord[] = [];
  private readonly timeAndDate: boolean;
  private readonly log: (line: string) => void;
  private expiryTimer: NodeJS.Timeout | undefined;
  private minuteTimer: NodeJS.Timeout | undefined;
  private centre: LiveCentre | undefined;
  /** The running centre, or the last one (stopped): its truth and state stay readable. */
  private lastCentre: LiveCentre | undefined;
  private stopped = false;
  private readonly centreDefaults: LiveCentreOptions | false;

  constructor(options: EmulatorOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 8743;
    this.tls = options.tls ?? true;
    this.timeAndDate = options.timeAndDate ?? true;
    this.log = options.logger ?? ((): void => undefined);
    this.centreDefaults = options.centre ?? false;
    const log = (line: string): void => { this.log(line); };
    this.sessions = new SessionService({
      accounts: options.accounts ?? DEFAULT_ACCOUNTS,
      timeoutSeconds: options.sessionTimeoutSeconds ?? 120,
      maxAccounts: options.maxAccounts ?? 3,
      graceMs: options.alreadyLoginGraceMs ?? 0,
      clock: this.clock,
      counters: this.count,
      log,
      terminalCount: () => this.world.byIndex.length,
      onEnd: (s) => { this.subs.dropSession(s.token); },
    });
    this.hub = new SocketHub({
      sessions: this.sessions, clock: this.clock, counters: this.count, padBlanks: options.padBlanks ?? true,
      recordSent: options.recordSent === true, stationSockets: options.stationSockets ?? 'refuse', log, running: () => !this.stopped,
    });
    this.world = new CtiWorld({
      now: () => this.clock.wall(),
      smdrRecord: (r) => { this.smdr.add(r); },
      centreStation: (dn) => this.centre?.state().stations.find((s) => s.station === dn),
    }, options.cti);
    const sendToSession = (key: string, frame: string): number => this.hub.sendToSession(this.sessions.get(key), frame);
    this.subs = new Subscriptions(this.world, { send: sendToSession }, options.cti?.quirks ?? false);
    this.smdr = new SmdrService({
      liveSessions: () => this.sessions.all().filter((x) => x.account.kind === 'server' && x.account.privileges?.smdr !== false).map((x) => x.token),
      send: sendToSession,
      log,
    }, options.cti?.centreSmdrLive ?? false);
    this.faults = {
      dropSockets: (): void => {
        this.log('fault: drop sockets');
        this.hub.dropAll();
      },
      halfOpen: (on: boolean): void => {
        this.log(`fault: half-open ${on ? 'on' : 'off'}`);
        this.hub.setHalfOpen(on);
      },
      refuseLogins: (seconds: number, opts?: { readonly as?: LoginRefusal }): void => {
        const as = opts?.as ?? 'already-login';
        this.log(`fault: refuse logins for ${seconds}s (${as})`);
        this.sessions.refuseLogins(seconds, as);
      },
      alreadyLogin: (on: boolean): void => {
        this.log(`fault: already-login ${on ? 'on' : 'off'}`);
        this.sessions.alreadyLogin(on);
      },
      expireSessions: (opts?: { readonly sockets?: ExpireSocketsMode }): void => {
        const mode = opts?.sockets ?? 'drop';
        this.log(`fault: expire sessions (sockets: ${mode})`);
        for (const s of this.sessions.all()) this.sessions.endSession(s, 'forced', mode);
      },
      sendMalformed: (kind: MalformedKind, size?: number): void => {
        this.log(`fault: malformed ${kind}`);
        if (!this.stopped) this.hub.sendMalformed(kind, size);
      },
    };
    this.clock.onAdvance(() => {
      this.sessions.expireIdle();
      if (this.minuteTimer !== undefined) {
        clearTimeout(this.minuteTimer);
        this.armMinute();
      }
    });
  }

  advanceClock(seconds: number): void {
    if (this.stopped) return;
    this.log(`clock advanced ${seconds}s`);
    this.clock.advance(seconds * 1000);
  }

  clientConfig(opts: { readonly userId?: string } = {}): EmulatorClientConfig {
    const accounts = this.sessions.accounts();
    const account = opts.userId === undefined ? (accounts.find((a) => a.kind === 'server') ?? accounts[0]) : accounts.find((a) => a.userId === opts.userId);
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
    const checkMs = Math.max(100, Math.min(1000, (this.sessions.timeoutSeconds * 1000) / 4));
    this.expiryTimer = setInterval(() => { this.sessions.expireIdle(); }, checkMs);
    this.expiryTimer.unref();
    if (this.timeAndDate) this.armMinute();
    if (this.centreDefaults !== false) this.startCentre(this.centreDefaults);
  }

  private createServer(): http.Server {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      this.handle(req, res).catch((e: unknown) => {
        this.log(`request error: ${e instanceof Error ? e.message : String(e)}`);
        if (!res.headersSent) writeError(res, 500, { code: 99, message: 'Internal Error' });
      });
    };
    const server = this.tls
      ? https.createServer({ key: this.key, cert: this.certificatePem }, handler)
      : http.createServer(handler);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => { this.hub.upgrade(req, socket, head); });
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) {
      await adminRequest(this, req, res, url, this.log);
      return;
    }
    const text = (await readBody(req)).toString('utf8');
    const route = parseRoute(url.pathname);
    const method = req.method ?? 'GET';
    const endpoint = route === undefined ? undefined : endpointOf(route, method, ctiAccepts);
    if (route === undefined || endpoint === undefined) {
      writeError(res, 404, ERR.notFound);
      return;
    }
    let answer: ApiAnswer;
    try {
      answer = this.answer(req, route, endpoint, { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: parseBody(text) });
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      answer = { status: e.status, body: { error: e.body } };
    }
    writeAnswer(res, answer);
    if (answer.after !== undefined) setImmediate(answer.after);
  }

  /** The answer of one request to a known endpoint; a refusal is thrown as an {@link ApiFailure}. */
  private answer(req: http.IncomingMessage, route: Route, endpoint: Endpoint, record: ApiRequestRecord): ApiAnswer {
    if (endpoint.kind === 'login') return this.sessions.login(req, route.type ?? 'server', route.userId);
    const session = this.sessions.require(bearerToken(req), route.userId);
    this.sessions.touch(session);
    if (endpoint.kind === 'checkconnection') return this.sessions.checkConnection(session);
    if (endpoint.kind === 'logout') return this.sessions.logout(session);
    this.requests.push(record);
    const { account } = session;
    const caller: ApiCaller = { key: session.token, kind: account.kind, userId: account.userId };
    // A resource the account may not use (§2.4, §10.1 item 18, A-47): the path of the other account type, or a
    // privilege the account lacks. Refused with 403 before anything is done.
    const otherType = route.type !== (account.kind === 'server' ? 'server' : 'client');
    switch (endpoint.kind) {
      case 'smdr':
        if (otherType || (account.kind === 'server' && account.privileges?.smdr === false)) throw new ApiFailure(403, ERR.license);
        return this.smdr.request(caller, record.method, record);
      case 'clickcall':
        if (otherType) throw new ApiFailure(403, ERR.clickCallDenied);
        return clickCall(this.world, this.subs, caller, record);
      case 'cti': {
        if (otherType || account.kind !== 'server' || account.privileges?.cti === false) throw new ApiFailure(403, ERR.ctiNotSupported);
        const { feature } = endpoint;
        if (feature === 'monitor' || feature === 'presence') return this.subs.request(caller, record.method, feature, requestParams(record));
        return runCommand(this.world, this.subs, record.method, feature, record);
      }
    }
  }

  // ---- events ---------------------------------------------------------------------------------------------

  sentFrames(): readonly SentFrame[] {
    return this.hub.sentFrames();
  }

  sendAcd(event: AcdWireInput): void {
    if (this.stopped) return;
    this.hub.sendAcd(event);
  }

  sendRaw(frame: string | Buffer, opts?: { binary?: boolean }): void {
    if (this.stopped) return;
    this.hub.sendRaw(frame, opts?.binary ?? false);
  }

  burst(n: number): Promise<{ sent: number; ms: number }> {
    return this.hub.burst(n);
  }

  // ---- TIME & DATE, centre, scenarios ----------------------------------------------------------------------

  private armMinute(): void {
    const now = this.clock.wall();
    const next = Math.floor(now / 60_000) * 60_000 + 60_000;
    this.minuteTimer = setTimeout(() => {
      if (this.centre === undefined) {
        const d = new Date(this.clock.wall());
        const mmdd = `${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
        this.sendAcd({ code: 68, time: d, data1: mmdd, data2: String(d.getFullYear() % 100).padStart(2, '0') });
      }
      this.armMinute();
    }, next - now + 5);
    this.minuteTimer.unref();
  }

  startCentre(opts?: LiveCentreOptions): void {
    this.stopCentre();
    const base = this.centreDefaults === false ? {} : this.centreDefaults;
    const centre = new LiveCentre({ ...base, ...opts }, this.clock, (e, at) => {
      this.sendAcd(e.acd);
      this.smdr.onCentreEvent(e.acd, at);
    }, (e, at) => { this.smdr.onCentreEvent(e.acd, at, false); });
    this.centre = centre;
    this.lastCentre = centre;
    centre.start();
    this.log(centre.liveFrom > 0 ? `centre started mid-day (simulated second ${centre.liveFrom})` : 'centre started');
  }

  stopCentre(): void {
    if (this.centre === undefined) return;
    this.centre.stop();
    this.centre = undefined;
    this.log('centre stopped');
  }

  groundTruth(opts?: { readonly atSimSeconds?: number }): GroundTruth {
    return this.lastCentre?.groundTruth(opts?.atSimSeconds) ?? emptyGroundTruth();
  }

  centreState(opts?: { readonly atSimSeconds?: number }): CentreState | undefined {
    return this.lastCentre?.state(opts?.atSimSeconds);
  }

  centreInfo(): CentreInfo | undefined {
    return this.lastCentre?.info();
  }

  counters(): EmulatorCounters {
    return { ...this.count };
  }

  apiRequests(): readonly ApiRequestRecord[] {
    return [...this.requests];
  }

  smdrAdd(record: SmdrRecordInput): SmdrStoredRecord {
    return this.smdr.add(record);
  }

  smdrRecords(): readonly SmdrStoredRecord[] {
    return this.smdr.store.all();
  }

  setRegistered(deviceNumber: string, registered: boolean): void {
    this.subs.setRegistered(deviceNumber, registered);
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

  // ---- lifecycle --------------------------------------------------------------------------------------------

  private killEverything(): void {
    this.hub.reset();
    this.sessions.dropAll();
  }

  async restart(opts?: { downMs?: number }): Promise<void> {
    this.log('restart');
    this.killEverything();
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
    this.hub.close();
    this.log('stopped');
  }
}

/** Starts an emulator and resolves once it listens (a TLS certificate is made first). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = new EmulatorImpl(options);
  await emu.start();
  return emu;
}
