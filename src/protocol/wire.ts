// io-ts codecs of every wire shape of the event stream and SMDR (ipecs-webapi.md §5.4-5.5, §6.2, §7.4-7.5, §7.7).
// Tolerant where §11 says the server is sloppy. The ACD hot path is the hand-written
// decoder in `decode.ts`; the ACD codec here delegates to it, and the scalars come from `lenient.ts`.

import * as t from 'io-ts';
import { NumberFromWire } from './rest.js';
import { decodeAcdMessage } from './decode.js';
import { isDecodeError } from './acd-event.js';
import { lenientCodec, wireBoolean, wireString, wireStringList } from './lenient.js';

// ---------------------------------------------------------------------------------------------------------------
// Lenient scalars

/** A string field that the server sometimes sends as a number (`destNumber: 1004`): decodes to a trimmed string. */
export const StringFromWire = lenientCodec('StringFromWire', (u): u is string => typeof u === 'string', wireString);

/** A boolean the server may send as the string `"true"`/`"false"`. */
export const BooleanFromWire = lenientCodec('BooleanFromWire', (u): u is boolean => typeof u === 'boolean', wireBoolean);

/** A string or a list of strings, always decoded to a list (`memberDN`, A-42). */
export const StringListFromWire = lenientCodec(
  'StringListFromWire',
  (u): u is readonly string[] => Array.isArray(u) && u.every((x) => typeof x === 'string'),
  wireStringList,
);

// ---------------------------------------------------------------------------------------------------------------
// ACD (§6.2)

/** A field that is blank, a string or a number on the wire (the ACD event's sloppy fields). */
type AcdScalar = string | number | null;

/** The ACD envelope as it arrives (before normalisation). */
export interface AcdEnvelope {
  readonly event: 'acd';
  readonly data: {
    readonly eventCode: number | string;
    readonly time?: AcdScalar;
    readonly callRefID?: AcdScalar;
    readonly eventString?: AcdScalar;
    readonly sourceType?: AcdScalar;
    readonly sourceNumber?: AcdScalar;
    readonly destType?: AcdScalar;
    readonly destNumber?: AcdScalar;
    readonly data1?: AcdScalar;
    readonly data2?: AcdScalar;
  };
}

/**
 * io-ts codec of the ACD envelope `{"event":"acd","data":{…ten fields…}}`. It accepts exactly what
 * {@link decodeAcdMessage} (the hot path) accepts, because it asks it: one rule, not two. Decodes to the envelope
 * as it came (`event` spelled `"acd"`); a failure carries the decoder's message.
 */
export const AcdEnvelope = new t.Type<AcdEnvelope, AcdEnvelope, unknown>(
  'AcdEnvelope',
  (u): u is AcdEnvelope => !isDecodeError(decodeAcdMessage(u, 0)) && (u as { event?: unknown }).event === 'acd',
  (u, c) => {
    const r = decodeAcdMessage(u, 0);
    if (isDecodeError(r)) return t.failure(u, c, r.message);
    // Accepted: a plain object whose `event` is "acd" in some case and spacing.
    const env = u as Record<string, unknown>;
    return t.success((env['event'] === 'acd' ? env : { ...env, event: 'acd' }) as unknown as AcdEnvelope);
  },
  (a) => a,
);

// ---------------------------------------------------------------------------------------------------------------
// CTI call events and presence (§7.4-7.5, §7.7)

/** The 36 canonical CTI event types (§7.5.1): 35 call-event sections and `presence`. */
export const CTI_EVENT_TYPES = [
  'dialing', 'proceeding', 'alerting', 'ringing', 'connected', 'released', 'releasedasc', 'rerouted', 'rerouting',
  'fail', 'held', 'hold', 'retrieved', 'retrieve', 'transferred', 'transferring', 'conferenced', 'conferencing',
  'dnd', 'forwarding', 'registered', 'unregistered', 'mwi', 'agent_logon', 'agent_logoff', 'agent_ready',
  'agent_notready', 'agent_work', 'agent_busy', 'queueing', 'queued', 'confgroupmember', 'setmuteon',
  'confroommember', 'numbering', 'presence',
] as const;

/** One of the 36 canonical CTI event type names. */
export type CtiEventType = (typeof CTI_EVENT_TYPES)[number];

const ctiTypes: ReadonlySet<string> = new Set(CTI_EVENT_TYPES);

