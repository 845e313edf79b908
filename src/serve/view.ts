// What the wallboard shows, computed from a summary: the agent board (each agent in exactly one state, with its
// name and how long it has been in that state), the per-group rows and the colour of every thresholded figure.
// Pure functions over plain data; the page only renders what this produces.

import { coverageNote } from './coverage-note.js';
import type { AcdSummary, GroupSummary, StationSummary } from '../metrics/types.js';
import type { HealthReport } from './health.js';
import type { BoardStatus } from './status.js';
import { levelOf, type Level, type ThresholdKey, type WallboardThresholds } from './thresholds.js';

/**
 * An agent's state on the board, one per agent (a logged-in station): `wrap` (in wrap-up) before `on_call` (on a
 * call or being rung) before `not_ready` (UCD unavailable, idle) before `ready` (available and idle: takes the
 * next call). The words differ from the summary's on purpose: `agentsAvailable` / `agentsUnavailable` count the
 * UCD status whether on a call or not, so "available" and "unavailable" keep that one meaning everywhere.
 */
export type AgentBoardState = 'ready' | 'on_call' | 'wrap' | 'not_ready';

/** One agent on the board. */
export interface AgentRow {
  readonly station: string;
  readonly agentId: string;
  /** The configured name (wallboard settings `agents`), or `''`. */
  readonly name: string;
  readonly groups: readonly string[];
  readonly state: AgentBoardState;
  readonly dnd: boolean;
}

/** Names shown on the board: keyed by agent id (as the login event carries it, e.g. `0001`) or by station number. */
export type AgentNames = Readonly<Record<string, string>>;

/** Since when an agent has been in its board state, as the server saw it. */
export interface StateSince {
  readonly state: AgentBoardState;
  /** Instant (ms, the summary's clock) the state was first seen. */
  readonly since: number;
  /** The state was already there when the server started watching: it began at or before `since`. */
  readonly atLeast: boolean;
}

/** An agent on the board with its time in state. */
export interface BoardAgent extends AgentRow {
  readonly since: number;
  readonly atLeast: boolean;
}

/** Agents per board state. */
export type AgentCounts = Readonly<Record<AgentBoardState, number>>;

/** A group row with the colours of its queue figures. */
export interface GroupRow extends GroupSummary {
  /** The configured name (wallboard settings `groups`), or `''`. */
  readonly name: string;
  readonly levels: { readonly callsInQueue: Level; readonly longestWaitTime: Level };
  /** The group's agents by board state, counted as the tiles count them (an agent on a call is on_call, not ready). */
  readonly board: AgentCounts;
}

/** The data of one wallboard update (the SSE `update` event and the `/summary` body). */
export interface WallboardView {
  readonly summary: AcdSummary;
  readonly agents: AgentCounts;
  readonly agentList: readonly BoardAgent[];
  readonly groups: readonly GroupRow[];
  readonly levels: Readonly<Record<ThresholdKey, Level>>;
  readonly health: WallboardHealth;
  /** `metrics.serviceLevelSeconds` of the feed, when known (the service level tile names it). */
  readonly serviceLevelSeconds: number | null;
  /**
   * What the figures cover (docs/cold-start.md): since when (the page formats it on its clock), whether that is the
   * whole period, and the rest in words (`agents appear as they act; …`, empty when nothing is partly known).
   */
  readonly coverage: { readonly since: number; readonly wholePeriod: boolean; readonly note: string };
}

/** The health as the wallboard shows it: the health check and what it means for the figures, in words. */
export interface WallboardHealth extends HealthReport {
  readonly board: BoardStatus;
}

/** The board state of an agent's station (see {@link AgentBoardState}). */
export function agentBoardState(st: StationSummary): AgentBoardState {
  if (st.wrap) return 'wrap';
  if (st.busy || st.ringing) return 'on_call';
  if (!st.available) return 'not_ready';
  return 'ready';
}

