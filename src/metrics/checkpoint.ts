// The checkpoint of the metrics state (issue 17): MetricsState ↔ plain JSON, versioned and decoded with io-ts, with
// the identity of the PBX it was taken of (host, port, account). Pure: no I/O and no clock; the file store
// (src/state) and the bridge's KV bucket hold the text.
//
// The plain shapes are derived from the state's types, and each codec is checked to decode exactly that shape: a
// field added to MetricsState (or to a station, call, trunk or group record) is a compile error here until the
// codec carries it.

import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { MetricsConfig } from '../config/config.js';
import type { CallRecord, CoverageRecord, GroupRecord, MetricsState, StationRecord, TrunkRecord } from './types.js';

/** The format tag of a checkpoint; anything else is not one. */
export const CHECKPOINT_FORMAT = 'ipecs-rx.metrics-checkpoint';
/** The version this library writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** Which PBX (and as whom) a checkpoint is of: a checkpoint of another one is never restored. */
export interface CheckpointIdentity {
  readonly host: string;
  readonly port: number;
  readonly userId: string;
}

/** A decoded checkpoint: the state (live again) and when and of which PBX it was taken. */
export interface Checkpoint {
  readonly identity: CheckpointIdentity;
  /** The scheduler instant the checkpoint was taken (every input up to it is in the state). */
  readonly savedAt: number;
  readonly state: MetricsState;
}

// ---- the plain shapes, derived from the state's types ----

/** A record with sets as arrays, every field writable (io-ts codecs infer writable fields). */
type Plain<T> = { -readonly [K in keyof T]: T[K] extends ReadonlySet<infer E> ? E[] : T[K] };
/** The fields of the state a checkpoint holds: the configuration is today's, the last changes are the last input's. */
type StateFields = Omit<MetricsState, 'config' | 'lastChanges'>;
type PlainValue<V> = V extends ReadonlyMap<string, infer R> ? (R extends number ? [string, number][] : Plain<R>[]) : V;
/** The coverage as plain data, without the summary it caches. */
type PlainCoverage = Plain<Omit<CoverageRecord, 'cached'>>;
/** The state as plain data: maps as arrays of records, the call indexes as `[index key, call key]` pairs. */
type PlainState = {
  -readonly [K in keyof StateFields]: K extends 'callByTrunk' | 'callByStation'
    ? [string, string][]
    : K extends 'coverage'
      ? PlainCoverage
      : PlainValue<StateFields[K]>;
};

/** `true` only when A and B are the same type (modifiers included). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the standard exact-equality test of two types
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
/** A compile-time check: fails to type-check unless its argument is `true`. */
type Exactly<T extends true> = T;

// ---- the codecs ----

const maybe = <C extends t.Mixed>(c: C) => t.union([c, t.undefined]);
const str = t.string;
const num = t.number;
const bool = t.boolean;

const StationC = t.strict({
  number: str, inService: bool, heldOut: bool, busy: bool, ringingCall: maybe(str), dnd: bool, forward: bool,
  wrapSince: maybe(num), serviceMark: num, idleMs: num, busyMs: num, wrapMs: num, groups: t.array(str), agentId: str,
  available: bool, agentMark: num, loggedInMs: num, availMs: num, unavailMs: num, supervisorOf: t.array(str),
  handledGroup: maybe(str), wrapGroup: maybe(str),
});
const TrunkC = t.strict({ number: str, state: t.keyof({ busy: null, idle: null, ringing: null }) });
const CallC = t.strict({
  key: str, direction: t.keyof({ inbound: null, outbound: null, internal: null }), createdAt: num, trunk: maybe(str),
  station: maybe(str), ringingStation: maybe(str), peer: maybe(str), group: maybe(str), groupCounted: bool,
  queueGroup: maybe(str), queuedAt: num, answeredAt: maybe(num), answeredGroup: maybe(str), talkMark: num, holdSince: maybe(num),
});
const GroupC = t.strict({
  group: str, agents: t.array(str), supervisors: t.array(str), inbound: num, answered: num, abandoned: num,
  shortAbandons: num, answeredWithinServiceLevel: num, speedOfAnswerMs: num, handleTalkMs: num, wrapMs: num,
});
const CoverageC = t.strict({ since: num, unseenStations: t.array(str), unknownAgents: t.array(str), gaps: num, gapMs: num, restarts: num });
const KeyPair = t.tuple([str, str]);
const StateC = t.strict({
  periodStart: num, at: num, stations: t.array(StationC), trunks: t.array(TrunkC), calls: t.array(CallC),
  callByTrunk: t.array(KeyPair), callByStation: t.array(KeyPair), lateKeys: t.array(t.tuple([str, num])), latePrunedAt: num,
  groups: t.array(GroupC), stationsConnected: num, busyStations: num, agentsLoggedIn: num, activeCalls: num, callsInQueue: num,
  totalInboundCalls: num, totalAnsweredCalls: num, totalAbandonedCalls: num, totalOutboundCalls: num, shortAbandons: num,
  answeredWithinServiceLevel: num, speedOfAnswerMs: num, handleTalkMs: num, holdMs: num, expiredCalls: num,
  expiredCallsTotal: num, lastSweep: num, version: num, coverage: CoverageC,
});

/** Holds only while every codec decodes exactly its record's fields (a new field is a compile error here). */
export type CodecsMatchTheState = [
  Exactly<Same<t.TypeOf<typeof StationC>, Plain<StationRecord>>>,
  Exactly<Same<t.TypeOf<typeof TrunkC>, Plain<TrunkRecord>>>,
  Exactly<Same<t.TypeOf<typeof CallC>, Plain<CallRecord>>>,
  Exactly<Same<t.TypeOf<typeof GroupC>, Plain<GroupRecord>>>,
  Exactly<Same<t.TypeOf<typeof CoverageC>, PlainCoverage>>,
  Exactly<Same<t.TypeOf<typeof StateC>, PlainState>>,
];

