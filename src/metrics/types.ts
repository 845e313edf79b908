// The types of the metrics: the state the reducer keeps (metrics.md §2), the transitions it reports (§5) and
// the summary (§3).
//
// The state is plain data owned by the reducer: `reduceMetrics` updates it in place and returns it, so one
// event costs no copy of the maps (the hot path runs at tens of thousands of events per second). Hold on to
// the returned state only; take snapshots with `summarize`, which returns fresh immutable data.

import type { AcdEvent } from '../protocol/acd-event.js';
import type { MetricsConfig } from '../config/config.js';

/** A station (key: station number), with its agent and supervisor roles. Times are ms of the current period. */
export interface StationRecord {
  readonly number: string;
  /** In service (84/81 or implicit registration) and not taken out by 82/83 since. */
  inService: boolean;
  /** Taken out of service by 82 or 83: stays out until 84 or 81, whatever else names it. */
  heldOut: boolean;
  busy: boolean;
  /** Key of the call ringing at this station (66), until 42 on that call, 17, 18 or 44. */
  ringingCall: string | undefined;
  dnd: boolean;
  forward: boolean;
  /** Start of the open wrap-up interval (15), or undefined. */
  wrapSince: number | undefined;
  /** Start of the open idle/busy interval while in service. */
  serviceMark: number;
  idleMs: number;
  busyMs: number;
  wrapMs: number;
  /** ACD groups the agent is logged in to (normalised group numbers); empty: not an agent. */
  readonly groups: Set<string>;
  /** The agent id of the last login (`data2` of 11/25), `''` if none. */
  agentId: string;
  available: boolean;
  /** Start of the open logged-in (and available/unavailable) interval while logged in. */
  agentMark: number;
  loggedInMs: number;
  availMs: number;
  unavailMs: number;
  /** Groups this station supervises (23/24): tracked, not counted as agents. */
  readonly supervisorOf: Set<string>;
  /** The group of the last inbound call this station answered or took over (its wrap-up is that group's handle time). */
  handledGroup: string | undefined;
  /** The group the open wrap-up interval counts for (the handled group at 15), or undefined. */
  wrapGroup: string | undefined;
}

/** A trunk (CO line). */
export interface TrunkRecord {
  readonly number: string;
  state: 'busy' | 'idle' | 'ringing';
}

/** The direction of a call. Internal calls are tracked (hold) but counted in no call total. */
export type CallDirection = 'inbound' | 'outbound' | 'internal';

/** An open call (metrics.md §2, Call). Ended calls are removed. */
export interface CallRecord {
  /** `String(callRefId)` or `co:<trunk>` for a call created by an event without a callRefId. */
  readonly key: string;
  direction: CallDirection;
  readonly createdAt: number;
  trunk: string | undefined;
  /** The station the call is connected to (42), or belongs to after a transfer (70). */
  station: string | undefined;
  ringingStation: string | undefined;
  /** The other station of an internal call (the destination of its 41), for a 43 that names no trunk. */
  peer: string | undefined;
  /** The ACD group of the call, once known (3 data1, 62, 66 data1). */
  group: string | undefined;
  /** Counted in its group's inbound total already. */
  groupCounted: boolean;
  /** Queue group while queued (62), else undefined. */
  queueGroup: string | undefined;
  queuedAt: number;
  answeredAt: number | undefined;
  /** The group the answer was counted in (the call's group at its answer): its handle time goes there too. */
  answeredGroup: string | undefined;
  /** Start of the open talk interval for the handle time (answer, or the period start after a reset). */
  talkMark: number;
  /** Start of the open hold interval (49), or undefined. */
  holdSince: number | undefined;
}

/** Per-group counters of the period and the group's members. */
export interface GroupRecord {
  readonly group: string;
  readonly agents: Set<string>;
  readonly supervisors: Set<string>;
  inbound: number;
  answered: number;
  abandoned: number;
  shortAbandons: number;
  answeredWithinServiceLevel: number;
  /** Σ speed of answer of the group's answered calls, ms. */
  speedOfAnswerMs: number;
  /** Closed talk (+hold) time of the group's answered calls, ms. */
  handleTalkMs: number;
  /** Closed wrap-up time that followed the group's calls, ms. */
  wrapMs: number;
}

