// Typed decoders of the 36 CTI event types (ipecs-webapi.md §7.4-7.5, §7.7.2) and of the live SMDR record.
// One table (`CTI_EVENT_FIELDS`) says which fields each type carries and how to read them; the `CallEvent` union
// is derived from the same table, so the decoder and the type cannot drift apart. Tolerant per §10.2-9/11:
// aliases and spacing of `type`, numbers sent as strings, booleans as "true"/"false", a single
// string where a list is expected, unknown extra fields ignored. Never throws: bad input is a value.

import { CTI_CAUSE_CODES } from './catalogue.js';
import { isJsonObject, wireBoolean, wireNumber, wireString, wireStringList } from './lenient.js';
import { normaliseCtiType, normalisePresenceStatus, type CtiEventType, type PresenceStatus, type SmdrRecord } from './wire.js';

/**
 * How one field is read: `str` (string; a number is stringified), `num` (number; a numeric string is coerced),
 * `bool` (boolean or "true"/"false"), `strs` (list of strings; a single string becomes a one-element list),
 * `objs` (list of plain objects with string values). A trailing `?` marks an optional field.
 */
export type CtiFieldKind = 'str' | 'num' | 'bool' | 'strs' | 'objs' | 'str?' | 'num?' | 'bool?' | 'strs?' | 'objs?';

const DEV = { deviceNumber: 'str', serviceDN: 'str' } as const;
const CAUSE = { causeCode: 'num', causeMsg: 'str' } as const;
const REF = { callRefID: 'num' } as const;
const AGENT = { primaryAgentId: 'str', primaryAcdGroup: 'str', secondaryAgentId: 'str', secondaryAcdGroup: 'str' } as const;
const PARTIES = { callingDN: 'str', calledDN: 'str' } as const;
const REROUTE = { ...DEV, calledDN: 'str', reroutingDN: 'str', ...CAUSE, ...REF } as const;
const QUEUE = { ...DEV, ...PARTIES, qCount: 'num', ...AGENT, ...CAUSE } as const;

/**
 * The fields of every CTI event type besides `type` and `evtSerialNum` (§7.5.1, §7.5.2). The single source of
 * the runtime decoder and of the {@link CallEvent} type.
 */
export const CTI_EVENT_FIELDS = {
  dialing: { ...DEV, ...REF },
  proceeding: { ...DEV, dialDigit: 'str', ...REF },
  alerting: { ...DEV, ...PARTIES, ...CAUSE, ...REF },
  ringing: { ...DEV, ...PARTIES, diversionNum: 'str?', callType: 'str?', ...CAUSE, ...REF },
  connected: { ...DEV, ...PARTIES, diversionNum: 'str?', ...CAUSE, ...REF },
  released: { ...DEV, releasedDN: 'str', ...CAUSE, ...REF },
  releasedasc: { ...DEV, releasedAscDN: 'str', ...CAUSE, ...REF },
  rerouted: REROUTE,
  rerouting: REROUTE,
  fail: { ...DEV, ...PARTIES, busySvcList: 'strs?', ...CAUSE, ...REF },
  held: { ...DEV, holdDN: 'str', ...REF },
  hold: { ...DEV, holdDN: 'str', ...REF },
  retrieved: { ...DEV, retrieveDN: 'str', ...REF },
  retrieve: { ...DEV, retrieveDN: 'str', ...REF },
  transferred: { ...DEV, transferToDN: 'str', transferorDN: 'str', ...REF },
  transferring: { ...DEV, transferedDN: 'str', transferToDN: 'str', transferorDN: 'str', callType: 'str', ...REF },
  conferenced: { ...DEV, memberDN: 'strs', masterDN: 'str', newConfMemberDN: 'str', ...REF },
  conferencing: { ...DEV, memberDN: 'strs', newConfMemberDN: 'str', ...REF },
  dnd: { ...DEV, svcType: 'str' },
  forwarding: { ...DEV, destination: 'str', svcType: 'str' },
  registered: { deviceNumber: 'str' },
  unregistered: { deviceNumber: 'str' },
  mwi: { ...DEV, msgStatus: 'bool', newMsg: 'num', oldMsg: 'num', newUrgentMsg: 'num' },
  agent_logon: { ...DEV, ...AGENT },
  agent_logoff: { ...DEV, ...AGENT },
  agent_ready: { ...DEV, ...AGENT },
  agent_notready: { ...DEV, ...AGENT },
  agent_work: { ...DEV, ...AGENT },
  agent_busy: { ...DEV, ...AGENT },
  queueing: { ...QUEUE, diversionNum: 'str?' },
  queued: QUEUE,
  confgroupmember: { groupIndex: 'num', groupUsage: 'bool', memberIndex: 'num', memberDN: 'str', memberState: 'str' },
  setmuteon: { ...DEV, groupIndex: 'num', memberIndex: 'num', muteOn: 'bool' },
  confroommember: { ...DEV, roomIndex: 'num', roomUsage: 'bool', memberCount: 'num', member: 'strs' },
  numbering: { deviceINFO: 'objs', systemINFO: 'objs' },
  presence: { deviceNumber: 'str', deviceType: 'str?', status: 'str' },
} as const satisfies Record<CtiEventType, Record<string, CtiFieldKind>>;

type FieldValue<K> = K extends 'str' | 'str?' ? string
  : K extends 'num' | 'num?' ? number
  : K extends 'bool' | 'bool?' ? boolean
  : K extends 'strs' | 'strs?' ? readonly string[]
  : readonly Readonly<Record<string, string>>[];
