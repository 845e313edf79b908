// The payload of the legacy connection hook: the client's connection states as plain objects, so a legacy host can
// tell "no calls" from "not connected". Only the states a host acts on: open, backoff (with its cause), gap and
// fatal; `connecting` and a client-side `closed` are not reported.

import type { CloseReason, ConnectionState } from '../socket/types.js';
import { isPbxError } from '../session/errors.js';

/** What `addConnectionHook` callbacks receive first. */
export type LegacyConnectionPayload =
  | { readonly state: 'open'; readonly at: number; readonly url: string }
  | { readonly state: 'backoff'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly cause: CloseReason; readonly detail: string }
  | { readonly state: 'gap'; readonly at: number; readonly from: number; readonly to: number; readonly cause?: string }
  | { readonly state: 'fatal'; readonly at: number; readonly code: string | undefined; readonly error: string };

/** The payload of a connection state, or `undefined` for a state the hook does not report. */
export function connectionPayload(s: ConnectionState): LegacyConnectionPayload | undefined {
  switch (s.kind) {
    case 'open':
      return { state: 'open', at: s.at, url: s.url };
    case 'backoff':
      return { state: 'backoff', at: s.at, attempt: s.attempt, delayMs: s.delayMs, cause: s.reason, detail: s.detail };
    case 'gap':
      return { state: 'gap', at: s.at, from: s.from, to: s.to, ...(s.cause === undefined ? {} : { cause: s.cause }) };
    case 'connecting':
    case 'closed':
      return undefined;
  }
}

/** The payload of the fatal error that stopped the client (wrong credentials, missing licence, …). */
export function fatalPayload(err: unknown, at: number): LegacyConnectionPayload {
  return { state: 'fatal', at, code: isPbxError(err) ? err.code : undefined, error: err instanceof Error ? err.message : String(err) };
}
