// /metrics by Prometheus's naming guide (issue 20, item 4):
// - every figure of the summary is exported, and a figure that only grows within a period (metrics.md §3:
//   "this period" totals, accumulated times) is a counter ending in `_total`, never a gauge: found by giving each
//   field of a summary a distinct value and looking for the family that carries it;
// - counters end in `_total` and nothing else does; times are in seconds (`_seconds`, `_seconds_total`), instants
//   `_timestamp_seconds`, never `_ms`; means are `_sum`/`_count` summaries; every family has a HELP;
// - one meaning per word: the board's exclusive states do not reuse "available"/"unavailable", and they add up to
//   the agents logged in;
// - a live run (emulator → client → registry, scraped at every summary): no counter goes down within the period,
//   and no gauge only ever goes up (the sign of a monotonic figure exported as a gauge), timestamps aside;
// - build_info and the default process metrics are there.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { connect, type IpecsClient } from '../../src/client.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createPrometheusRegistry } from '../../src/serve/prometheus.js';
import { healthOf } from '../../src/serve/health.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { ev, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';
import { checkPrometheusText, parseFamilies, type ParsedFamily } from './prom-text.js';

const health = healthOf({ state: { kind: 'open', at: 0, url: 'wss://pbx' }, lastFrameAt: 1_000, now: 2_000, freshnessMs: 150_000 });

// metrics.md §3: the figures that only grow within a period (they go back to 0 at the daily reset).
type NumericField = { [K in keyof AcdSummary]: AcdSummary[K] extends number | null ? K : never }[keyof AcdSummary];

const MONOTONIC: readonly NumericField[] = [
  'totalInboundCalls',
  'totalAnsweredCalls',
  'totalAbandonedCalls',
  'totalOutboundCalls',
  'totalLoggedInTime',
  'totalAvailTime',
  'totalUnavailTime',
  'totalIdleTime',
  'totalBusyTime',
  'totalHoldTime',
  'totalWrapTime',
  'shortAbandons',
  'expiredCalls',
  'answeredWithinServiceLevel',
];
// Figures of now, and the period's ratios: gauges.
const NOW: readonly NumericField[] = [
  'stationsConnected',
  'agentsLoggedIn',
  'activeCalls',
  'callsInQueue',
  'longestWaitTime',
  'busyStations',
  'agentsAvailable',
  'agentsUnavailable',
  'agentsOnWrap',
  'abandonRate',
  'serviceLevel',
];

/** A real summary (two agents, one on a call) whose top-level figures are then set to distinct values. */
function distinctSummary(): AcdSummary {
  let state = initialMetricsState(TEST_METRICS, 0);
  for (const e of [ev(11, { at: 1, src: '1001', d1: '8', d2: '0001' }), ev(11, { at: 2, src: '1002', d1: '8', d2: '0002' }), ev(17, { at: 3, src: '1001', dst: '1005' })]) {
    state = reduceMetrics(state, e);
  }
  const base = summarize(state, 4);
  const values: Partial<Record<NumericField, number>> = {};
  [...MONOTONIC, ...NOW].forEach((k, i) => {
    values[k] = k === 'abandonRate' || k === 'serviceLevel' ? 0.1 + i / 100 : 1000 + 37 * i + (k.endsWith('Time') ? 0.25 : 0);
  });
  // The means and their raw parts (metrics.md §3) agree, as a real summary's do.
  const answered = values.totalAnsweredCalls ?? 0;
  return { ...base, ...values, averageSpeedOfAnswer: 7.125, averageHandleTime: 211.5, speedOfAnswerSeconds: 7.125 * answered, handleSeconds: 211.5 * answered };
}

async function scrape(summary: () => AcdSummary | undefined, processMetrics = false): Promise<Map<string, ParsedFamily>> {
  const registry = createPrometheusRegistry({
    summary,
    health: () => health,
    stats: () => ({ received: 3, delivered: 2, filtered: 0, malformed: 1, malformedByReason: { 'not-json': 1 }, reconnects: 0, gaps: 0, logins: 1 }),
    sseClients: () => 0,
    buildInfo: { version: '9.9.9', nodejs: process.version },
    processMetrics,
  });
  const text = await registry.metrics();
  expect(checkPrometheusText(text)).toEqual([]);
  return parseFamilies(text);
}

const ours = (families: Map<string, ParsedFamily>): ParsedFamily[] => [...families.values()].filter((f) => f.name.startsWith('ipecs_'));