/** The call as a {@link Change} names it. */
export interface CallEntity {
  readonly key: string;
  readonly direction: 'inbound' | 'outbound';
  readonly trunk?: string;
  readonly station?: string;
  readonly group?: string;
}

/** A station as a {@link Change} names it. */
export interface StationEntity {
  readonly station: string;
}

/** An agent as a {@link Change} names it: the station, the group of the event and the agent id. */
export interface AgentEntity {
  readonly station: string;
  readonly group: string;
  readonly agentId: string;
}

/** The kinds of transition, one per per-event stream of metrics.md §5. */
export type ChangeKind =
  | 'newCall'
  | 'callDisconnected'
  | 'callAnswered'
  | 'callWaiting'
  | 'agentLoggedIn'
  | 'agentLoggedOut'
  | 'stationConnected'
  | 'stationDisconnected'
  | 'stationBusy';

interface ChangeOf<K extends ChangeKind, E> {
  readonly kind: K;
  /** The event that caused the transition. */
  readonly event: AcdEvent;
  readonly entity: E;
  /** The figure of metrics.md §5 as it stands after the whole event. */
  readonly figure: number;
}

/** A transition caused by one event (metrics.md §5). `figure` is the §5 figure after that event. */
export type Change =
  | ChangeOf<'newCall', CallEntity>
  | ChangeOf<'callDisconnected', CallEntity>
  | ChangeOf<'callAnswered', CallEntity>
  | ChangeOf<'callWaiting', CallEntity>
  | ChangeOf<'agentLoggedIn', AgentEntity>
  | ChangeOf<'agentLoggedOut', AgentEntity>
  | ChangeOf<'stationConnected', StationEntity>
  | ChangeOf<'stationDisconnected', StationEntity>
  | ChangeOf<'stationBusy', StationEntity>;

/** One station as the CTI side reports it at start (terminal list, Get Call Status, Get DND, Get Forwarding). */
export interface SeedStation {
  readonly number: string;
  /** Registered (its call status is not `block`). */
  readonly inService: boolean;
  /** In a call (`stn_talk`, `trk_talk`, `busy`, `hold`, `conf`, or the spec's example `talk`). */
  readonly busy: boolean;
  readonly dnd: boolean;
  readonly forward: boolean;
}

/**
 * What the Web API tells about the stations at start (docs/cold-start.md): it sets the state of each station no ACD
 * event has named yet, and nothing else. It never logs an agent in (the Web API has no agent-state query) and fires
 * no per-event stream (it is no event).
 */
export interface SeedInput {
  readonly kind: 'seed';
  readonly at: number;
  readonly stations: readonly SeedStation[];
}

/** An interval without a socket (a reconnect, or a restart: `cause: 'restart'`): events in it were not seen. */
export interface GapInput {
  readonly kind: 'gap';
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly cause?: 'restart';
}

/**
 * What the reducer takes: an ACD event, a clock tick (expiry, open intervals), the daily reset (§4), the CTI seed
 * of a cold start or a gap (both change only `coverage` and, for the seed, unseen stations).
 */
export type MetricsInput =
  | AcdEvent
  | { readonly kind: 'tick'; readonly at: number }
  | { readonly kind: 'reset'; readonly at: number }
  | SeedInput
  | GapInput;

/** What the figures cover (metrics.md §4): kept by the reducer, read through `summarize` as {@link CoverageSummary}. */
export interface CoverageRecord {
  /** Since when every event was seen (the state's creation: a cold start, or the start of a warm start's journal). */
  readonly since: number;
  /** Stations set by the seed that no ACD event has named since. */
  readonly unseenStations: Set<string>;
  /** Stations that acted as agents (13, 14, or a 12/26 of a group they were not seen logging in to) with no login seen. */
  readonly unknownAgents: Set<string>;
  gaps: number;
  gapMs: number;
  restarts: number;
  /** The summary of this record while it is unchanged (cleared by every change), so summaries share it. */
  cached: CoverageSummary | undefined;
}

