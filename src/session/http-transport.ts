// The REST seam: one request in, one cancellable Observable out. axios lives only here. Marble tests replace the
// whole seam with `cold('--r|')` (style-anchors.md §2.7).

import type * as https from 'node:https';
import axios, { isAxiosError } from 'axios';
import { Observable } from 'rxjs';
import { knownPbxErrorOf, NetworkError } from './errors.js';

/** One REST request. `path` is relative to the base URL (absolute URLs are refused by the transport). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** One REST response: whatever the status (the caller classifies), and the parsed JSON body (`undefined` when empty). */
export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The HTTP seam: a cold Observable per call that emits one response and completes, errors with a
 * `NetworkError` (or a `TlsPinError`) when no response arrived, and cancels the request on unsubscribe.
 */
export type HttpTransport = (req: HttpRequest) => Observable<HttpResponse>;

/** Options of {@link createAxiosTransport}. */
export interface AxiosTransportOptions {
  /** `https://host:port` */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly httpsAgent: https.Agent;
}

/** Parses a response body only if it has content; a non-JSON body is kept as its text. */
function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Network error codes that prove the request never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The default transport: axios with `allowAbsoluteUrls: false`, no redirects, every status accepted, the body read
 * as text and parsed only if non-empty. Errors carry no request headers (no `Authorization` in any message).
 */
export function createAxiosTransport(options: AxiosTransportOptions): HttpTransport {
  const client = axios.create({
    baseURL: options.baseUrl,
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    timeout: options.timeoutMs,
    validateStatus: () => true,
    httpsAgent: options.httpsAgent,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    proxy: false,
  });
  return (req) =>
    new Observable<HttpResponse>((subscriber) => {
      const controller = new AbortController();
      const headers: Record<string, string> = { Accept: 'application/json', ...req.headers };
      if (req.body !== undefined) headers['Content-Type'] = 'application/json';
      client
        .request<string>({
          method: req.method,
          url: req.path,
          headers,
          params: req.query,
          data: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: controller.signal,
          ...(req.timeoutMs === undefined ? {} : { timeout: req.timeoutMs }),
        })
        .then(
          (res) => {
            subscriber.next({ status: res.status, body: parseBody(typeof res.data === 'string' ? res.data : '') });
            subscriber.complete();
          },
          (err: unknown) => {
            if (controller.signal.aborted) return;
            subscriber.error(toNetworkError(err, req));
          },
        );
      return () => {
        controller.abort();
      };
    });
}

/** Maps an axios failure to our error, keeping only the code and a message without headers or tokens. */
function toNetworkError(err: unknown, req: HttpRequest): Error {
  const cause = isAxiosError(err) ? (err.cause ?? err) : err;
  const known = knownPbxErrorOf(cause) ?? knownPbxErrorOf(err);
  if (known !== undefined) return known;
  const code = isAxiosError(err) ? (err.code ?? '') : '';
  const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause).code) : '';
  const sent = !NOT_SENT.has(causeCode) && !NOT_SENT.has(code);
  const what = code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : `failed (${causeCode || code || 'network'})`;
  const networkCode = what === 'timed out' ? 'ETIMEDOUT' : causeCode !== '' && causeCode !== 'undefined' ? causeCode : code !== '' ? code : undefined;
  return new NetworkError(`${req.method} ${redactPath(req.path)} ${what}`, sent, networkCode === undefined ? undefined : { networkCode });
}

/** User ids are not secret, but keep query strings (which may carry tokens in other APIs) out of messages. */
function redactPath(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}
