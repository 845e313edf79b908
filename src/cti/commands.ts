// The CTI call-control commands as ONE typed table (ipecs-webapi.md §7.6, §7.6.37): method, path after `call/`,
// request parameters (type), the client-side limits of §10.1 item 28, and the decoder of the response's `data`.
// `createCti` turns every row into a method; the tests walk the same table against the emulator.

import * as t from 'io-ts';
import { NumberFromWire } from '../protocol/rest.js';
import { BooleanFromWire, PresenceStatusFromWire, StringFromWire } from '../protocol/wire.js';

/** A decoder of a command's response `data`. */
export type DataCodec<R> = t.Type<R, unknown>;

/** One row of the command table. `P` is the request, `R` the decoded `data` of the 200 answer. */
export interface CtiCommandSpec<P, R> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path after `/ipxapi/server/v1/users/{id}/call/`. */
  readonly path: string;
  /** The §7.6 section, for messages and docs. */
  readonly section: string;
  /** The request's parameters, in order (res/ipecs-commands.json lists the same: test/cti/commands-file.test.ts). */
  readonly params: readonly string[];
  /** Problems with the request (empty: fine). Checked before anything is sent. */
  readonly check: (p: P) => readonly string[];
  readonly data: DataCodec<R>;
  /** Marks the request type (never read at run time). */
  readonly _p?: P;
}

/** The request type of a table row. */
export type ParamsOf<S> = S extends CtiCommandSpec<infer P, infer _R> ? P : never;
/** The response type of a table row. */
export type ResultOf<S> = S extends CtiCommandSpec<infer _P, infer R> ? R : never;

// ---- limit checks (§10.1 item 28, §10.2 item 14) ------------------------------------------------------------

