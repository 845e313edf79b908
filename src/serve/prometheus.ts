// The Prometheus exposition (prom-client), named by Prometheus's own naming guide:
//
// - a figure that only grows within a period (calls, accumulated times) is a counter ending in `_total`
//   (`ipecs_inbound_calls_total`, `ipecs_agent_logged_in_seconds_total`); it goes back to 0 at the daily reset
//   (metrics.md §4), which `rate()` and `increase()` treat as any counter reset;
// - a figure of now (queue, agents, longest wait) is a gauge; times and ages are in seconds, instants are
//   `_timestamp_seconds`;
// - a mean is its `_sum` and `_count` (a summary without quantiles), so any window can be averaged:
//   ASA over the last hour = increase(ipecs_speed_of_answer_seconds_sum[1h]) / increase(…_count[1h]);
//   the service level is its two counters (answered within the threshold, and its divisor);
// - one meaning per word: "available" / "unavailable" are the agents' UCD status (on a call or not), and the
//   board's exclusive states are `ready`, `on_call`, `wrap`, `not_ready` (view.ts);
// - `ipecs_build_info` and, unless turned off, prom-client's default process metrics (`process_*`, `nodejs_*`).
//
// Every value is read at scrape time through `collect`, from getters: nothing is pushed, and each registry is its
// own (no global registry).

import { collectDefaultMetrics, Counter, Gauge, Registry, Summary } from 'prom-client';
import type { AcdSummary, GroupSummary } from '../metrics/types.js';
import { serviceLevelDivisor } from '../metrics/summarize.js';
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
  /** The labels of `<prefix>build_info` (value 1). Default: none (no build_info). */
  readonly buildInfo?: Readonly<Record<string, string>>;
  /** prom-client's default process metrics (`process_*`, `nodejs_*`) in this registry. Default false. */
  readonly processMetrics?: boolean;
}

type Figure = readonly [name: string, help: string, value: (s: AcdSummary) => number];

/** A ratio that is undefined (null) is NaN in the exposition. */
const nanIfNull = (x: number | null): number => x ?? Number.NaN;

// Figures of now (metrics.md §3): gauges.
const GAUGES: readonly Figure[] = [
  ['stations_connected', 'Stations in service now.', (s) => s.stationsConnected],
  ['stations_busy', 'Stations in service and busy now.', (s) => s.busyStations],
  ['agents_logged_in', 'Agents logged in now.', (s) => s.agentsLoggedIn],
  ['agents_available', 'Agents logged in with UCD status available now, on a call or not (ipecs_agents_by_state has the exclusive states).', (s) => s.agentsAvailable],
  ['agents_unavailable', 'Agents logged in with UCD status unavailable now, on a call or not.', (s) => s.agentsUnavailable],
  ['agents_on_wrap', 'Logged-in agents in wrap-up now.', (s) => s.agentsOnWrap],
  ['active_calls', 'Inbound and outbound calls not ended, queued and ringing ones included.', (s) => s.activeCalls],
  ['calls_in_queue', 'Calls waiting in an ACD queue now.', (s) => s.callsInQueue],
  ['longest_wait_seconds', 'Wait of the oldest queued call now, seconds (0 with an empty queue).', (s) => s.longestWaitTime],
  ['abandon_ratio', 'Abandoned / inbound calls of this period; NaN while no inbound call (rate over a window: the two _total counters).', (s) => nanIfNull(s.abandonRate)],
  [
    'service_level_ratio',
    'Answered within the service-level threshold / (answered + abandoned - short abandons) this period; NaN while undefined (over a window: ipecs_service_level_*_calls_total).',
    (s) => nanIfNull(s.serviceLevel),
  ],
  ['period_start_timestamp_seconds', 'Start of the current period (connect or the last daily reset), Unix seconds.', (s) => s.periodStart / 1000],
  // Coverage (docs/cold-start.md): what the figures of a client started mid-day cannot know.
  ['coverage_since_timestamp_seconds', 'Since when the figures are complete (the client\'s start, the replayed journal\'s start, or the daily reset), Unix seconds.', (s) => s.coverage.since / 1000],
  ['coverage_whole_period', '1 when the figures cover the whole period (the client ran through the daily reset), else 0.', (s) => (s.coverage.wholePeriod ? 1 : 0)],
  ['coverage_unknown_agents', 'Agents that act (availability, logout) with no login seen: logged in before the client started, not counted in ipecs_agents_logged_in.', (s) => s.coverage.unknownAgents.length],
  ['coverage_unseen_stations', "Stations known only from the CTI seed at start (the PBX's status): no ACD event named them yet.", (s) => s.coverage.unseenStations.length],
];

/** Answered within the service-level threshold: the summary's raw part (metrics.md §3). */
const answeredWithin = (s: AcdSummary): number => s.answeredWithinServiceLevel;

