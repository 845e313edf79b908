// The Prometheus exposition (prom-client): a gauge for every figure of the summary, per-group gauges labelled
// `group`, the agent board by state, and the feed's own health (connected, fresh, reconnects, gaps, frames,
// malformed frames by reason, last event age). Every value is read at scrape time through `collect`, from
// getters: nothing is pushed, and each registry is its own (no global registry, no default metrics).
//
// Period figures (calls, times) are gauges, not counters: they go back to zero at the daily reset (metrics.md §4),
// which is a property of the figure, not a process restart. Feed counters are counters (`_total`).

import { Counter, Gauge, Registry } from 'prom-client';
import type { AcdSummary, GroupSummary } from '../metrics/types.js';
import type { HealthReport } from './health.js';
import { agentRows, countAgents, type AgentBoardState } from './view.js';

/** The feed counters the exposition reads. `ClientStats` (from `connect()`) has all of them. */
export interface FeedStats {
  readonly received: number;
  readonly delivered: number;
  readonly filtered: number;
  readonly malformed: number;
  readonly malformedByReason: Readonly<Record<string, number>>;
  readonly reconnects: number;
  readonly gaps: number;
  readonly logins?: number;
}

/** Where the exposition reads its values, at each scrape. */
export interface PrometheusSources {
  /** The latest summary, `undefined` before the first. */
  readonly summary: () => AcdSummary | undefined;
  readonly health: () => HealthReport;
  readonly stats?: () => FeedStats;
  /** Open wallboard (SSE) connections. */
  readonly sseClients?: () => number;
  /** Metric name prefix. Default `ipecs_`. */
  readonly prefix?: string;
}

type Figure = readonly [name: string, help: string, value: (s: AcdSummary) => number];

// The figures of metrics.md §3, one gauge each. Help texts say what the figure is and whether it is "this period".
const FIGURES: readonly Figure[] = [
  ['stations_connected', 'Stations in service now.', (s) => s.stationsConnected],
  ['stations_busy', 'Stations in service and busy now.', (s) => s.busyStations],
  ['agents_logged_in', 'Agents logged in now.', (s) => s.agentsLoggedIn],
  ['agents_available', 'Agents logged in and available now (busy ones included).', (s) => s.agentsAvailable],
  ['agents_unavailable', 'Agents logged in and unavailable now.', (s) => s.agentsUnavailable],
  ['agents_on_wrap', 'Logged-in agents in wrap-up now.', (s) => s.agentsOnWrap],
  ['active_calls', 'Inbound and outbound calls not ended, queued and ringing ones included.', (s) => s.activeCalls],
  ['calls_in_queue', 'Calls waiting in an ACD queue now.', (s) => s.callsInQueue],
  ['longest_wait_seconds', 'Wait of the oldest queued call, seconds.', (s) => s.longestWaitTime],
  ['calls_inbound', 'Inbound calls this period (back to 0 at the daily reset).', (s) => s.totalInboundCalls],
  ['calls_answered', 'Inbound calls answered this period.', (s) => s.totalAnsweredCalls],
  ['calls_abandoned', 'Inbound calls abandoned this period.', (s) => s.totalAbandonedCalls],
  ['calls_short_abandoned', 'Abandoned within the short-abandon threshold this period.', (s) => s.shortAbandons],
  ['calls_outbound', 'Outbound calls this period.', (s) => s.totalOutboundCalls],
  ['calls_expired', 'Calls forgotten for their age this period.', (s) => s.expiredCalls],
  ['logged_in_seconds', 'Sum over agents of time logged in this period, seconds.', (s) => s.totalLoggedInTime],
  ['available_seconds', 'Sum over agents of time logged in and available this period, seconds.', (s) => s.totalAvailTime],
  ['unavailable_seconds', 'Sum over agents of time logged in and unavailable this period, seconds.', (s) => s.totalUnavailTime],
  ['idle_seconds', 'Sum over stations of time in service and idle this period, seconds.', (s) => s.totalIdleTime],
  ['busy_seconds', 'Sum over stations of time in service and busy this period, seconds.', (s) => s.totalBusyTime],
  ['hold_seconds', 'Sum over calls of time on hold this period, seconds.', (s) => s.totalHoldTime],
  ['wrap_seconds', 'Sum over stations of time in wrap-up this period, seconds.', (s) => s.totalWrapTime],
  ['average_speed_of_answer_seconds', 'Mean speed of answer of this period, seconds (ASA).', (s) => s.averageSpeedOfAnswer],
  ['average_handle_seconds', 'Mean handle time (talk + hold + wrap) per answered call this period, seconds.', (s) => s.averageHandleTime],
  ['abandon_ratio', 'Abandoned / inbound calls this period; NaN while no call came in.', (s) => s.abandonRate ?? Number.NaN],
  ['service_level_ratio', 'Answered within the service-level threshold / (answered + abandoned - short abandons); NaN while undefined.', (s) => s.serviceLevel ?? Number.NaN],
  ['period_start_timestamp_seconds', 'Start of the current period, Unix seconds.', (s) => s.periodStart / 1000],
];

type GroupFigure = readonly [name: string, help: string, value: (g: GroupSummary) => number];