type Fields<S> = { readonly [F in keyof S as S[F] extends `${string}?` ? never : F]: FieldValue<S[F]> } & {
  readonly [F in keyof S as S[F] extends `${string}?` ? F : never]?: FieldValue<S[F]>;
};

/** One decoded CTI event of type `T`: `type`, the table's fields, and `evtSerialNum` (absent when not sent). */
export type CallEventOf<T extends CtiEventType> = { readonly type: T; readonly evtSerialNum?: number } & Fields<(typeof CTI_EVENT_FIELDS)[T]>;

/** Any decoded CTI call event (35 call-event types; presence is {@link PresenceEvent}). */
export type CallEvent = { [T in Exclude<CtiEventType, 'presence'>]: CallEventOf<T> }[Exclude<CtiEventType, 'presence'>];

/** A decoded presence event (§7.7.2); `status` is normalised (A-24: `cfwd_*` → `fwd_*`). */
export type PresenceEvent = CallEventOf<'presence'> & { readonly status: PresenceStatus };

/** Why a CTI frame did not decode. */
export interface CtiDecodeFailure {
  readonly kind: 'cti-decode-error';
  /** The normalised type when it was recognised. */
  readonly type?: CtiEventType;
  /** What was wrong, in a few words (field names only, never values). */
  readonly message: string;
}

/** What one WebSocket frame is, seen by the CTI box. `other`: an ACD or unknown envelope (not ours, not an error). */
export type CtiFrame =
  | { readonly kind: 'call'; readonly event: CallEvent }
  | { readonly kind: 'presence'; readonly event: PresenceEvent }
  | { readonly kind: 'smdr'; readonly record: SmdrRecord }
  | { readonly kind: 'other'; readonly event: string }
  | CtiDecodeFailure;

/** Reads one field; `undefined` means "cannot be read as that kind". */
function readField(kind: CtiFieldKind, u: unknown): unknown {
  switch (kind.replace('?', '')) {
    case 'str':
      return wireString(u);
    case 'num':
      return wireNumber(u);
    case 'bool':
      return wireBoolean(u);
    case 'strs':
      return wireStringList(u);
    default: {
      if (!Array.isArray(u)) return undefined;
      const out: Record<string, string>[] = [];
      for (const x of u) {
        if (!isJsonObject(x)) return undefined;
        const o: Record<string, string> = {};
        for (const [k, v] of Object.entries(x)) {
          const s = wireString(Array.isArray(v) ? v[0] : v); // a one-element list is tolerated
          if (s !== undefined) o[k] = s;
        }
        out.push(o);
      }
      return out;
    }
  }
}

/**
 * Decodes the `data` of a `{"event":"call"}` envelope into a typed event, or a failure value. Extra fields are
 * dropped; a blank optional field is absent.
 */
export function decodeCtiEventData(data: unknown): { readonly kind: 'call'; readonly event: CallEvent } | { readonly kind: 'presence'; readonly event: PresenceEvent } | CtiDecodeFailure {
  if (!isJsonObject(data)) return { kind: 'cti-decode-error', message: 'data is not an object' };
  const type = normaliseCtiType(data['type'], data);
  if (type === undefined) return { kind: 'cti-decode-error', message: 'unknown CTI event type' };
  const spec: Readonly<Record<string, CtiFieldKind>> = CTI_EVENT_FIELDS[type];
  const out: Record<string, unknown> = { type };
  const bad: string[] = [];
  for (const [field, kind] of Object.entries(spec)) {
    const raw = Object.hasOwn(data, field) ? data[field] : undefined;
    const optional = kind.endsWith('?');
    if (raw === undefined || raw === null || (optional && typeof raw === 'string' && raw.trim() === '')) {
      if (!optional) bad.push(`${field} missing`);
      continue;
    }
    const v = readField(kind, raw);
    if (v === undefined) bad.push(`${field} malformed`);
    else out[field] = v;
  }
  const serial = wireNumber(data['evtSerialNum']);
  if (typeof serial === 'number') out['evtSerialNum'] = serial;
  if (bad.length > 0) return { kind: 'cti-decode-error', type, message: bad.join(', ') };
  if (type === 'presence') {
    out['status'] = normalisePresenceStatus(out['status'] as string);
    return { kind: 'presence', event: out as PresenceEvent };
  }
  return { kind: 'call', event: out as CallEvent };
}

/**
 * Classifies one WebSocket text frame for the CTI box: a call event, a presence event, a live SMDR record
 * (`{"event":"smdr","data":{record}}`, A-12), another envelope (`acd`, unknown: passed over), or a failure.
 */
export function decodeCtiFrame(text: string): CtiFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'other', event: '' }; // not JSON: the ACD pipeline counts it as malformed, not us
  }
  if (!isJsonObject(parsed) || typeof parsed['event'] !== 'string') return { kind: 'other', event: '' };
  const event = parsed['event'].trim().toLowerCase();
  if (event === 'call') return decodeCtiEventData(parsed['data']);
  if (event === 'smdr') {
    const rec = parsed['data'];
    if (!isJsonObject(rec)) return { kind: 'cti-decode-error', message: 'SMDR data is not an object' };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = k === 'callRefID' ? (wireNumber(v) ?? v) : k === 'Index' ? (wireString(v) ?? v) : v;
    }
    return { kind: 'smdr', record: out };
  }
  return { kind: 'other', event };
}

/** The Table 5 message of a cause code (§7.4), or `undefined` for a code the table does not list. */
export function ctiCauseMessage(code: number): string | undefined {
  return CTI_CAUSE_CODES.get(code);
}
