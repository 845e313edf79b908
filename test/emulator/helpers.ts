// Test helpers that talk to the emulator with plain axios and ws only (never client code).
import axios, { type AxiosResponse } from 'axios';
import * as http from 'node:http';
import * as https from 'node:https';
import WebSocket from 'ws';
import { afterEach } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';

/** An axios instance pinned to the emulator's certificate that never throws on a status. */
export function httpClient(emu: Emulator): ReturnType<typeof axios.create> {
  return axios.create({
    baseURL: emu.baseUrl,
    httpsAgent: emu.tls ? new https.Agent({ ca: emu.certificatePem, keepAlive: false }) : undefined,
    validateStatus: () => true,
    transformResponse: (x: unknown) => x, // keep the raw body text
    timeout: 10_000,
  });
}

/** Parses a raw response body. */
export function body(res: AxiosResponse): unknown {
  return typeof res.data === 'string' && res.data !== '' ? JSON.parse(res.data) : res.data;
}

/** Logs in with Basic auth; returns the response. */
export function login(emu: Emulator, user = 'acd', password = 'acd', type: 'server' | 'client' = 'server'): Promise<AxiosResponse> {
  return httpClient(emu).get(`/ipxapi/${type}/v1/users/${user}/login`, { auth: { username: user, password } });
}

/** Logs in and returns the token, failing the test on anything but 200. */
export async function token(emu: Emulator, user = 'acd', password = 'acd', type: 'server' | 'client' = 'server'): Promise<string> {
  const res = await login(emu, user, password, type);
  if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${String(res.data)}`);
  return (body(res) as { token: string }).token;
}

/** A WebSocket that records every frame it receives. */
export interface Recorder {
  readonly ws: WebSocket;
  readonly frames: (string | Buffer)[];
  readonly texts: () => string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Error codes the ws client raised (e.g. `WS_ERR_INVALID_UTF8`). */
  readonly errors: string[];
}

/** Opens a socket to `path` with a bearer token; resolves when open, rejects with the HTTP status on refusal. */
export function openSocket(emu: Emulator, tok: string | undefined, path = '/ipxapi', scheme = 'Bearer'): Promise<Recorder> {
  const url = `${emu.tls ? 'wss' : 'ws'}://127.0.0.1:${emu.port}${path}`;
  const headers: Record<string, string> = tok === undefined ? {} : { Authorization: `${scheme} ${tok}` };
  const ws = new WebSocket(url, { headers, ...(emu.tls ? { ca: emu.certificatePem } : {}) });
  const frames: (string | Buffer)[] = [];
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    frames.push(isBinary ? buf : buf.toString('utf8'));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => { ws.on('close', (code, reason) => { resolve({ code, reason: reason.toString('utf8') }); }); });
  const errors: string[] = [];
  ws.on('error', (e: Error & { code?: string }) => { errors.push(e.code ?? e.message); });
  return new Promise((resolve, reject) => {
    ws.once('open', () => { resolve({ ws, frames, closed, errors, texts: () => frames.filter((f): f is string => typeof f === 'string') }); });
    ws.once('unexpected-response', (_req, res) => { reject(new Error(`status ${res.statusCode ?? 0}`)); res.resume(); ws.terminate(); });
    ws.once('error', (e) => { reject(e); });
  });
}

/** Polls `check` until it is true or `ms` pass (real sockets: generous deadline). */
export async function waitFor(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The `data` objects of the ACD frames a recorder got. */
export function acdData(rec: Recorder): Record<string, unknown>[] {
  return rec.texts().map((t) => (JSON.parse(t) as { data: Record<string, unknown> }).data);
}

/** Asks for a WebSocket upgrade that is expected to be refused; resolves with the HTTP status and the parsed body. */
export function refusedUpgrade(emu: Emulator, tok: string | undefined, path = '/ipxapi'): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = {
    Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...(tok === undefined ? {} : { Authorization: `Bearer ${tok}` }),
  };
  return new Promise((resolve, reject) => {
    const req = (emu.tls ? https : http).request({ host: '127.0.0.1', port: emu.port, path, headers, ...(emu.tls ? { ca: emu.certificatePem } : {}) });
    req.on('upgrade', (_res, socket) => { socket.destroy(); reject(new Error('the upgrade was accepted')); });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }); });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One emulator per test, stopped after it with every recorder the test pushed to `sockets` (registers an
 * `afterEach`; call it at the top of a test file). `start` takes `port: 0, timeAndDate: false`, then `defaults`.
 */
export function emulatorPerTest(defaults: Parameters<typeof startEmulator>[0] = {}): {
  readonly start: (opts?: Parameters<typeof startEmulator>[0]) => Promise<Emulator>;
  readonly sockets: Recorder[];
} {
  const sockets: Recorder[] = [];
  let current: Emulator | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.ws.terminate();
    await current?.stop();
    current = undefined;
  });
  return {
    sockets,
    start: async (opts = {}) => {
      current = await startEmulator({ port: 0, timeAndDate: false, ...defaults, ...opts });
      return current;
    },
  };
}

/** POST check-connection with a token; resolves to the HTTP status. */
export const checkConnection = (emu: Emulator, token: string): Promise<number> =>
  httpClient(emu).post('/ipxapi/users/acd/checkconnection', null, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);

/** A PBX `YYYY/MM/DD hh:mm:ss` stamp → epoch ms (local time). */
export const pbxMs = (stamp: unknown): number => {
  const [date, clock] = String(stamp).split(' ');
  const [y, mo, d] = (date ?? '').split('/').map(Number);
  const [h, mi, se] = (clock ?? '').split(':').map(Number);
  return new Date(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, se ?? 0).getTime();
};