type Rule = (v: unknown) => boolean;
const digits: Rule = (v) => typeof v === 'string' && /^[0-9*#+]+$/.test(v);
const posInt: Rule = (v) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const intIn = (lo: number, hi: number): Rule => (v) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const oneOf = (...xs: readonly string[]): Rule => (v) => typeof v === 'string' && xs.includes(v);
const matches = (re: RegExp): Rule => (v) => typeof v === 'string' && re.test(v);
const optional = (r: Rule): Rule => (v) => v === undefined || r(v);

/** The rule of each parameter name (one place for every command). */
const RULES: Readonly<Record<string, readonly [Rule, string]>> = {
  deviceNumber: [digits, 'a digit string'],
  calledDN: [digits, 'a digit string'],
  divertToDN: [digits, 'a digit string'],
  transferDN: [digits, 'a digit string'],
  callingDN: [digits, 'a digit string'],
  pickedDN: [optional(digits), 'a digit string'],
  DN: [digits, 'a digit string'],
  destNumber: [matches(/^[0-9*#+]*$/), 'a digit string'],
  memberDN: [digits, 'a digit string'],
  service_num: [digits, 'a digit string'],
  callRefID: [posInt, 'a positive integer'],
  startIndex: [posInt, 'a positive integer (the physical index)'],
  count: [intIn(1, 100), 'an integer 1-100'],
  dialDigit: [matches(/^[0-9*#]$/), 'one of 0-9, *, # (one digit per request, A-48)'],
  agentId: [matches(/^\d{4}$/), '4 digits'],
  groupNumber: [digits, 'a digit string'],
  loginPriority: [intIn(0, 9), 'an integer 0-9 (A-33)'],
  reasonCode: [matches(/^[0-9*#]$/), 'one of 0-9, *, #'],
  groupIndex: [(v) => intIn(1, 265)(v) || v === 999, '1-99, 100-265 or 999'],
  memberIndex: [posInt, 'a positive integer'],
  roomIndex: [intIn(1, 200), 'an integer 1-200'],
  parkingLoc: [intIn(0, 999), 'an integer 0-999'],
  page_index: [posInt, 'a positive integer'],
  svcType: [(v) => typeof v === 'string' && v !== '', 'a non-empty string'],
  cfwdType: [oneOf('disable', 'uncondition', 'busy', 'no_answer', 'busy_noans', 'DND'), 'disable|uncondition|busy|no_answer|busy_noans|DND'],
  pickupType: [oneOf('group_pickup', 'direct_pickup'), 'group_pickup|direct_pickup'],
  type: [oneOf('intrude', 'callback', 'campon', 'callwait'), 'intrude|callback|campon|callwait'],
  loginPrimary: [oneOf('primary', 'secondary'), 'primary|secondary'],
  agentState: [oneOf('dutyOn', 'dutyOff'), 'dutyOn|dutyOff'],
  memberType: [oneOf('station', 'co', 'net'), 'station|co|net'],
  roomUsage: [oneOf('true', 'false'), '"true"|"false"'],
  roomPwd: [(v) => typeof v === 'string', 'a string'],
};

/** The problems of a request: every parameter listed in `names` checked by its rule (missing counts). */
function checkParams(p: object, names: readonly string[]): string[] {
  const rec = p as Record<string, unknown>;
  const out: string[] = [];
  for (const n of names) {
    const rule = RULES[n];
    if (rule !== undefined && !rule[0](rec[n])) out.push(`${n} must be ${rule[1]}`);
  }
  return out;
}

// ---- response codecs ---------------------------------------------------------------------------------------

const Empty = t.UnknownRecord;
const CallRef = t.type({ callRefID: NumberFromWire });
const Terminal = t.intersection([
  t.type({ deviceIndex: NumberFromWire, deviceNumber: StringFromWire }),
  t.partial({ deviceType: StringFromWire, tenantNumber: NumberFromWire, callControl: StringFromWire }),
]);
/** One terminal of Get Terminal Information (§7.6.1). Only `callControl: "enable"` can be controlled. */
export type Terminal = t.TypeOf<typeof Terminal>;

// ---- the table ---------------------------------------------------------------------------------------------

/** Builds a row whose request type is `P`; `names` are the parameters the row checks (all of the row's, in order). */
function row<P extends object>() {
  return <R>(method: 'GET' | 'POST' | 'DELETE', path: string, section: string, names: readonly (keyof P & string)[], data: DataCodec<R>): CtiCommandSpec<P, R> => ({
    method,
    path,
    section,
    params: names,
    data,
    check: (p) => checkParams(p, names),
  });
}

interface Dev { readonly deviceNumber: string }
interface DevCall extends Dev { readonly callRefID: number }
interface DevDn extends Dev { readonly DN: string }
interface Agent extends Dev { readonly agentId: string; readonly groupNumber: string }
interface Group extends Dev { readonly groupIndex: number }
type Opt<T> = T & { readonly transactionID?: number };

const CALL = ['deviceNumber', 'callRefID'] as const;

/**
 * Every call-control command (§7.6.1-7.6.36; ACD Group Control is `rerouteCall` on the queued call, §7.6.30).
 * Keys are the names of `res/ipecs-commands.json`.
 */
export const CTI_COMMANDS = {
  getTerminalInformation: row<Opt<{ readonly startIndex: number; readonly count: number }>>()('POST', 'make', '7.6.1', ['startIndex', 'count'], t.type({ terminals: t.array(Terminal) })),
  makeCall: row<Opt<Dev & { readonly calledDN: string }>>()('POST', 'make', '7.6.2', ['deviceNumber', 'calledDN'], CallRef),
  answerCall: row<Opt<DevCall>>()('POST', 'answer', '7.6.3', CALL, Empty),
  clearConnection: row<Opt<DevCall>>()('POST', 'clear_connection', '7.6.4', CALL, Empty),
  rerouteCall: row<Opt<DevCall & { readonly divertToDN: string }>>()('POST', 'reroute', '7.6.5', [...CALL, 'divertToDN'], Empty),
  holdCall: row<Opt<DevCall>>()('POST', 'hold', '7.6.6', CALL, Empty),
  retrieveCall: row<Opt<DevCall>>()('POST', 'retrieve', '7.6.7', CALL, Empty),
  consultationCall: row<Opt<DevCall & { readonly calledDN: string; readonly svcType: 'conference' | 'transfer' }>>()('POST', 'consultation', '7.6.8', [...CALL, 'calledDN', 'svcType'], CallRef),
  transferCall: row<Opt<DevCall>>()('POST', 'transfer', '7.6.9', CALL, CallRef),
  singleStepTransferCall: row<Opt<DevCall & { readonly transferDN: string }>>()('POST', '1step_transfer', '7.6.10', [...CALL, 'transferDN'], CallRef),
  generateDigit: row<Opt<DevCall & { readonly dialDigit: string }>>()('POST', 'dial_digit', '7.6.11', [...CALL, 'dialDigit'], Empty),
  reconnectCall: row<Opt<DevCall>>()('POST', 'reconnect', '7.6.12', CALL, Empty),
  setForwarding: row<Opt<DevDn & { readonly cfwdType: 'disable' | 'uncondition' | 'busy' | 'no_answer' | 'busy_noans' | 'DND'; readonly destNumber: string }>>()(
    'POST', 'forward', '7.6.13', ['deviceNumber', 'DN', 'cfwdType', 'destNumber'], Empty),
  getForwarding: row<DevDn>()('GET', 'forward', '7.6.14', ['deviceNumber', 'DN'],
    t.intersection([t.type({ cfwdType: StringFromWire, destNumber: StringFromWire }), t.partial({ ringTime: NumberFromWire })])),
  setDnd: row<Opt<DevDn & { readonly svcType: 'enable' | 'disable' }>>()('POST', 'dnd', '7.6.15', ['deviceNumber', 'DN', 'svcType'], Empty),
  getDnd: row<DevDn>()('GET', 'dnd', '7.6.16', ['deviceNumber', 'DN'], t.type({ svcType: StringFromWire })),
  pickUp: row<Opt<Dev & { readonly callingDN: string; readonly pickedDN?: string; readonly pickupType: 'group_pickup' | 'direct_pickup' }>>()(
    'POST', 'pickup', '7.6.17', ['deviceNumber', 'callingDN', 'pickedDN', 'pickupType'], Empty),
  conferenceCall: row<Opt<DevCall>>()('POST', 'conference', '7.6.18', CALL, CallRef),
  callReject: row<Opt<DevCall>>()('POST', 'clear_connection', '7.6.19', CALL, Empty),
  busyService: row<Opt<DevCall & { readonly type: 'intrude' | 'callback' | 'campon' | 'callwait' }>>()('POST', 'busy_service', '7.6.20', [...CALL, 'type'], CallRef),
  setCallBack: row<Opt<Dev & { readonly svcType: 'false' }>>()('POST', 'call_back', '7.6.21', ['deviceNumber', 'svcType'], Empty),
  getCallStatus: row<Dev>()('GET', 'status', '7.6.22', ['deviceNumber'], t.type({ state: PresenceStatusFromWire })),
  callPark: row<Opt<DevCall>>()('POST', 'park', '7.6.23', CALL, t.type({ parkingLoc: NumberFromWire })),
  callUnPark: row<Opt<Dev & { readonly callingDN: string; readonly parkingLoc: number }>>()('POST', 'unpark', '7.6.24', ['deviceNumber', 'callingDN', 'parkingLoc'], Empty),
  getMwi: row<Dev>()('GET', 'mwi', '7.6.25', ['deviceNumber'],
    t.type({ msgStatus: BooleanFromWire, newMsg: NumberFromWire, oldMsg: NumberFromWire, newUrgentMsg: NumberFromWire })),
  flexiblePage: row<Opt<{ readonly page_index: number; readonly service_num: string }>>()('POST', 'flexpage', '7.6.26', ['page_index', 'service_num'], Empty),
  agentLogOn: row<Opt<Agent & { readonly loginPrimary: 'primary' | 'secondary'; readonly loginPriority: number }>>()(
    'POST', 'agent_logon', '7.6.27', ['deviceNumber', 'agentId', 'groupNumber', 'loginPrimary', 'loginPriority'], Empty),
  agentLogOff: row<Opt<Agent & { readonly loginPrimary: 'primary' | 'secondary' }>>()('POST', 'agent_logoff', '7.6.28', ['deviceNumber', 'agentId', 'groupNumber', 'loginPrimary'], Empty),
  agentSetState: row<Opt<Agent & { readonly agentState: 'dutyOn' | 'dutyOff'; readonly reasonCode: string }>>()(
    'POST', 'agent_state', '7.6.29', ['deviceNumber', 'agentId', 'groupNumber', 'agentState', 'reasonCode'], Empty),
  confGroupCallStart: row<Opt<Group>>()('POST', 'confgroup', '7.6.31', ['deviceNumber', 'groupIndex'], Empty),
  confGroupAddCallee: row<Opt<Group & { readonly memberType: 'station' | 'co' | 'net'; readonly memberIndex: number; readonly memberDN: string }>>()(
    'POST', 'confgroup_callee', '7.6.32', ['deviceNumber', 'groupIndex', 'memberType', 'memberIndex', 'memberDN'], Empty),
  confGroupDropCallee: row<Opt<Group & { readonly memberIndex: number }>>()('DELETE', 'confgroup_callee', '7.6.33', ['deviceNumber', 'groupIndex', 'memberIndex'], Empty),
  confGroupSetMute: row<Opt<Group & { readonly memberIndex: number; readonly svcType: 'on' | 'off' }>>()(
    'POST', 'confgroup_mutecallee', '7.6.34', ['deviceNumber', 'groupIndex', 'memberIndex', 'svcType'], Empty),
  getConfRoom: row<Dev & { readonly roomIndex: number }>()('GET', 'confroom', '7.6.35', ['deviceNumber', 'roomIndex'],
    t.intersection([t.type({ roomIndex: NumberFromWire, roomUsage: BooleanFromWire }), t.partial({ memberCount: NumberFromWire, member: t.array(StringFromWire) })])),
  confRoomOpenClose: row<Opt<Dev & { readonly roomIndex: number; readonly roomPwd: string; readonly roomUsage: 'true' | 'false' }>>()(
    'POST', 'confroom', '7.6.36', ['deviceNumber', 'roomIndex', 'roomPwd', 'roomUsage'], Empty),
} as const;

/** The names of every call-control command. */
export type CtiCommandName = keyof typeof CTI_COMMANDS;
/** The request of command `K`. */
export type CtiParams<K extends CtiCommandName> = ParamsOf<(typeof CTI_COMMANDS)[K]>;
/** The decoded response `data` of command `K`. */
export type CtiResult<K extends CtiCommandName> = ResultOf<(typeof CTI_COMMANDS)[K]>;