/** The whole state of the metrics. Owned by the reducer (see the file comment); read it through `summarize`. */
export interface MetricsState {
  readonly config: MetricsConfig;
  /** Start of the current period (connect or last reset). */
  periodStart: number;
  /** The latest instant seen (event, tick or reset). */
  at: number;
  readonly stations: Map<string, StationRecord>;
  readonly trunks: Map<string, TrunkRecord>;
  readonly calls: Map<string, CallRecord>;
  /** Open call on each trunk. */
  readonly callByTrunk: Map<string, CallRecord>;
  /** Open call ringing at or connected to each station (the latest). */
  readonly callByStation: Map<string, CallRecord>;
  /**
   * Keys of ended calls (`callRefId`, `co:<trunk>`, and `co:<trunk>` of each ended call's trunk) → end instant, for
   * `metrics.lateReportSeconds` (§2 late reports). In end order; entries past the window are dropped as time moves,
   * so its size is bounded by the calls that end within one window.
   */
  readonly lateKeys: Map<string, number>;
  /** When `lateKeys` was last pruned (pruned at most once a second; `isLate` compares exact instants). */
  latePrunedAt: number;
  readonly groups: Map<string, GroupRecord>;
  // Live counters (kept in step with the records so figures are O(1)).
  stationsConnected: number;
  busyStations: number;
  agentsLoggedIn: number;
  activeCalls: number;
  callsInQueue: number;
  // Period counters.
  totalInboundCalls: number;
  totalAnsweredCalls: number;
  totalAbandonedCalls: number;
  totalOutboundCalls: number;
  shortAbandons: number;
  answeredWithinServiceLevel: number;
  /** Σ (answeredAt − createdAt) over the period's answered calls, ms. */
  speedOfAnswerMs: number;
  /** Closed talk (+hold) time of answered inbound calls this period, ms. */
  handleTalkMs: number;
  /** Closed hold intervals of the period, ms. */
  holdMs: number;
  expiredCalls: number;
  /** Calls expired since the state was created (not reset by periods). */
  expiredCallsTotal: number;
  /** Last expiry sweep instant. */
  lastSweep: number;
  /** Bumped by every input that changes a figure or a state (the summary stream emits on a change). */
  version: number;
  /** The transitions of the last input, in order (a shared empty array when none). */
  lastChanges: readonly Change[];
  /** What the figures cover: since when, which entities are partly known, the gaps. */
  readonly coverage: CoverageRecord;
}

/**
 * What the figures cover (metrics.md §4, docs/cold-start.md). The ACD stream has no replay and the Web API no
 * agent-state query: a client started mid-day knows only what it has seen since `since`, and says so here.
 */
export interface CoverageSummary {
  /**
   * Since when the figures are complete (scheduler ms): the client's start, or the start of the journal a warm start
   * replayed; the period's start once a daily reset was seen (then `wholePeriod` is true).
   */
  readonly since: number;
  /** True once the figures cover the whole period: the state ran through a daily reset (live or in its journal). */
  readonly wholePeriod: boolean;
  /**
   * Stations known only from the CTI seed (registered, busy, DND, forward as the Web API reported them at start):
   * no ACD event has named them since, so their agent role is unknown. Ascending.
   */
  readonly unseenStations: readonly string[];
  /**
   * Stations that act as agents (13/14 availability, a 12/26 logout) with no login seen since `since`: they logged
   * in before the client started. They are not counted in `agentsLoggedIn` (a login is never invented). Ascending.
   */
  readonly unknownAgents: readonly string[];
  /** Intervals without a socket since `since` (reconnects and restarts): events in them were not seen. */
  readonly gaps: number;
  /** Their total length, seconds (3 decimals). */
  readonly gapSeconds: number;
  /** Of those gaps, the process restarts (`cause: 'restart'`). */
  readonly restarts: number;
}

/** Per-group figures (metrics.md §3, breakdowns). Counters are of the current period. */
export interface GroupSummary {
  readonly group: string;
  readonly agentsLoggedIn: number;
  readonly agentsAvailable: number;
  readonly agentsUnavailable: number;
  readonly agentsOnWrap: number;
  readonly supervisors: number;
  readonly callsInQueue: number;
  /** Oldest queued call of the group, seconds. */
  readonly longestWaitTime: number;
  /** Inbound calls whose group became known this period (3 data1, 62, 66 data1). */
  readonly totalInboundCalls: number;
  readonly totalAnsweredCalls: number;
  readonly totalAbandonedCalls: number;
  readonly shortAbandons: number;
  /** Raw part: the group's calls answered within `metrics.serviceLevelSeconds`. */
  readonly answeredWithinServiceLevel: number;
  /** Raw part: Σ speed of answer of the group's answered calls, seconds (3 decimals). */
  readonly speedOfAnswerSeconds: number;
  /** Raw part: talk of the group's answered calls (answer to end, hold included) plus the wrap-up after them, seconds. */
  readonly handleSeconds: number;
  /** speedOfAnswerSeconds / answered, seconds (0 when none). */
  readonly averageSpeedOfAnswer: number;
  /** handleSeconds / answered, seconds (0 when none). */
  readonly averageHandleTime: number;
  /** abandoned / inbound; null while inbound is 0. */
  readonly abandonRate: number | null;
  /** answeredWithinServiceLevel / (answered + abandoned − short abandons); null while the divisor is 0. */
  readonly serviceLevel: number | null;
}

