// The health of a bridge's sites, as an operator supervises it: each site's PBX connection state, and the fatal
// error a site's client stopped on (bad credentials, an untrusted certificate, a pin mismatch, the login budget
// spent...). The library reports such an error as the error of the client's streams (its `connection$` emits a last
// `closed` state; `events$` and `summary$` error with the typed `PbxError`); `fatalErrors` reads it from there.

import { EMPTY, catchError, ignoreElements, merge, of, type Observable, type SchedulerLike } from 'rxjs';
import { isPbxError } from '../session/errors.js';

/** The fatal error one site's client stopped on. */
export interface SiteFatal {
  readonly siteId: string;
  /** When the bridge learnt it (scheduler ms). */
  readonly at: number;
  /** The error's stable code (`AUTH_INVALID_CREDENTIALS`, `TLS_PIN_MISMATCH`, …), when it has one. */
  readonly code: string | undefined;
  readonly message: string;
}

/** What {@link fatalErrors} reads of each site's client: a stream that errors when the client stops for good. */
export interface FatalSource {
  readonly events$: Observable<unknown>;
}

/**
 * The fatal error of every site whose client stops on one, as it happens (at most one per site). A stream that
 * completes (the client was closed) is not an error.
 */
export function fatalErrors(clients: ReadonlyMap<string, FatalSource>, scheduler: SchedulerLike): Observable<SiteFatal> {
  return merge(
    ...[...clients].map(([siteId, c]) =>
      c.events$.pipe(
        ignoreElements(),
        catchError((err: unknown) => of<SiteFatal>({ siteId, at: scheduler.now(), code: isPbxError(err) ? err.code : undefined, message: err instanceof Error ? err.message : String(err) })),
      ),
    ),
    EMPTY,
  );
}

/** The one-line reason of a site's fatal error, e.g. `leeds: AUTH_INVALID_CREDENTIALS: Invalid Login Information`. */
export function fatalLine(f: SiteFatal): string {
  return `${f.siteId}: ${f.code === undefined ? '' : `${f.code}: `}${f.message}`;
}

/** The KV key of a site's health in the summary bucket (`health.<site>`; a site id has no dot, so no clash). */
export function healthKey(siteId: string): string {
  return `health.${siteId}`;
}

/** The health of one site, as the bridge publishes it to `health.<site>` and prints it in its stats lines. */
export interface SiteHealth {
  readonly siteId: string;
  /** When it last changed (scheduler ms). */
  readonly at: number;
  /** `fatal` once the site's client stopped for good; otherwise the kind of its latest PBX connection state. */
  readonly state: 'starting' | 'connecting' | 'open' | 'backoff' | 'closed' | 'fatal';
  /** The latest state's detail (the cause of a backoff, the reason of a fatal error). */
  readonly detail?: string;
  readonly fatal?: SiteFatal;
}
