// Typed errors of the CTI, SMDR and click-to-call requests (ipecs-webapi.md §9, A-5, A-6, A-40). A code means
// something only together with the resource that returned it (A-5), so every error carries its resource.

import { decodeApiError } from '../protocol/rest.js';
import { errorCodeName, type ErrorResource } from '../protocol/catalogue.js';
import { PbxError } from '../session/errors.js';

/**
 * An error body (`{"error":{code,message}}`) from a CTI, SMDR or click-to-call request. `name` is the spec's name
 * of the code for that resource (`invalidConnectionIdentifier`, `NoHeldCall`, `Parameter error`…), or
 * `CtiError` when the table does not list the code. `disposition` is fatal: a command is never retried.
 */
export class CtiError extends PbxError {
  constructor(
    /** Which error table the code belongs to (A-5). */
    readonly resource: ErrorResource,
    /** HTTP status (401/403/404 per the spec; anything else is passed through). */
    readonly status: number,
    /** The numeric `error.code`, `undefined` when the body had none. */
    readonly apiCode: number | undefined,
    /** The server's `error.message`. */
    readonly apiMessage: string,
    /** `METHOD path` of the request (no query string). */
    readonly request: string,
  ) {
    const spec = apiCode === undefined ? undefined : errorCodeName(resource, apiCode);
    super('API_ERROR', `${request}: HTTP ${status}${apiCode === undefined ? '' : ` code ${apiCode}`} ${spec ?? ''}${apiMessage === '' ? '' : ` (${apiMessage})`}`.trim(), 'fatal');
    this.name = spec ?? 'CtiError';
  }
}

/** A request refused before sending: a limit of §10.1 item 28 is broken. Nothing was sent. */
export class CtiRequestError extends PbxError {
  constructor(
    /** The command (`makeCall`, `monitor`…). */
    readonly command: string,
    /** Which parameter broke which rule. */
    readonly problems: readonly string[],
  ) {
    super('INVALID_REQUEST', `${command}: ${problems.join('; ')} (not sent)`, 'fatal');
  }
}

/** A 200 answer whose body does not have the documented shape. */
export class CtiResponseError extends PbxError {
  constructor(readonly request: string, detail: string) {
    super('BAD_RESPONSE', `${request}: unexpected response body (${detail})`, 'fatal');
  }
}

/** The typed error of a non-200 answer: the API error body when there is one, else the status alone. */
export function apiErrorOf(resource: ErrorResource, status: number, body: unknown, request: string): CtiError {
  const api = decodeApiError(body);
  return new CtiError(resource, status, api?.code, api?.message ?? '', request);
}
