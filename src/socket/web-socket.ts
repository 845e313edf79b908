// `ws` as a cold Observable: one socket per subscription, closed (or terminated) on unsubscribe. Every way a
// socket can end is turned into a classified `SocketError`; the stream never completes on its own.

import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import WebSocket from 'ws';
import { knownPbxErrorOf, SocketError } from '../session/errors.js';
import type { TlsPolicy } from '../session/tls.js';
import type { SocketEvent } from './types.js';

/** Options of {@link webSocket$}. */
export interface WebSocketOptions {
  /** `wss://host:port/path` (carries no secret: the token travels in a header). */
  readonly url: string;
  /** The bearer token for the upgrade. */
  readonly token: string;
  readonly tls: TlsPolicy;
  readonly handshakeTimeoutMs: number;
  readonly maxFrameBytes: number;
  /** How long `close()` waits for the server's close frame before the socket is destroyed. Default 1000. */
  readonly closeTimeoutMs?: number;
  readonly scheduler?: SchedulerLike;
}

/** A close reason that names the session's end (`expired`, `logout`, `Invalid Token`, …). */
const SESSION_ENDED = /expire|log\s*-?\s*out|logged\s*out|session|invalid\s*token|unauthori[sz]ed/i;

/**
 * Close codes, classified (documented choice; ipecs-webapi.md says nothing about close codes):
 * - auth (the session is gone: re-login, then reconnect): 1008 policy violation, 4001, 4401 (a PBX that drops an
 *   expired session);
 * - fatal (typed error, no loop): 4003, 4403 (forbidden);
 * - 1009 message too big (our `maxPayload`): transient, reason `too-large`;
 * - everything else (1000, 1001, 1006, 1011, 1012, 1013, other 4xxx): transient.
 * `sessionGone` (re-login before the next upgrade) for the auth codes, 1001 going away and 1012 service restart
 * (the PBX's web service stops, and its sessions with it), and any close whose reason names the session's end
 * (`1000 expired`, `1000 logout`).
 */
export function classifyClose(code: number, detail: string): SocketError {
  const text = `socket closed (${code}${detail === '' ? '' : `: ${detail}`})`;
  const sessionGone = code === 1001 || code === 1012 || (detail !== '' && SESSION_ENDED.test(detail));
  if (code === 1008 || code === 4001 || code === 4401) return new SocketError('SOCKET_CLOSED', text, 'auth', 'session-expired', code, undefined, { sessionGone: true });
  if (code === 4003 || code === 4403) return new SocketError('SOCKET_FORBIDDEN', text, 'fatal', 'server-closed', code);
  if (code === 1009) return new SocketError('SOCKET_CLOSED', text, 'transient', 'too-large', code);
  if (sessionGone && code === 1000) return new SocketError('SOCKET_CLOSED', text, 'auth', 'session-expired', code, undefined, { sessionGone });
  return new SocketError('SOCKET_CLOSED', text, 'transient', code === 1006 ? 'network' : 'server-closed', code, undefined, { sessionGone });
}

/**
 * Upgrade refusals: 401 → auth (re-login, reconnect); 403 → fatal; 404 → try the next socket path
 * (`SOCKET_PATH_NOT_FOUND`, transient); other statuses → transient.
 */
export function classifyUpgradeStatus(status: number): SocketError {
  const text = `WebSocket upgrade refused with HTTP ${status}`;
  if (status === 401) return new SocketError('SOCKET_CLOSED', text, 'auth', 'session-expired', undefined, status);
  if (status === 403) return new SocketError('SOCKET_FORBIDDEN', text, 'fatal', 'login-failed', undefined, status);
  if (status === 404) return new SocketError('SOCKET_PATH_NOT_FOUND', text, 'transient', 'server-closed', undefined, status);
  return new SocketError('SOCKET_CLOSED', text, 'transient', 'server-closed', undefined, status);
}

