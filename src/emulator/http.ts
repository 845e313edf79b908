// HTTP plumbing shared by the emulator's resources: reading bodies and parameters the lenient ways the spec allows
// (ipecs-webapi.md §4.1, §10.1 item 6, A-13, A-28), the `Authorization` header, and writing answers.

import type * as http from 'node:http';
import type { ApiErrorBody } from './errors.js';

/** One API request as the emulator received it (recorded for tests: what went over the wire). */
export interface ApiRequestRecord {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query parameters (last value wins). */
  readonly query: Readonly<Record<string, string>>;
  /** The body parsed as JSON when it is JSON, else the raw text; `undefined` when empty. */
  readonly body: unknown;
}

/** The answer to give. `body` undefined → 200 with an empty body. `after` runs once the answer is written. */
export interface ApiAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly after?: () => void;
}

/** The caller of one request (an authenticated session). */
export interface ApiCaller {
  /** The session's token (never logged). */
  readonly key: string;
  readonly kind: 'server' | 'station';
  readonly userId: string;
}

export const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Parses a body as JSON, else as `application/x-www-form-urlencoded` (a lone `{…}` key or `q=`), else raw. */
export function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      const decoded = decodeURIComponent(text.replace(/\+/g, ' '));
      const q = decoded.startsWith('q=') ? decoded.slice(2) : decoded;
      return JSON.parse(q) as unknown;
    } catch {
      return text;
    }
  }
}

/** a request's parameters from the query string, `q=` JSON and a JSON body (later ones win), for every method. */
export function requestParams(record: ApiRequestRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.query)) if (k !== 'q') out[k] = v;
  const q = record.query['q'];
  if (q !== undefined) {
    const parsed = parseBody(q);
    if (isObject(parsed)) Object.assign(out, parsed);
  }
  if (isObject(record.body)) Object.assign(out, record.body);
  delete out['__proto__'];
  return out;
}

/** Splits `Authorization` into a lower-case scheme and its credentials (A-10: any case of the scheme). */
export function authHeader(req: http.IncomingMessage): { scheme: string; value: string } | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^\s*(\S+)\s+(.+?)\s*$/.exec(h);
  if (!m) return undefined;
  return { scheme: (m[1] ?? '').toLowerCase(), value: m[2] ?? '' };
}

/** The bearer token of a request, if it has one. */
export function bearerToken(req: http.IncomingMessage): string | undefined {
  const auth = authHeader(req);
  return auth?.scheme === 'bearer' ? auth.value : undefined;
}

export function isLoopback(addr: string | undefined): boolean {
  return addr === '::1' || addr?.startsWith('127.') === true || addr?.startsWith('::ffff:127.') === true;
}

/** Reads a whole request body. */
export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function writeJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function writeError(res: http.ServerResponse, status: number, err: ApiErrorBody): void {
  writeJson(res, status, { error: err });
}

/** Writes an answer: JSON, or 200 with no content when it has no body (logout, click to call). */
export function writeAnswer(res: http.ServerResponse, answer: ApiAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, { 'content-length': 0 });
    res.end();
  } else writeJson(res, answer.status, answer.body);
}
