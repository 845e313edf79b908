// Click to Call (ipecs-webapi.md §8, §10.1 item 33): POST `/client/v1/users/{station}/clickcall` with
// `{"From","To"}` (capitalised keys), station users only, `From` must be the caller's own station; 200 with an
// empty body, then the call's CTI events to the monitors of the station. Errors use the click-to-call table
// (§9.1, 101-199), which overlaps the CTI numbers.

import { ApiFailure, ERR } from './errors.js';
import { DIGITS, str, type CtiWorld, type Ev } from './cti-world.js';
import { isObject, type ApiAnswer, type ApiCaller, type ApiRequestRecord } from './http.js';
import type { Subscriptions } from './monitor-presence.js';

/** Answers one click-to-call request (the route table has checked the method). */
export function clickCall(world: CtiWorld, subs: Subscriptions, caller: ApiCaller, record: ApiRequestRecord): ApiAnswer {
  if (caller.kind !== 'station') throw new ApiFailure(403, ERR.clickCallDenied);
  const body = isObject(record.body) ? record.body : {};
  const from = str(body['From']);
  const to = str(body['To']);
  if (from !== caller.userId || !DIGITS.test(to)) throw new ApiFailure(403, { code: 105, message: 'Parameter error' });
  const d = world.devices.get(from);
  if (d === undefined) throw new ApiFailure(403, { code: 104, message: 'Not OK' });
  const before = subs.presenceSnapshot();
  const events: Ev[] = [];
  try {
    world.startCall(d, to, events);
  } catch (e) {
    if (e instanceof ApiFailure) throw new ApiFailure(403, { code: 110, message: 'Caller busy' });
    throw e;
  }
  return { status: 200, after: () => { subs.publish(events, before); } };
}