// Figures that only grow within a period: counters (back to 0 at the daily reset).
const COUNTERS: readonly Figure[] = [
  ['inbound_calls_total', 'Inbound calls created this period.', (s) => s.totalInboundCalls],
  ['answered_calls_total', 'Inbound calls answered this period.', (s) => s.totalAnsweredCalls],
  ['abandoned_calls_total', 'Inbound calls ended unanswered this period.', (s) => s.totalAbandonedCalls],
  ['short_abandoned_calls_total', 'Abandoned calls within the short-abandon threshold this period (left out of the service level).', (s) => s.shortAbandons],
  ['outbound_calls_total', 'Outbound calls created this period.', (s) => s.totalOutboundCalls],
  ['expired_calls_total', 'Calls forgotten for being older than metrics.maxCallAgeMs this period.', (s) => s.expiredCalls],
  ['service_level_answered_calls_total', 'Calls answered within the service-level threshold this period (the service level numerator).', answeredWithin],
  [
    'service_level_offered_calls_total',
    'Answered + abandoned - short-abandoned calls this period (the service level divisor).',
    (s) => serviceLevelDivisor(s.totalAnsweredCalls, s.totalAbandonedCalls, s.shortAbandons),
  ],
  ['agent_logged_in_seconds_total', 'Time agents were logged in this period, summed over agents, seconds.', (s) => s.totalLoggedInTime],
  ['agent_available_seconds_total', 'Time agents were logged in and available this period, summed over agents, seconds.', (s) => s.totalAvailTime],
  ['agent_unavailable_seconds_total', 'Time agents were logged in and unavailable this period, summed over agents, seconds.', (s) => s.totalUnavailTime],
  ['station_idle_seconds_total', 'Time stations were in service and idle this period, summed over stations, seconds.', (s) => s.totalIdleTime],
  ['station_busy_seconds_total', 'Time stations were in service and busy this period, summed over stations, seconds.', (s) => s.totalBusyTime],
  ['station_wrap_seconds_total', 'Time stations were in wrap-up this period, summed over stations, seconds.', (s) => s.totalWrapTime],
  ['call_hold_seconds_total', 'Time calls were on hold this period, summed over calls, seconds.', (s) => s.totalHoldTime],
  ['coverage_gaps_total', 'Intervals without a socket this period (reconnects and restarts): events in them were not seen.', (s) => s.coverage.gaps],
  ['coverage_gap_seconds_total', 'Length of those intervals this period, seconds.', (s) => s.coverage.gapSeconds],
  ['coverage_restarts_total', 'Process restarts this period (gaps with cause restart; a warm start from the journal).', (s) => s.coverage.restarts],
];

type Mean = readonly [name: string, help: string, value: (s: AcdSummary) => { readonly sum: number; readonly count: number }];

// Means of the period as _sum / _count. The summary carries the mean rounded to 1 ms, so the sum is within
// count × 0.5 ms of the exact total.
const MEANS: readonly Mean[] = [
  ['speed_of_answer_seconds', 'Speed of answer of the answered calls of this period (ASA = _sum / _count), seconds.', (s) => ({ sum: s.speedOfAnswerSeconds, count: s.totalAnsweredCalls })],
  ['handle_time_seconds', 'Handle time (talk + hold + wrap-up) of the answered calls of this period (AHT = _sum / _count), seconds.', (s) => ({ sum: s.handleSeconds, count: s.totalAnsweredCalls })],
];

type GroupFigure = readonly [name: string, help: string, value: (g: GroupSummary) => number];

const GROUP_GAUGES: readonly GroupFigure[] = [
  ['group_agents_logged_in', 'Agents logged in to the group now.', (g) => g.agentsLoggedIn],
  ['group_agents_available', 'Agents of the group with UCD status available now, on a call or not.', (g) => g.agentsAvailable],
  ['group_agents_unavailable', 'Agents of the group with UCD status unavailable now.', (g) => g.agentsUnavailable],
  ['group_agents_on_wrap', 'Agents of the group in wrap-up now.', (g) => g.agentsOnWrap],
  ['group_supervisors_logged_in', 'Supervisors logged in to the group now.', (g) => g.supervisors],
  ['group_calls_in_queue', 'Calls waiting in the group queue now.', (g) => g.callsInQueue],
  ['group_longest_wait_seconds', "Wait of the group's oldest queued call now, seconds.", (g) => g.longestWaitTime],
];

const GROUP_COUNTERS: readonly GroupFigure[] = [
  ['group_inbound_calls_total', 'Inbound calls of the group this period.', (g) => g.totalInboundCalls],
  ['group_answered_calls_total', 'Answered calls of the group this period.', (g) => g.totalAnsweredCalls],
  ['group_abandoned_calls_total', 'Abandoned calls of the group this period.', (g) => g.totalAbandonedCalls],
];

type HealthFigure = readonly [name: string, help: string, value: (h: HealthReport) => number];

