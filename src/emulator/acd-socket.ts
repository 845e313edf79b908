// The event socket (ipecs-webapi.md §2.3, §2.4, §3.1 rule 8, §6, §10.1 items 4, 12-14, 19, 23, A-1, A-8, A-11,
// the WebSocket upgrade at `/ipxapi` or any `/ipxapi/{type}/v1/users/{id}/{anything}` with a bearer token
// (401 on a bad token, 404 on a bad path, 403 for a station account, all before the upgrade); one socket carries
// every event the account is entitled to; a
// ping or pong refreshes the session, the socket's close starts its timer; ACD frames (and TIME & DATE every
// minute) go to ACD-privileged server accounts only. Also the socket-level faults (drop, half-open, hostile
// frames), the burst, and the log of every frame written.

import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EmulatorClock } from './clock.js';
import { ERR, type ApiErrorBody } from './errors.js';
import { acdWireData, formatAcdFrame, formatPbxTime, type AcdWireInput } from './format.js';
import { bearerToken } from './http.js';
import { parseRoute } from './routes.js';
import type { Session, SessionService } from './sessions.js';
import type { EmulatorCounters, MalformedKind, SentFrame, StationSockets } from './types.js';

/** The i-th event of `burst`: a cheap rotation of station busy/idle events (also paced by bench/emulator-process.ts). */
export function burstEvent(i: number): AcdWireInput {
  const station = String(1000 + (i % 50));
  return i % 2 === 0
    ? { code: 17, callRefId: 1 + (i >> 1), source: station, dest: '1', destType: 'CO' }
    : { code: 18, source: station };
}

/** How the socket hub is set up. */
export interface SocketHubOptions {
  readonly sessions: SessionService;
  readonly clock: EmulatorClock;
  readonly counters: EmulatorCounters;
  readonly padBlanks: boolean;
  readonly recordSent: boolean;
  readonly stationSockets: StationSockets;
  readonly log: (line: string) => void;
  /** False once the emulator is stopping: late upgrades are dropped. */
  readonly running: () => boolean;
}