describe('/metrics naming', () => {
  it('every figure is exported; a figure that only grows within a period is a _total counter, a figure of now a gauge', async () => {
    const s = distinctSummary();
    const families = await scrape(() => s);
    const carrier = (value: number): ParsedFamily[] => ours(families).filter((f) => f.samples.some((x) => x.name === f.name && Object.keys(x.labels).length === 0 && Math.abs(x.value - value) < 1e-9));
    for (const field of MONOTONIC) {
      const found = carrier(s[field] ?? Number.NaN);
      expect(found.map((f) => `${f.name} ${f.type ?? ''}`), field).toHaveLength(1);
      expect(found[0]?.type, field).toBe('counter');
      expect(found[0]?.name, field).toMatch(/_total$/);
      if (field.endsWith('Time')) expect(found[0]?.name, field).toMatch(/_seconds_total$/);
    }
    for (const field of NOW) {
      const found = carrier(s[field] ?? Number.NaN);
      expect(found.map((f) => `${f.name} ${f.type ?? ''}`), field).toHaveLength(1);
      expect(found[0]?.type, field).toBe('gauge');
    }
    // The means travel as _sum/_count (any window can be averaged), not as gauges of the period's mean.
    const asa = families.get('ipecs_speed_of_answer_seconds');
    expect(asa?.type).toBe('summary');
    expect(asa?.samples.map((x) => x.name)).toEqual(['ipecs_speed_of_answer_seconds_sum', 'ipecs_speed_of_answer_seconds_count']);
    expect(asa?.samples[1]?.value).toBe(s.totalAnsweredCalls);
    expect(asa?.samples[0]?.value).toBe(s.speedOfAnswerSeconds);
    const aht = families.get('ipecs_handle_time_seconds');
    expect(aht?.type).toBe('summary');
    expect(aht?.samples[0]?.value).toBe(s.handleSeconds);
    expect(carrier(s.averageSpeedOfAnswer).filter((f) => f.type === 'gauge')).toEqual([]);
  });

  it('follows the naming rules: _total only on counters, base units, HELP everywhere, one meaning per word', async () => {
    const s = distinctSummary();
    const families = await scrape(() => s);
    for (const f of ours(families)) {
      expect(f.help ?? '', f.name).not.toBe('');
      expect(f.name.endsWith('_total'), `${f.name} is a ${f.type ?? '?'}`).toBe(f.type === 'counter');
      expect(f.name, 'base units').not.toMatch(/_(ms|milliseconds|minutes|hours|percent)(_|$)/);
      if (/_(time|wait|age)(_|$)/.test(f.name) && f.type !== 'counter' && !f.name.endsWith('_timestamp_seconds')) expect(f.name).toMatch(/_seconds$/);
      if (f.type === 'summary') expect(f.samples.every((x) => /_(sum|count)$/.test(x.name))).toBe(true);
    }
    // The board's exclusive states: own words, adding up to the agents logged in.
    const board = families.get('ipecs_agents_by_state')?.samples ?? [];
    expect(board.map((x) => x.labels.state).sort()).toEqual(['not_ready', 'on_call', 'ready', 'wrap']);
    const real = summarize(reduceMetrics(reduceMetrics(initialMetricsState(TEST_METRICS, 0), ev(11, { at: 1, src: '1001', d1: '8', d2: '0001' })), ev(11, { at: 2, src: '1002', d1: '8', d2: '0002' })), 3);
    const realFamilies = await scrape(() => real);
    const sum = (realFamilies.get('ipecs_agents_by_state')?.samples ?? []).reduce((a, x) => a + x.value, 0);
    expect(sum).toBe(realFamilies.get('ipecs_agents_logged_in')?.samples[0]?.value);
    expect(realFamilies.get('ipecs_agents_available')?.samples[0]?.value).toBe(2);
    // build_info, and prom-client's default process metrics when asked for (the wallboard server asks).
    expect(families.get('ipecs_build_info')?.samples).toEqual([{ name: 'ipecs_build_info', labels: { version: '9.9.9', nodejs: process.version }, value: 1 }]);
    const withProcess = await scrape(() => s, true);
    expect(withProcess.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(withProcess.get('process_resident_memory_bytes')?.type).toBe('gauge');
  });

  it('exports the coverage of a client started mid-day: since when, the partly known, the gaps and restarts', async () => {
    const t0 = 1_764_230_400_000;
    const state = initialMetricsState(TEST_METRICS, t0);
    for (const input of [
      { kind: 'seed', at: t0 + 500, stations: [{ number: '1001', inService: true, busy: true, dnd: false, forward: false }, { number: '1002', inService: true, busy: false, dnd: false, forward: false }] },
      ev(13, { at: t0 + 1000, src: '1003', d1: '2' }),
      ev(12, { at: t0 + 2000, src: '1004', d1: '8' }),
      ev(18, { at: t0 + 2500, src: '1002' }),
      { kind: 'gap', at: t0 + 9000, from: t0 + 3000, to: t0 + 9000, cause: 'restart' },
      { kind: 'gap', at: t0 + 12_000, from: t0 + 10_500, to: t0 + 12_000 },
    ] as const) {
      reduceMetrics(state, input);
    }
    const summary = summarize(state, t0 + 13_000);
    const text = await createPrometheusRegistry({ summary: () => summary, health: () => health }).metrics();
    checkPrometheusText(text);
    const families = parseFamilies(text);
    const value = (name: string): { type: string | undefined; value: number | undefined } => ({ type: families.get(name)?.type, value: families.get(name)?.samples[0]?.value });
    expect(value('ipecs_coverage_since_timestamp_seconds')).toEqual({ type: 'gauge', value: t0 / 1000 });
    expect(value('ipecs_coverage_whole_period')).toEqual({ type: 'gauge', value: 0 });
    expect(value('ipecs_coverage_unknown_agents')).toEqual({ type: 'gauge', value: 2 });
    expect(value('ipecs_coverage_unseen_stations')).toEqual({ type: 'gauge', value: 1 });
    expect(value('ipecs_coverage_gaps_total')).toEqual({ type: 'counter', value: 2 });
    expect(value('ipecs_coverage_gap_seconds_total')).toEqual({ type: 'counter', value: 7.5 });
    expect(value('ipecs_coverage_restarts_total')).toEqual({ type: 'counter', value: 1 });
    // Never an invented login: the two agents that acted are not logged in.
    expect(value('ipecs_agents_logged_in').value).toBe(0);
  });

  describe('over a live run', () => {
    let emu: Emulator | undefined;
    let client: IpecsClient | undefined;
    afterEach(async () => {
      await client?.close();
      await emu?.stop();
    });

    it('no counter goes down within the period, and no gauge only ever goes up', async () => {
      emu = await startEmulator({ port: 0, centre: false });
      client = connect({ ...emu.clientConfig(), log: { file: null } }, { logger: silentLogger, env: {} });
      const c = client;
      let latest: AcdSummary | undefined;
      const registry = createPrometheusRegistry({ summary: () => latest, health: () => health, stats: () => c.stats() });
      const history = new Map<string, { type: string; values: number[] }>();
      const scrapes: Promise<void>[] = [];
      const sub = c.summary$.subscribe((s) => {
        latest = s;
        scrapes.push(
          registry.metrics().then((text) => {
            for (const f of parseFamilies(text).values()) {
              for (const x of f.samples) {
                const key = `${x.name}${JSON.stringify(x.labels)}`;
                const h = history.get(key) ?? { type: f.type ?? '', values: [] };
                if (!Number.isNaN(x.value)) h.values.push(x.value);
                history.set(key, h);
              }
            }
          }),
        );
      });
      const e = emu;
      await new Promise<void>((resolve) => {
        c.connection$.subscribe((st) => {
          if (st.kind === 'open') resolve();
        });
      });
      for (const scenario of ['agent-shift-start', 'morning-mixed', 'inbound-two-holds', 'inbound-abandoned-queue', 'outbound', 'agent-shift-end']) {
        await e.playScenario(scenario, { speed: 20 });
      }
      await new Promise((r) => setTimeout(r, 300));
      sub.unsubscribe();
      await Promise.all(scrapes);
      expect(history.size).toBeGreaterThan(40);
      const wentDown: string[] = [];
      const onlyUp: string[] = [];
      for (const [key, { type, values }] of history) {
        const down = values.some((v, i) => i > 0 && v < (values[i - 1] ?? v));
        const up = values.some((v, i) => i > 0 && v > (values[i - 1] ?? v));
        if (type === 'counter' && down) wentDown.push(key);
        if (type === 'gauge' && up && !down && !key.includes('_timestamp_seconds')) onlyUp.push(key);
      }
      expect(wentDown).toEqual([]);
      // Gauges that rose and never fell in a run where agents log in and out and calls come and go: only those
      // whose figure had no reason to fall in this traffic may be here.
      expect(onlyUp.filter((k) => !/^ipecs_(group_)?(abandon_ratio|client_connected|client_healthy|stations_connected)/.test(k))).toEqual([]);
    }, 60_000);
  });
});