/** Every logged-in agent, by station number, named from `names` (agent id first, then station). */
export function agentRows(summary: AcdSummary, names: AgentNames = {}): AgentRow[] {
  const nameOf = (st: StationSummary): string => (st.agentId !== '' && Object.hasOwn(names, st.agentId) ? names[st.agentId] : Object.hasOwn(names, st.station) ? names[st.station] : '') ?? '';
  return summary.stations
    .filter((st) => st.agentGroups.length > 0)
    .map((st) => ({ station: st.station, agentId: st.agentId, name: nameOf(st), groups: st.agentGroups, state: agentBoardState(st), dnd: st.dnd }))
    .sort((a, b) => a.station.localeCompare(b.station, 'en', { numeric: true }));
}

/**
 * The next time-in-state table (keyed by station): a state that changed starts at `at`; an agent seen for the
 * first time starts at `at` too, marked `atLeast` when `first` (the server's first summary: the state may be
 * older). Agents no longer on the board leave the table.
 */
export function trackStates(prev: ReadonlyMap<string, StateSince>, rows: readonly AgentRow[], at: number, first: boolean): Map<string, StateSince> {
  const next = new Map<string, StateSince>();
  for (const r of rows) {
    const was = prev.get(r.station);
    next.set(r.station, was !== undefined && was.state === r.state ? was : { state: r.state, since: at, atLeast: first && was === undefined });
  }
  return next;
}

/** Counts agents per board state. */
export function countAgents(rows: readonly AgentRow[]): AgentCounts {
  const c = { ready: 0, on_call: 0, wrap: 0, not_ready: 0 };
  for (const r of rows) c[r.state]++;
  return c;
}

/** What the view adds to the summary besides thresholds and health: names, times in state, the SL threshold. */
export interface ViewExtras {
  readonly names?: AgentNames;
  /** Names of the ACD groups, by group number. */
  readonly groupNames?: Readonly<Record<string, string>>;
  readonly states?: ReadonlyMap<string, StateSince>;
  readonly serviceLevelSeconds?: number;
}

/** Builds the wallboard's view of a summary under the thresholds. */
export function wallboardView(summary: AcdSummary, thresholds: WallboardThresholds, health: WallboardHealth, extras: ViewExtras = {}): WallboardView {
  const rows = agentRows(summary, extras.names);
  const agentList: BoardAgent[] = rows.map((r) => {
    const s = extras.states?.get(r.station);
    return { ...r, since: s !== undefined && s.state === r.state ? s.since : summary.at, atLeast: s?.atLeast ?? true };
  });
  const agents = countAgents(agentList);
  const groups = [...summary.groups]
    .sort((a, b) => a.group.localeCompare(b.group, 'en', { numeric: true }))
    .map((g) => ({
      ...g,
      name: (extras.groupNames !== undefined && Object.hasOwn(extras.groupNames, g.group) ? extras.groupNames[g.group] : '') ?? '',
      levels: { callsInQueue: levelOf(g.callsInQueue, thresholds.callsInQueue), longestWaitTime: levelOf(g.longestWaitTime, thresholds.longestWaitTime) },
      board: countAgents(agentList.filter((a) => a.groups.includes(g.group))),
    }));
  return {
    summary,
    agents,
    agentList,
    groups,
    levels: {
      callsInQueue: levelOf(summary.callsInQueue, thresholds.callsInQueue),
      longestWaitTime: levelOf(summary.longestWaitTime, thresholds.longestWaitTime),
      agentsReady: levelOf(agents.ready, thresholds.agentsReady),
      serviceLevel: levelOf(summary.serviceLevel, thresholds.serviceLevel),
      averageSpeedOfAnswer: levelOf(summary.averageSpeedOfAnswer, thresholds.averageSpeedOfAnswer),
      abandonRate: levelOf(summary.abandonRate, thresholds.abandonRate),
    },
    health,
    serviceLevelSeconds: extras.serviceLevelSeconds ?? null,
    coverage: { since: summary.coverage.since, wholePeriod: summary.coverage.wholePeriod, note: coverageNote(summary.coverage) },
  };
}