const IdentityC = t.strict({ host: str, port: num, userId: str });
const CheckpointC = t.strict({
  format: t.literal(CHECKPOINT_FORMAT),
  version: t.literal(CHECKPOINT_VERSION),
  identity: IdentityC,
  savedAt: num,
  state: StateC,
});

// ---- encode ----

function plainState(s: MetricsState): PlainState {
  const { config: _config, lastChanges: _lastChanges, stations, trunks, calls, callByTrunk, callByStation, lateKeys, groups, coverage, ...counters } = s;
  return {
    ...counters,
    stations: [...stations.values()].map((st) => ({ ...st, groups: [...st.groups], supervisorOf: [...st.supervisorOf] })),
    trunks: [...trunks.values()].map((tr) => ({ ...tr })),
    calls: [...calls.values()].map((c) => ({ ...c })),
    callByTrunk: [...callByTrunk].map(([k, c]): [string, string] => [k, c.key]),
    callByStation: [...callByStation].map(([k, c]): [string, string] => [k, c.key]),
    lateKeys: [...lateKeys],
    groups: [...groups.values()].map((g) => ({ ...g, agents: [...g.agents], supervisors: [...g.supervisors] })),
    coverage: {
      since: coverage.since,
      unseenStations: [...coverage.unseenStations],
      unknownAgents: [...coverage.unknownAgents],
      gaps: coverage.gaps,
      gapMs: coverage.gapMs,
      restarts: coverage.restarts,
    },
  };
}

/** The checkpoint of `state` taken at `savedAt`, as JSON text (one line). */
export function encodeCheckpoint(state: MetricsState, identity: CheckpointIdentity, savedAt: number): string {
  const doc: t.TypeOf<typeof CheckpointC> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    identity: { host: identity.host, port: identity.port, userId: identity.userId },
    savedAt,
    state: plainState(state),
  };
  return JSON.stringify(doc);
}

// ---- decode ----

/** Why a text is not a checkpoint this library can restore. */
export type CheckpointProblem =
  | { readonly kind: 'corrupt'; readonly detail: string }
  | { readonly kind: 'unsupported-version'; readonly detail: string };

/** The result of {@link decodeCheckpoint}. */
export type DecodedCheckpoint = { readonly ok: true; readonly checkpoint: Checkpoint } | { readonly ok: false; readonly problem: CheckpointProblem };

const corrupt = (detail: string): DecodedCheckpoint => ({ ok: false, problem: { kind: 'corrupt', detail } });

/** The first few decode errors as `path: expected X` lines. */
function describeErrors(errors: t.Errors): string {
  const lines = errors.slice(0, 3).map((e) => {
    const path = e.context.map((c) => c.key).filter((k) => k !== '').join('.');
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value';
    return `${path === '' ? '(root)' : path}: expected ${expected}`;
  });
  return lines.join('; ') + (errors.length > 3 ? ` (+${String(errors.length - 3)} more)` : '');
}

function liveState(p: PlainState, config: MetricsConfig): MetricsState | string {
  const calls = new Map<string, CallRecord>(p.calls.map((c) => [c.key, c]));
  const index = (pairs: [string, string][], name: string): Map<string, CallRecord> | string => {
    const out = new Map<string, CallRecord>();
    for (const [k, key] of pairs) {
      const c = calls.get(key);
      if (c === undefined) return `state.${name}: ${JSON.stringify(k)} names call ${JSON.stringify(key)}, which is not among the open calls`;
      out.set(k, c);
    }
    return out;
  };
  const callByTrunk = index(p.callByTrunk, 'callByTrunk');
  if (typeof callByTrunk === 'string') return callByTrunk;
  const callByStation = index(p.callByStation, 'callByStation');
  if (typeof callByStation === 'string') return callByStation;
  return {
    ...p,
    config,
    stations: new Map(p.stations.map((st) => [st.number, { ...st, groups: new Set(st.groups), supervisorOf: new Set(st.supervisorOf) }])),
    trunks: new Map(p.trunks.map((tr) => [tr.number, tr])),
    calls,
    callByTrunk,
    callByStation,
    lateKeys: new Map(p.lateKeys),
    groups: new Map(p.groups.map((g) => [g.group, { ...g, agents: new Set(g.agents), supervisors: new Set(g.supervisors) }])),
    coverage: { ...p.coverage, unseenStations: new Set(p.coverage.unseenStations), unknownAgents: new Set(p.coverage.unknownAgents), cached: undefined },
    lastChanges: [],
  };
}

/**
 * Decodes a checkpoint's text into a live state with today's metrics configuration. Never throws: malformed JSON,
 * a document that is not a checkpoint, a broken shape or dangling call references are `corrupt`; another version
 * is `unsupported-version`.
 */
export function decodeCheckpoint(text: string, config: MetricsConfig): DecodedCheckpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return corrupt(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    return corrupt(`not an ipecs-rx metrics checkpoint (no "format": "${CHECKPOINT_FORMAT}")`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== CHECKPOINT_VERSION) {
    return { ok: false, problem: { kind: 'unsupported-version', detail: `version ${version === undefined ? 'missing' : JSON.stringify(version)}, this library reads ${String(CHECKPOINT_VERSION)}` } };
  }
  const r = CheckpointC.decode(raw);
  if (isLeft(r)) return corrupt(describeErrors(r.left));
  const state = liveState(r.right.state, config);
  if (typeof state === 'string') return corrupt(state);
  return { ok: true, checkpoint: { identity: r.right.identity, savedAt: r.right.savedAt, state } };
}