/** Every open socket, who it belongs to, and what goes out on it. */
export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  private readonly rawSockets = new Map<WebSocket, Duplex>();
  private readonly sessionOf = new Map<WebSocket, Session>();
  private halfOpenOn = false;
  private readonly sent: SentFrame[] | undefined;

  constructor(private readonly o: SocketHubOptions) {
    this.sent = o.recordSent ? [] : undefined;
  }

  get halfOpen(): boolean {
    return this.halfOpenOn;
  }

  // ---- the upgrade ---------------------------------------------------------------------------------------

  private refuse(socket: Duplex, status: number, err: ApiErrorBody): void {
    this.o.counters.upgradesRefused++;
    const body = JSON.stringify({ error: err });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  /** Handles an HTTP upgrade request. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const bare = path === '/ipxapi' || path === '/ipxapi/';
    const route = bare ? undefined : parseRoute(path);
    if (!bare && (route === undefined || route.type === undefined)) {
      this.o.log('upgrade refused: bad path');
      this.refuse(socket, 404, ERR.notFound);
      return;
    }
    const sessions = this.o.sessions;
    const session = sessions.authenticate(bearerToken(req), route?.userId);
    if (session === undefined) {
      this.o.log('upgrade refused: bad token');
      this.refuse(socket, 401, ERR.token);
      return;
    }
    if (session.account.kind === 'station' && this.o.stationSockets === 'refuse') {
      // A station is entitled to no events (§2.4); A-47: the WebSocket is for server accounts only.
      this.o.log(`upgrade refused: ${session.account.userId} is a station account`);
      this.refuse(socket, 403, ERR.license);
      return;
    }
    sessions.touch(session);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!sessions.has(session.token) || !this.o.running()) {
        ws.terminate();
        return;
      }
      this.attach(ws, socket, session);
    });
  }

  private attach(ws: WebSocket, socket: Duplex, session: Session): void {
    const count = this.o.counters;
    count.socketsOpened++;
    count.socketsOpen++;
    session.sockets.add(ws);
    this.sessionOf.set(ws, session);
    this.rawSockets.set(ws, socket);
    if (this.halfOpenOn) socket.pause();
    this.o.log(`socket opened for ${session.account.userId}`);
    ws.on('ping', () => { this.o.sessions.touch(session); });
    ws.on('pong', () => { this.o.sessions.touch(session); });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      count.socketsOpen--;
      session.sockets.delete(ws);
      this.sessionOf.delete(ws);
      this.rawSockets.delete(ws);
      this.o.sessions.touch(session);
    });
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** The open sockets; `acdOnly`: those of ACD-privileged server accounts (§10.1 item 23). */
  openSockets(acdOnly: boolean): WebSocket[] {
    const out: WebSocket[] = [];
    for (const [ws, s] of this.sessionOf) {
      if (ws.readyState !== ws.OPEN) continue;
      if (acdOnly && (s.account.kind !== 'server' || s.account.privileges?.acd === false)) continue;
      out.push(ws);
    }
    return out;
  }

  /** Sends a text frame to every open socket of a session (CTI events, live SMDR); returns how many got it. */
  sendToSession(session: Session | undefined, frame: string): number {
    const sockets = [...(session?.sockets ?? [])].filter((ws) => ws.readyState === ws.OPEN);
    this.sendTo(sockets, frame, false);
    return this.halfOpenOn ? 0 : sockets.length;
  }

  sendTo(sockets: readonly WebSocket[], frame: string | Buffer, binary: boolean, cb?: () => void): void {
    if (this.halfOpenOn) return;
    for (const ws of sockets) {
      ws.send(frame, { binary }, cb);
      this.o.counters.framesSent++;
    }
    if (this.sent !== undefined && sockets.length > 0) {
      const text = typeof frame === 'string' ? frame : !binary && isUtf8(frame) ? frame.toString('utf8') : frame.toString('base64');
      this.sent.push({ seq: this.sent.length + 1, at: Date.now(), text, binary: binary || (typeof frame !== 'string' && !isUtf8(frame)), sockets: sockets.length });
    }
  }

  sentFrames(): readonly SentFrame[] {
    return this.sent ?? [];
  }

  /** One ACD event to every ACD socket; without a `time` it carries the PBX clock's now. */
  sendAcd(event: AcdWireInput): void {
    const e = event.time === undefined ? { ...event, time: this.o.clock.wall() } : event;
    this.sendTo(this.openSockets(true), formatAcdFrame(e, { padBlanks: this.o.padBlanks }), false);
  }

  sendRaw(frame: string | Buffer, binary: boolean): void {
    this.sendTo(this.openSockets(false), frame, binary);
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** Kills every open socket abruptly (1006). */
  dropAll(): void {
    for (const ws of [...this.sessionOf.keys()]) ws.terminate();
  }

  /** On: nothing is written and pings go unanswered (the TCP stays up). Off: back to normal. */
  setHalfOpen(on: boolean): void {
    this.halfOpenOn = on;
    for (const raw of this.rawSockets.values()) {
      if (on) raw.pause();
      else raw.resume();
    }
  }

  sendMalformed(kind: MalformedKind, size?: number): void {
    const time = formatPbxTime(this.o.clock.wall());
    switch (kind) {
      case 'invalid-json':
        this.sendRaw('{"event":"acd","data":{"time":"' + time + '","eventCode":18,', false);
        return;
      case 'not-object':
        this.sendRaw('["acd",18]', false);
        return;
      case 'no-event-code':
        this.sendRaw(JSON.stringify({ event: 'acd', data: { time, eventString: 'STATION IDLE', sourceType: 'Station', sourceNumber: '1000' } }), false);
        return;
      case 'oversized': {
        const n = size ?? 2 * 1024 * 1024;
        const data = acdWireData({ code: 72, callRefId: 1, source: '1', dest: '1000', data1: '0123456789', time }, { padBlanks: this.o.padBlanks });
        const head = JSON.stringify({ event: 'acd', data: { ...data, data2: '' } });
        this.sendRaw(JSON.stringify({ event: 'acd', data: { ...data, data2: 'X'.repeat(Math.max(0, n - head.length)) } }), false);
        return;
      }
      case 'binary':
        this.sendRaw(randomBytes(size ?? 64), true);
        return;
      case 'invalid-utf8':
        this.sendRaw(Buffer.concat([Buffer.from('{"event":"acd","data":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}')]), false);
        return;
    }
  }

  /** n ACD events as fast as the sockets drain (backpressure at 1 MiB buffered). */
  async burst(n: number): Promise<{ sent: number; ms: number }> {
    const start = performance.now();
    const sockets = this.openSockets(true);
    if (sockets.length === 0 || this.halfOpenOn) return { sent: 0, ms: 0 };
    const opts = { padBlanks: this.o.padBlanks };
    const time = formatPbxTime(this.o.clock.wall());
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
    return { sent, ms: performance.now() - start };
  }

  /** Kills every socket and forgets the half-open state (restart, stop). */
  reset(): void {
    this.dropAll();
    this.halfOpenOn = false;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
