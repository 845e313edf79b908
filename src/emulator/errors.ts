// The error answers of the emulator (ipecs-webapi.md §9, §3.1, §3.4, §1.5, §10.1 items 8-18, A-4, A-7, A-39, A-40).
// Every negative answer is `{"error":{"code":<int>,"message":"<text>"}}` with one of the spec's statuses: 401 for
// credentials and tokens, 403 for a missing privilege or a wrong state, 404 for an unknown resource, method, device
// or call. The only other status is the 503 a test asks for explicitly (`refuseLogins(s, { as: 'unavailable' })`).

import { ctiErrorCode } from '../protocol/catalogue.js';

/** The body of an error answer. */
export interface ApiErrorBody {
  readonly code: number;
  readonly message: string;
}

/** The error bodies used across resources. */
export const ERR = {
  /** §3.1: bad credentials, or an account logging in under the other type. Code 2 per the example. */
  login: { code: 2, message: 'Invalid Login Information' },
  /** §3.4: an unknown, expired or logged-out token. Code 3 per the example. */
  token: { code: 3, message: 'Invalid Token' },
  /** §1.5: observed 401 and message; the code is unknown, 99 by default. */
  alreadyLogin: { code: 99, message: 'Already Login' },
  /** §1.4 rule 2: a fourth Web API account. */
  tooManyLogins: { code: 99, message: 'Maximum Number Of Logins Exceeded' },
  /** an unknown path, resource, feature or method. */
  notFound: { code: 99, message: 'Not Found' },
  /** Not in the spec: a test that wants a PBX web server in trouble asks for it (503). */
  unavailable: { code: 99, message: 'Service Unavailable' },
  /** §9.1 common 3, §10.1 item 18: a resource the account has no licence or privilege for (SMDR, a station's socket). */
  license: { code: 3, message: 'License error' },
  /** §9.1 common 1: a parameter the resource cannot use (SMDR filter, more than 100 devices). */
  parameter: { code: 1, message: 'Parameter error' },
  /** §9.3 operation(serviceNotSupported): CTI (commands, monitor, presence) for an account without the CTI privilege. */
  ctiNotSupported: { code: 102, message: 'serviceNotSupported' },
  /** §9.1 click-to-call 102: click to call by anything but a station user. */
  clickCallDenied: { code: 102, message: 'Access denied' },
} as const satisfies Readonly<Record<string, ApiErrorBody>>;

/** A negative answer, thrown by a resource's rules and written by the server. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

/** A CTI error by its §9.3 name (`invalidConnectionIdentifier`, `NoHeldCall`, …): code from the catalogue. */
export function ctiFailure(status: 403 | 404, name: string): ApiFailure {
  return new ApiFailure(status, { code: ctiErrorCode(name) ?? 101, message: name });
}

/** 403 with a CTI error name: a state or operation error (§10.1 item 27). */
export const forbid = (name: string): ApiFailure => ctiFailure(403, name);
/** 404 with a CTI error name: an unknown device or call (§10.1 item 27). */
export const notFound = (name: string): ApiFailure => ctiFailure(404, name);