/**
 * Normalises a wire `type` (§10.2-9, A-19): trimmed and lower-cased; `muteon` → `setmuteon`; `confgroupmember` and
 * `confroommember` (the spec mixes them up) are told apart by their fields: `groupIndex` → `confgroupmember`,
 * `roomIndex` → `confroommember`. `queued` and `queueing` stay distinct (two events). Unknown → `undefined`.
 */
export function normaliseCtiType(raw: unknown, data?: Readonly<Record<string, unknown>>): CtiEventType | undefined {
  if (typeof raw !== 'string') return undefined;
  let s = raw.trim().toLowerCase();
  if (s === 'muteon') s = 'setmuteon';
  if ((s === 'confgroupmember' || s === 'confroommember') && data !== undefined) {
    if (Object.hasOwn(data, 'groupIndex') && !Object.hasOwn(data, 'roomIndex')) s = 'confgroupmember';
    else if (Object.hasOwn(data, 'roomIndex') && !Object.hasOwn(data, 'groupIndex')) s = 'confroommember';
  }
  return ctiTypes.has(s) ? (s as CtiEventType) : undefined;
}

/** io-ts codec of a CTI `type` field: decodes any spelling accepted by {@link normaliseCtiType} (without field hints). */
export const CtiEventTypeFromWire = new t.Type<CtiEventType, string, unknown>(
  'CtiEventType',
  (u): u is CtiEventType => typeof u === 'string' && ctiTypes.has(u),
  (u, c) => {
    const n = normaliseCtiType(u);
    return n === undefined ? t.failure(u, c) : t.success(n);
  },
  (x) => x,
);

/** The common fields of every CTI event (§7.4); which are present depends on the type. */
const CtiCommonFields = t.partial({
  deviceNumber: StringFromWire,
  serviceDN: StringFromWire,
  callRefID: NumberFromWire,
  causeCode: NumberFromWire,
  causeMsg: StringFromWire,
  evtSerialNum: NumberFromWire,
});

/**
 * io-ts codec of the data of a CTI event: the common fields plus the normalised `type`. The type-specific fields are
 * kept as they are (full typing of the 36 types is a later issue). `confgroupmember`/`confroommember` are resolved
 * by their fields.
 */
export const CtiEventData = new t.Type<CtiEventDataT, unknown, unknown>(
  'CtiEventData',
  (u): u is CtiEventDataT => typeof u === 'object' && u !== null && typeof (u as { type?: unknown }).type === 'string',
  (u, c) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'expected an object');
    const rec = u as Record<string, unknown>;
    const type = normaliseCtiType(Object.hasOwn(rec, 'type') ? rec['type'] : undefined, rec);
    if (type === undefined) return t.failure(rec['type'], t.appendContext(c, 'type', CtiEventTypeFromWire, rec['type']), 'unknown CTI event type');
    const common = CtiCommonFields.validate(u, c);
    if (common._tag === 'Left') return common;
    // A fresh object with own properties only: never merged into another object.
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(rec)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = rec[k];
    }
    const normalised: Record<string, unknown> = common.right;
    for (const k of Object.keys(CtiCommonFields.props)) {
      if (Object.hasOwn(normalised, k)) out[k] = normalised[k];
    }
    out['type'] = type;
    return t.success(out as CtiEventDataT);
  },
  (x) => x,
);

/** The data of a CTI event: common fields, the normalised type, and the remaining wire fields as they came. */
export type CtiEventDataT = {
  readonly type: CtiEventType;
  readonly deviceNumber?: string;
  readonly serviceDN?: string;
  readonly callRefID?: number;
  readonly causeCode?: number;
  readonly causeMsg?: string;
  readonly evtSerialNum?: number;
} & Readonly<Record<string, unknown>>;

/** io-ts codec of the CTI call-event envelope `{"event":"call","data":{type,…,evtSerialNum}}` (§7.4). */
export const CallEventEnvelope = t.type({
  event: t.literal('call'),
  data: CtiEventData,
});
/** A decoded CTI call-event envelope. */
export type CallEventEnvelope = t.TypeOf<typeof CallEventEnvelope>;

/** The presence status values of the field table (§7.7.3); the wire may send others (open union). */
export const PRESENCE_STATUSES = [
  'block', 'idle', 'DND', 'stn_talk', 'trk_talk', 'busy', 'fwd_all', 'fwd_uncond', 'fwd_busy', 'fwd_nans', 'fwd_bsna',
  'ring', 'hold', 'conf',
] as const;

