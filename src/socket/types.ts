// Plain data that crosses the socket box's boundary: raw frames and connection states.

/** One WebSocket message as received, before any decoding. */
export interface RawFrame {
  /** Receive instant from the RxJS scheduler (ms). */
  readonly at: number;
  /** The payload as `ws` delivered it. A text frame's bytes are not yet checked for UTF-8 (the decoder does it). */
  readonly data: Buffer;
  /** `true` for a binary frame (the PBX sends text; binary is counted as malformed). */
  readonly isBinary: boolean;
}

import type { CloseReason, PbxErrorCode } from '../session/errors.js';

export type { CloseReason };

/**
 * The states `connection$` emits, and the gap marker.
 *
 * A `gap` is emitted when a socket opens again after an interval without one: from the instant the previous
 * socket was lost to the instant the new one opened. Events in that interval were not seen.
 */
export type ConnectionState =
  | { readonly kind: 'connecting'; readonly at: number; readonly attempt: number }
  | { readonly kind: 'open'; readonly at: number; readonly url: string }
  | { readonly kind: 'backoff'; readonly at: number; readonly attempt: number; readonly delayMs: number; readonly reason: CloseReason; readonly detail: string }
  | {
      readonly kind: 'closed';
      readonly at: number;
      readonly reason: CloseReason;
      readonly detail: string;
      /** The WebSocket close code, when the socket closed with one. */
      readonly code?: number;
      /** Present on the last state of a client stopped by a fatal error: no retry follows; the streams error with it. */
      readonly fatal?: true;
      /** The fatal error's stable code (`AUTH_INVALID_CREDENTIALS`, `TLS_PIN_MISMATCH`, `LOGIN_BUDGET_EXHAUSTED`, …). */
      readonly errorCode?: PbxErrorCode;
    }
  | {
      readonly kind: 'gap';
      readonly at: number;
      readonly from: number;
      readonly to: number;
      /** `'restart'`: the interval from the previous process's last frame to this process's first socket. */
      readonly cause?: 'restart';
    };

/** What the socket box can do to a live socket (handed to the heartbeat). */
export interface SocketHandle {
  /** Sends a WebSocket ping frame. */
  ping(): void;
  /** Destroys the socket at once, without the closing handshake (dead-peer handling). */
  terminate(): void;
}

/**
 * The inner events of one socket subscription: `open` once, then frames and pongs. Liveness (the heartbeat) is
 * driven by `frame` and `pong` only, i.e. by what was received.
 */
export type SocketEvent =
  | { readonly kind: 'open'; readonly at: number; readonly url: string; readonly handle: SocketHandle }
  | { readonly kind: 'frame'; readonly frame: RawFrame }
  | { readonly kind: 'pong'; readonly at: number };