const GROUP_FIGURES: readonly GroupFigure[] = [
  ['group_agents_logged_in', 'Agents logged in to the group now.', (g) => g.agentsLoggedIn],
  ['group_agents_available', 'Agents of the group available now.', (g) => g.agentsAvailable],
  ['group_agents_unavailable', 'Agents of the group unavailable now.', (g) => g.agentsUnavailable],
  ['group_agents_on_wrap', 'Agents of the group in wrap-up now.', (g) => g.agentsOnWrap],
  ['group_supervisors', 'Supervisors logged in to the group now.', (g) => g.supervisors],
  ['group_calls_in_queue', 'Calls waiting in the group queue now.', (g) => g.callsInQueue],
  ['group_longest_wait_seconds', 'Wait of the group oldest queued call, seconds.', (g) => g.longestWaitTime],
  ['group_calls_inbound', 'Inbound calls of the group this period.', (g) => g.totalInboundCalls],
  ['group_calls_answered', 'Answered calls of the group this period.', (g) => g.totalAnsweredCalls],
  ['group_calls_abandoned', 'Abandoned calls of the group this period.', (g) => g.totalAbandonedCalls],
];

type HealthFigure = readonly [name: string, help: string, value: (h: HealthReport) => number];

const HEALTH_GAUGES: readonly HealthFigure[] = [
  ['client_connected', '1 while the PBX socket is open, else 0.', (h) => (h.state === 'open' ? 1 : 0)],
  ['client_healthy', '1 while the socket is open and a frame arrived within the freshness window (what /health reports), else 0.', (h) => (h.ok ? 1 : 0)],
  ['client_last_event_age_seconds', 'Seconds since the last frame (or since the socket opened, if later); NaN before either.', (h) => h.lastEventAgeSeconds ?? Number.NaN],
  ['client_freshness_window_seconds', 'The freshness window of the health check, seconds.', (h) => h.freshnessSeconds],
];

const BOARD_STATES: readonly AgentBoardState[] = ['available', 'busy', 'wrap', 'unavailable'];

type CounterOf = readonly [name: string, help: string, value: (s: FeedStats) => number];

const FEED_COUNTERS: readonly CounterOf[] = [
  ['client_reconnects_total', 'Sockets opened after the first one.', (s) => s.reconnects],
  ['client_gaps_total', 'Intervals without a socket (events in them were not seen).', (s) => s.gaps],
  ['client_logins_total', 'Successful logins (first and re-logins).', (s) => s.logins ?? 0],
  ['client_frames_received_total', 'Frames received (delivered + filtered + malformed).', (s) => s.received],
  ['client_events_delivered_total', 'Decoded events that passed the filters.', (s) => s.delivered],
  ['client_events_filtered_total', 'Decoded events dropped by the configured filters.', (s) => s.filtered],
];

/**
 * Builds a Prometheus registry over the sources. Serve it with `await registry.metrics()` and
 * `registry.contentType`.
 */
export function createPrometheusRegistry(sources: PrometheusSources): Registry {
  const registry = new Registry();
  const p = sources.prefix ?? 'ipecs_';
  const registers = [registry];

  for (const [name, help, value] of FIGURES) {
    new Gauge({
      name: p + name,
      help,
      registers,
      collect(this: Gauge) {
        this.reset();
        const s = sources.summary();
        if (s !== undefined) this.set(value(s));
      },
    });
  }

  new Gauge({
    name: `${p}agents_by_state`,
    help: 'Agents by wallboard state (each agent in one): available = ready and idle, busy, wrap, unavailable.',
    labelNames: ['state'],
    registers,
    collect(this: Gauge<'state'>) {
      this.reset();
      const s = sources.summary();
      if (s === undefined) return;
      const counts = countAgents(agentRows(s));
      for (const state of BOARD_STATES) this.set({ state }, counts[state]);
    },
  });

  for (const [name, help, value] of GROUP_FIGURES) {
    new Gauge({
      name: p + name,
      help,
      labelNames: ['group'],
      registers,
      collect(this: Gauge<'group'>) {
        // Reset first, so a group that left the summary leaves the exposition.
        this.reset();
        for (const g of sources.summary()?.groups ?? []) this.set({ group: g.group }, value(g));
      },
    });
  }

  for (const [name, help, value] of HEALTH_GAUGES) {
    new Gauge({
      name: p + name,
      help,
      registers,
      collect(this: Gauge) {
        this.set(value(sources.health()));
      },
    });
  }

  const stats = sources.stats;
  if (stats !== undefined) {
    for (const [name, help, value] of FEED_COUNTERS) {
      new Counter({
        name: p + name,
        help,
        registers,
        collect(this: Counter) {
          this.reset();
          this.inc(value(stats()));
        },
      });
    }
    new Counter({
      name: `${p}client_malformed_frames_total`,
      help: 'Frames that did not decode, by reason.',
      labelNames: ['reason'],
      registers,
      collect(this: Counter<'reason'>) {
        this.reset();
        for (const [reason, n] of Object.entries(stats().malformedByReason)) this.inc({ reason }, n);
      },
    });
  }

  const sse = sources.sseClients;
  if (sse !== undefined) {
    new Gauge({
      name: `${p}wallboard_clients`,
      help: 'Open wallboard (Server-Sent Events) connections.',
      registers,
      collect(this: Gauge) {
        this.set(sse());
      },
    });
  }
  return registry;
}