/** A presence status: a table value, or any other string the PBX sends. */
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number] | (string & {});

/** Normalises a presence status: trimmed; `cfwd_*` → `fwd_*`; table values matched without regard to case. */
export function normalisePresenceStatus(raw: string): PresenceStatus {
  let s = raw.trim();
  const lower = s.toLowerCase();
  if (lower.startsWith('cfwd_')) s = lower.slice(1);
  for (const v of PRESENCE_STATUSES) if (v.toLowerCase() === s.toLowerCase()) return v;
  return s;
}

/** io-ts codec of a presence / call-status value, normalised (`cfwd_*` → `fwd_*`, A-24). */
export const PresenceStatusFromWire = new t.Type<PresenceStatus, string, unknown>(
  'PresenceStatus',
  (u): u is PresenceStatus => typeof u === 'string',
  (u, c) => (typeof u === 'string' ? t.success(normalisePresenceStatus(u)) : t.failure(u, c)),
  (s) => s,
);

/** io-ts codec of the presence event data (§7.7.2). `type` accepts any case and spacing of `presence`. */
export const PresenceEventData = t.intersection([
  t.type({
    type: CtiEventTypeFromWire.pipe(
      new t.Type<'presence', CtiEventType, CtiEventType>('presence', (u): u is 'presence' => u === 'presence', (u, c) => (u === 'presence' ? t.success(u) : t.failure(u, c)), (x) => x),
    ),
    deviceNumber: StringFromWire,
    status: PresenceStatusFromWire,
  }),
  t.partial({
    deviceType: StringFromWire,
    evtSerialNum: NumberFromWire,
  }),
]);
/** A decoded presence event's data. */
export type PresenceEventData = t.TypeOf<typeof PresenceEventData>;

/** io-ts codec of the presence event envelope `{"event":"call","data":{"type":"presence",…}}`. */
export const PresenceEventEnvelope = t.type({ event: t.literal('call'), data: PresenceEventData });
/** A decoded presence event envelope. */
export type PresenceEventEnvelope = t.TypeOf<typeof PresenceEventEnvelope>;

// ---------------------------------------------------------------------------------------------------------------
// SMDR (§5.4-5.5)

/** The SMDR record's known fields (§5.5); every one optional because builds and PGM settings vary. */
const SmdrKnownFields = t.partial({
  Index: StringFromWire,
  callRefID: NumberFromWire,
  StationNumber: StringFromWire,
  CoNumber: StringFromWire,
  Duration: StringFromWire,
  StartTime: StringFromWire,
  Direction: StringFromWire,
  DialedNumber1: StringFromWire,
  Cost: StringFromWire,
  AccountCode: StringFromWire,
  DialedNumber2: StringFromWire,
  DisconnectCause: StringFromWire,
});

/**
 * io-ts codec of one SMDR record: the known fields typed, every other key kept (A-17: `DialedNumber1`'s name follows
 * PGM 177, e.g. `"CLI Number"`). `Index` is a numeric string (a number on the wire is accepted).
 */
export const SmdrRecord = t.intersection([SmdrKnownFields, t.UnknownRecord]);
/** One SMDR record: known fields plus an index signature. */
export type SmdrRecord = t.TypeOf<typeof SmdrKnownFields> & Readonly<Record<string, unknown>>;

/** io-ts codec of the SMDR GET response `{count, items}` (`items` absent for `countOnly`, A-13). */
export const SmdrResponse = t.intersection([
  t.type({ count: NumberFromWire }),
  t.partial({ items: t.array(SmdrRecord) }),
]);
/** The SMDR GET response. */
export type SmdrResponse = t.TypeOf<typeof SmdrResponse>;

/** io-ts codec of a live SMDR event (`{"event":"smdr","data":{record}}`; an assumption, A-12). */
export const SmdrEventEnvelope = t.type({ event: t.literal('smdr'), data: SmdrRecord });
/** A decoded live SMDR event. */
export type SmdrEventEnvelope = t.TypeOf<typeof SmdrEventEnvelope>;

// ---------------------------------------------------------------------------------------------------------------
// Monitor / Presence per-device results (§3.5)

/** io-ts codec of `{"result":[{"1000":"OK"},…]}`: device number → `"OK"` or a CTI error name. */
export const DeviceResultList = t.type({ result: t.array(t.record(t.string, t.string)) });
/** The per-device result list of Monitor/Presence Start/Stop. */
export type DeviceResultList = t.TypeOf<typeof DeviceResultList>;