/** Per-station figures. Times are seconds of the current period, open intervals included. */
export interface StationSummary {
  readonly station: string;
  readonly state: 'out-of-service' | 'idle' | 'busy';
  readonly inService: boolean;
  readonly busy: boolean;
  readonly ringing: boolean;
  readonly dnd: boolean;
  readonly forward: boolean;
  readonly wrap: boolean;
  readonly agentId: string;
  /** Groups the agent is logged in to (empty: not an agent). */
  readonly agentGroups: readonly string[];
  readonly available: boolean;
  readonly supervisorOf: readonly string[];
  readonly idleTime: number;
  readonly busyTime: number;
  readonly wrapTime: number;
  readonly loggedInTime: number;
  readonly availTime: number;
  readonly unavailTime: number;
}

/**
 * The ACD summary (metrics.md §3). Times in seconds, rounded to 3 decimals, open intervals up to `at`. Frozen, as
 * are its groups, stations and rows (summaries share what did not change); `stations` is built on its first read.
 */
export interface AcdSummary {
  readonly stationsConnected: number;
  readonly agentsLoggedIn: number;
  readonly totalInboundCalls: number;
  readonly totalAnsweredCalls: number;
  readonly totalAbandonedCalls: number;
  readonly totalOutboundCalls: number;
  readonly totalLoggedInTime: number;
  readonly totalAvailTime: number;
  readonly totalUnavailTime: number;
  readonly totalIdleTime: number;
  readonly totalBusyTime: number;
  readonly totalHoldTime: number;
  readonly totalWrapTime: number;
  /** Inbound and outbound calls not ended (queued and ringing included). */
  readonly activeCalls: number;
  readonly callsInQueue: number;
  /** Oldest queued call, seconds (0 when none). */
  readonly longestWaitTime: number;
  /** Stations in service and busy. */
  readonly busyStations: number;
  readonly agentsAvailable: number;
  readonly agentsUnavailable: number;
  /** Logged-in agents in wrap-up. */
  readonly agentsOnWrap: number;
  /** Raw part of the ratios: calls answered within `metrics.serviceLevelSeconds` this period. */
  readonly answeredWithinServiceLevel: number;
  /** Raw part: Σ (answeredAt − createdAt) over this period's answered calls, seconds (3 decimals). */
  readonly speedOfAnswerSeconds: number;
  /** Raw part: talk of answered calls (answer to end, hold included) plus wrap time, seconds (3 decimals). */
  readonly handleSeconds: number;
  /** speedOfAnswerSeconds / answered calls, seconds (0 when none). */
  readonly averageSpeedOfAnswer: number;
  /** handleSeconds / answered calls, seconds (0 when none). */
  readonly averageHandleTime: number;
  /**
   * abandoned / inbound, unrounded; null while inbound is 0. A call created before a reset and abandoned after it
   * counts in the new period's abandoned, so it can exceed 1 just after a reset.
   */
  readonly abandonRate: number | null;
  /** Abandoned within `metrics.shortAbandonSeconds` of creation. */
  readonly shortAbandons: number;
  /** answered within `metrics.serviceLevelSeconds` / (answered + abandoned − short abandons), unrounded; null while the divisor is 0. */
  readonly serviceLevel: number | null;
  /** Calls forgotten for being older than `metrics.maxCallAgeMs` this period. */
  readonly expiredCalls: number;
  /** Start of the period (scheduler ms). */
  readonly periodStart: number;
  /** The instant of this snapshot (scheduler ms). */
  readonly at: number;
  readonly groups: readonly GroupSummary[];
  readonly stations: readonly StationSummary[];
  /** Since when these figures are complete and what is only partly known (docs/cold-start.md). */
  readonly coverage: CoverageSummary;
}
