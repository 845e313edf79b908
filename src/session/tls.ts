// One TLS policy for REST and WebSocket (reliability-anchors.md §4.6, bar R20). Verified by default; a CA file
// and/or a SHA-256 fingerprint pin for self-signed or IP-addressed PBXs; `insecure` only as an explicit opt-out.
//
// The pin is always checked during the TLS handshake, before the HTTP request (Basic credentials or the Bearer
// upgrade) is handed a socket:
// - with a CA file: `ca` + `checkServerIdentity` comparing `fingerprint256` (Node calls it inside the handshake);
// - without one (self-signed, unknown CA): our own `createConnection` opens the TLS socket with
//   `rejectUnauthorized: false` and passes it to the request only after `secureConnect` and a matching pin.
//   Until then the HTTP layer has no socket, so not one request byte can be written to an unverified peer.

import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { TlsConfig } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { TlsConfigError, TlsPinError } from './errors.js';

/** Normalises a fingerprint for comparison: upper-case hex, no colons or spaces. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/[\s:]/g, '').toUpperCase();
}

/** Options for `tls.connect` / `https.Agent` / `ws`, plus an optional socket factory that enforces the pin. */
export interface TlsPolicy {
  /** Spread into `https.Agent` and `ws` options. */
  readonly options: tls.ConnectionOptions;
  /** Set when the pin must be checked by us after the handshake (pin without CA file). */
  readonly createConnection?: (options: tls.ConnectionOptions, callback: (err: Error | null, socket?: Duplex) => void) => undefined;
  /** A short description for logs (never secrets). */
  readonly describe: string;
}

/**
 * Builds the TLS policy from `tls` config. Reads `caFile` synchronously once (at construction). Throws a
 * `TlsConfigError` for an unreadable CA file or a malformed pin.
 */
export function createTlsPolicy(config: TlsConfig, logger: Logger, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): TlsPolicy {
  const base: tls.ConnectionOptions = { minVersion: 'TLSv1.2' };
  const pins = new Set(
    (config.fingerprint256 ?? '')
      .split(/[,;]/)
      .map((p) => normaliseFingerprint(p))
      .filter((p) => p !== ''),
  );
  for (const p of pins) {
    if (!/^[0-9A-F]{64}$/.test(p)) throw new TlsConfigError('tls.fingerprint256 must be a SHA-256 fingerprint (64 hex digits, colons optional)');
  }
  if (config.insecure) {
    logger.warn('TLS verification is DISABLED for this client (tls.insecure = true): the PBX identity is not checked');
    return { options: { ...base, rejectUnauthorized: false }, describe: 'insecure' };
  }
  let ca: string | undefined;
  if (config.caFile !== undefined) {
    try {
      ca = readFile(config.caFile);
    } catch (err) {
      throw new TlsConfigError(`tls.caFile ${config.caFile} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const pinMismatch = (cert: tls.PeerCertificate | undefined): TlsPinError | undefined => {
    const actual = normaliseFingerprint(cert?.fingerprint256 ?? '');
    return pins.has(actual) ? undefined : new TlsPinError(cert?.fingerprint256 ?? '(no certificate)');
  };
  if (pins.size === 0) {
    return ca === undefined ? { options: base, describe: 'system CAs' } : { options: { ...base, ca }, describe: 'CA file' };
  }
  if (ca !== undefined) {
    // The CA check runs first; the pin replaces the host-name check, so an IP host with a mismatching SAN works.
    return {
      options: { ...base, ca, checkServerIdentity: (_host, cert) => pinMismatch(cert) },
      describe: 'CA file + pin',
    };
  }
  const createConnection = (options: tls.ConnectionOptions, callback: (err: Error | null, socket?: Duplex) => void): undefined => {
    const socket = tls.connect({ ...options, ...base, rejectUnauthorized: false });
    const onError = (err: Error): void => {
      callback(err);
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      socket.off('error', onError);
      const mismatch = pinMismatch(socket.getPeerCertificate());
      if (mismatch !== undefined) {
        socket.destroy();
        callback(mismatch);
        return;
      }
      callback(null, socket);
    });
    return undefined;
  };
  return { options: base, createConnection, describe: 'pin (self-signed)' };
}

/**
 * An `https.Agent` for the REST client that honours the policy. `keepAlive` reuses the connection to the PBX;
 * destroy the agent at close so the process can exit.
 */
export function createHttpsAgent(policy: TlsPolicy): https.Agent {
  const agent = new https.Agent({ ...policy.options, keepAlive: true, maxSockets: 4 });
  const pinned = policy.createConnection;
  if (pinned !== undefined) {
    // https.Agent accepts an async createConnection: the request gets its socket only through the callback.
    (agent as unknown as { createConnection: typeof pinned }).createConnection = pinned;
  }
  return agent;
}