const HEALTH_GAUGES: readonly HealthFigure[] = [
  ['client_connected', '1 while the PBX socket is open, else 0.', (h) => (h.state === 'open' ? 1 : 0)],
  ['client_healthy', '1 while the socket is open and a frame arrived within the freshness window (what /health reports), else 0.', (h) => (h.ok ? 1 : 0)],
  ['client_last_frame_timestamp_seconds', 'When the last frame arrived (or the socket opened, if later), Unix seconds; NaN before either.', (h) => (h.lastEventAgeSeconds === null ? Number.NaN : h.now / 1000 - h.lastEventAgeSeconds)],
  ['client_freshness_window_seconds', 'The freshness window of the health check, seconds.', (h) => h.freshnessSeconds],
];

/** The board states in exposition order. */
const BOARD_STATES: readonly AgentBoardState[] = ['ready', 'on_call', 'wrap', 'not_ready'];

type CounterOf = readonly [name: string, help: string, value: (s: FeedStats) => number];

const FEED_COUNTERS: readonly CounterOf[] = [
  ['client_reconnects_total', 'Sockets opened after the first one.', (s) => s.reconnects],
  ['client_gaps_total', 'Intervals without a socket (events in them were not seen).', (s) => s.gaps],
  ['client_logins_total', 'Successful logins (first and re-logins).', (s) => s.logins ?? 0],
  ['client_frames_received_total', 'Frames received (delivered + filtered + malformed).', (s) => s.received],
  ['client_events_delivered_total', 'Decoded events that passed the filters.', (s) => s.delivered],
  ['client_events_filtered_total', 'Decoded events dropped by the configured filters.', (s) => s.filtered],
];

/** A summary without quantiles whose `_sum` and `_count` are read at scrape time (a mean computed elsewhere). */
class ReadSummary extends Summary {
  constructor(
    name: string,
    help: string,
    registers: Registry[],
    private readonly read: () => { readonly sum: number; readonly count: number } | undefined,
  ) {
    super({ name, help, registers, percentiles: [] });
  }

  override async get(): ReturnType<Summary['get']> {
    const base = await super.get();
    const v = this.read();
    if (v === undefined) return { ...base, values: [] };
    return {
      ...base,
      values: [
        { labels: {}, value: v.sum, metricName: `${base.name}_sum` },
        { labels: {}, value: v.count, metricName: `${base.name}_count` },
      ],
    };
  }
}

/**
 * Builds a Prometheus registry over the sources (see the file comment for the names). Serve it with
 * `await registry.metrics()` and `registry.contentType`.
 */
export function createPrometheusRegistry(sources: PrometheusSources): Registry {
  const registry = new Registry();
  const p = sources.prefix ?? 'ipecs_';
  const registers = [registry];
  const summaryValue = (value: (s: AcdSummary) => number) =>
    function collect(this: Gauge | Counter): void {
      this.reset();
      const s = sources.summary();
      if (s === undefined) return;
      if (this instanceof Counter) this.inc(value(s));
      else this.set(value(s));
    };

  for (const [name, help, value] of GAUGES) new Gauge({ name: p + name, help, registers, collect: summaryValue(value) });
  for (const [name, help, value] of COUNTERS) new Counter({ name: p + name, help, registers, collect: summaryValue(value) });
  for (const [name, help, value] of MEANS) {
    new ReadSummary(p + name, help, registers, () => {
      const s = sources.summary();
      return s === undefined ? undefined : value(s);
    });
  }

  new Gauge({
    name: `${p}agents_by_state`,
    help: 'Agents by board state, each agent in exactly one: ready (available and idle), on_call (on a call or being rung), wrap (wrap-up), not_ready (unavailable and idle).',
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

  // Reset first, so a group that left the summary leaves the exposition.
  for (const [name, help, value] of GROUP_GAUGES) {
    new Gauge({
      name: p + name,
      help,
      labelNames: ['group'],
      registers,
      collect(this: Gauge<'group'>) {
        this.reset();
        for (const g of sources.summary()?.groups ?? []) this.set({ group: g.group }, value(g));
      },
    });
  }
  for (const [name, help, value] of GROUP_COUNTERS) {
    new Counter({
      name: p + name,
      help,
      labelNames: ['group'],
      registers,
      collect(this: Counter<'group'>) {
        this.reset();
        for (const g of sources.summary()?.groups ?? []) this.inc({ group: g.group }, value(g));
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

  const info = sources.buildInfo;
  if (info !== undefined) {
    const labelNames = Object.keys(info);
    const g = new Gauge({ name: `${p}build_info`, help: 'Always 1; the labels name the ipecs-rx version and the Node.js runtime.', labelNames, registers });
    g.set(info, 1);
  }
  if (sources.processMetrics === true) collectDefaultMetrics({ register: registry });
  return registry;
}