const toBuffer = (data: WebSocket.RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

/**
 * A cold Observable of one WebSocket: `open` once, then `frame`s (with `at` from the scheduler) and `pong`s.
 * It errors with a `SocketError` when the socket ends for any reason other than unsubscribe, and never
 * completes. Unsubscribe closes an open socket (1000) and terminates a connecting one.
 * Options: `perMessageDeflate: false`, `followRedirects: false`, `skipUTF8Validation: true` (a text frame's bytes are
 * passed on unchecked; `decodeAcdFrame` validates them), `maxPayload`, `handshakeTimeout`.
 */
export function webSocket$(options: WebSocketOptions): Observable<SocketEvent> {
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<SocketEvent>((subscriber) => {
    const wsOptions: WebSocket.ClientOptions & { closeTimeout: number } = {
      ...(options.tls.options as unknown as WebSocket.ClientOptions),
      headers: { Authorization: `Bearer ${options.token}` },
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: options.maxFrameBytes,
      perMessageDeflate: false,
      followRedirects: false,
      // Text frames arrive as unchecked bytes: the decoder checks UTF-8 once and counts a bad frame as
      // `invalid-utf8`. With ws's own check, one bad byte would close the socket (1007) and lose what follows.
      skipUTF8Validation: true,
      closeTimeout: options.closeTimeoutMs ?? 1_000,
    };
    if (options.tls.createConnection !== undefined) {
      wsOptions.createConnection = options.tls.createConnection as unknown as NonNullable<WebSocket.ClientOptions['createConnection']>;
    }
    const ws = new WebSocket(options.url, wsOptions);
    let lastError: Error | undefined;
    let finished = false;

    const fail = (err: SocketError | Error): void => {
      if (finished) return;
      finished = true;
      subscriber.error(err);
    };

    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      fail(classifyUpgradeStatus(status));
    });
    ws.on('open', () => {
      subscriber.next({
        kind: 'open',
        at: scheduler.now(),
        url: options.url,
        handle: {
          ping: () => {
            if (ws.readyState === WebSocket.OPEN) ws.ping();
          },
          terminate: () => {
            ws.terminate();
          },
        },
      });
    });
    ws.on('message', (data, isBinary) => {
      const buf = toBuffer(data);
      subscriber.next({ kind: 'frame', frame: { at: scheduler.now(), data: buf, isBinary } });
    });
    // A ping from the server is received traffic too: liveness.
    ws.on('pong', () => {
      subscriber.next({ kind: 'pong', at: scheduler.now() });
    });
    ws.on('ping', () => {
      subscriber.next({ kind: 'pong', at: scheduler.now() });
    });
    ws.on('error', (err: Error) => {
      lastError = err;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      const known = knownPbxErrorOf(lastError);
      if (known !== undefined) {
        fail(known);
        return;
      }
      const errCode = (lastError as { code?: unknown } | undefined)?.code;
      if (errCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        fail(classifyClose(1009, 'frame larger than maxFrameBytes'));
        return;
      }
      if (lastError !== undefined && /handshake has timed out/i.test(lastError.message)) {
        fail(new SocketError('SOCKET_CLOSED', 'WebSocket opening handshake timed out', 'transient', 'handshake-timeout', code));
        return;
      }
      const closeReason = reason.toString('utf8').slice(0, 120);
      if (closeReason === '' && typeof errCode === 'string' && /^E[A-Z_]+$/.test(errCode)) {
        // The connect itself failed (refused, unknown host, unreachable): keep the system code for the cause.
        const e = classifyClose(code, lastError?.message ?? '');
        fail(new SocketError('SOCKET_CLOSED', e.message, e.disposition, e.reason, e.closeCode, undefined, { networkCode: errCode }));
        return;
      }
      fail(classifyClose(code, closeReason || (lastError?.message ?? '')));
    });

    return () => {
      finished = true;
      // Keep an error listener: a late error on a dropped socket must not become an uncaught exception.
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
      else if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    };
  });
}
