// What the wallboard shows, computed from a summary: the agent board (each agent in exactly one state), the
// per-group rows and the colour of every thresholded figure. Pure functions over plain data; the page only
// renders what this produces.

import type { AcdSummary, GroupSummary, StationSummary } from '../metrics/types.js';
import type { HealthReport } from './health.js';
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
  readonly groups: readonly string[];
  readonly state: AgentBoardState;
  readonly dnd: boolean;
}

/** Agents per board state. */
export type AgentCounts = Readonly<Record<AgentBoardState, number>>;

/** A group row with the colours of its queue figures. */
export interface GroupRow extends GroupSummary {
  readonly levels: { readonly callsInQueue: Level; readonly longestWaitTime: Level };
  /** The group's agents by board state, counted as the tiles count them (an agent on a call is busy, not available). */
  readonly board: AgentCounts;
}

/** The data of one wallboard update (the SSE `update` event and the `/summary` body). */
export interface WallboardView {
  readonly summary: AcdSummary;
  readonly agents: AgentCounts;
  readonly agentList: readonly AgentRow[];
  readonly groups: readonly GroupRow[];
  readonly levels: Readonly<Record<ThresholdKey, Level>>;
  readonly health: HealthReport;
}

/** The board state of an agent's station (see {@link AgentBoardState}). */
export function agentBoardState(st: StationSummary): AgentBoardState {
  if (st.wrap) return 'wrap';
  if (st.busy || st.ringing) return 'on_call';
  if (!st.available) return 'not_ready';
  return 'ready';
}

/** Every logged-in agent, by station number. */
export function agentRows(summary: AcdSummary): AgentRow[] {
  return summary.stations
    .filter((st) => st.agentGroups.length > 0)
    .map((st) => ({ station: st.station, agentId: st.agentId, groups: st.agentGroups, state: agentBoardState(st), dnd: st.dnd }))
    .sort((a, b) => a.station.localeCompare(b.station, 'en', { numeric: true }));
}

/** Counts agents per board state. */
export function countAgents(rows: readonly AgentRow[]): AgentCounts {
  const c = { ready: 0, on_call: 0, wrap: 0, not_ready: 0 };
  for (const r of rows) c[r.state]++;
  return c;
}

/** Builds the wallboard's view of a summary under the thresholds. */
export function wallboardView(summary: AcdSummary, thresholds: WallboardThresholds, health: HealthReport): WallboardView {
  const agentList = agentRows(summary);
  const agents = countAgents(agentList);
  const groups = [...summary.groups]
    .sort((a, b) => a.group.localeCompare(b.group, 'en', { numeric: true }))
    .map((g) => ({
      ...g,
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
  };
}
