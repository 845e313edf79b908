// REST wire shapes (ipecs-webapi.md §3.1, §3.5): the login response and the error body every negative response
// carries. Decoded at the edge; the rest of the client sees typed values only.

import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { jsonTypeOf, lenientCodec, wireNumber } from './lenient.js';

/** A number, or a numeric string (`"120"`) coerced to a number: the real server is not strict about JSON types. */
export const NumberFromWire = lenientCodec('NumberFromWire', (u): u is number => typeof u === 'number' && Number.isFinite(u), wireNumber);

/** io-ts codec of the login success body (§3.1). `systemVersion` is optional; `terminalCount` only with CTI. */
export const LoginResponseCodec = t.intersection([
  t.type({
    token: t.string,
    checkConnectionTimer: NumberFromWire,
    systemType: t.string,
    apiVersion: t.string,
  }),
  t.partial({
    systemVersion: t.string,
    terminalCount: NumberFromWire,
  }),
]);

/** The login success body, decoded. `checkConnectionTimer` is in seconds. The token is opaque: never parse it. */
export interface LoginResponse {
  readonly token: string;
  readonly checkConnectionTimer: number;
  readonly systemType: string;
  readonly systemVersion?: string;
  readonly apiVersion: string;
  readonly terminalCount?: number;
}

/** io-ts codec of the error body of every negative response (§3.5): `{"error":{"code":<int>,"message":"<text>"}}`. */
export const ApiErrorBodyCodec = t.type({
  error: t.type({ code: NumberFromWire, message: t.string }),
});

/** The error body of every negative response. */
export interface ApiErrorBody {
  readonly error: { readonly code: number; readonly message: string };
}

/** Turns io-ts errors into `path: expected X, found <type>` lines, without the offending values. */
function describeErrors(errors: t.Errors): string {
  const lines = new Set<string>();
  for (const e of errors) {
    const path = e.context
      .map((c) => c.key)
      .filter((k) => k !== '' && !/^\d+$/.test(k))
      .join('.');
    const expected = e.context[e.context.length - 1]?.type.name ?? 'value';
    lines.add(`${path === '' ? '(body)' : path}: expected ${expected}, found ${jsonTypeOf(e.value)}`);
  }
  return [...lines].join('; ');
}

/**
 * Decodes a login success body. `Left` is a readable problem list naming fields and JSON types, never values
 * (so it can never contain the token). A blank token and a non-positive timer are refused.
 */
export function decodeLoginResponse(u: unknown): E.Either<string, LoginResponse> {
  const r = LoginResponseCodec.decode(u);
  if (E.isLeft(r)) return E.left(`login response: ${describeErrors(r.left)}`);
  const v = r.right;
  const problems: string[] = [];
  if (v.token.trim() === '') problems.push('token: expected a non-empty string, found an empty string');
  if (!(v.checkConnectionTimer > 0)) problems.push('checkConnectionTimer: expected a positive number of seconds');
  if (problems.length > 0) return E.left(`login response: ${problems.join('; ')}`);
  // Build a fresh object: no stray wire keys travel further.
  const out: { -readonly [K in keyof LoginResponse]: LoginResponse[K] } = {
    token: v.token,
    checkConnectionTimer: v.checkConnectionTimer,
    systemType: v.systemType,
    apiVersion: v.apiVersion,
  };
  if (v.systemVersion !== undefined) out.systemVersion = v.systemVersion;
  if (v.terminalCount !== undefined) out.terminalCount = v.terminalCount;
  return E.right(out);
}

/**
 * Decodes an error body (`{"error":{"code","message"}}`), given parsed or as JSON text (axios hands a string when
 * the server's content type is not JSON); anything else → `undefined`. Never throws.
 */
export function decodeApiError(u: unknown): { code: number; message: string } | undefined {
  let body: unknown = u;
  if (typeof u === 'string') {
    try {
      body = JSON.parse(u) as unknown;
    } catch {
      return undefined;
    }
  }
  const r = ApiErrorBodyCodec.decode(body);
  if (E.isLeft(r)) return undefined;
  return { code: r.right.error.code, message: r.right.error.message };
}
