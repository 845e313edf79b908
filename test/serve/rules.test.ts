// The pure rules behind the wallboard: health freshness, threshold colours and their decoding, the agent board,
// and the strict Prometheus checker itself (it must reject what Prometheus would reject, or the /metrics test
// could not fail).
import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/serve/health.js';
import { DEFAULT_THRESHOLDS, decodeThresholds, levelOf } from '../../src/serve/thresholds.js';
import { decodeServeSettings } from '../../src/serve/settings.js';
import { agentBoardState, wallboardView } from '../../src/serve/view.js';
import type { AcdSummary, StationSummary } from '../../src/metrics/types.js';
import { checkPrometheusText } from './prom-text.js';
import { ev, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';

describe('healthOf', () => {
  const open = { kind: 'open', at: 1_000, url: 'wss://pbx' } as const;
  it('is healthy while the socket is open and a frame arrived within the window', () => {
    expect(healthOf({ state: open, lastFrameAt: 100_000, now: 200_000, freshnessMs: 150_000 })).toMatchObject({ ok: true, status: 200, lastEventAgeSeconds: 100 });
  });
  it('counts the open instant as fresh when no frame arrived yet, then goes stale after the window', () => {
    expect(healthOf({ state: open, lastFrameAt: undefined, now: 151_000, freshnessMs: 150_000 })).toMatchObject({ ok: true, lastEventAgeSeconds: 150 });
    expect(healthOf({ state: open, lastFrameAt: undefined, now: 151_001, freshnessMs: 150_000 })).toMatchObject({
      ok: false,
      status: 503,
      reason: 'stale: nothing received for 150.001 s (window 150 s)',
    });
  });
  it('is unhealthy, with the reason, whenever the socket is not open', () => {
    expect(healthOf({ state: undefined, lastFrameAt: undefined, now: 0, freshnessMs: 1 })).toMatchObject({ status: 503, reason: 'no connection yet', state: 'unknown' });
    expect(healthOf({ state: { kind: 'connecting', at: 5, attempt: 3 }, lastFrameAt: 4, now: 6, freshnessMs: 150_000 }).reason).toBe('socket not open: connecting (attempt 3)');
    expect(
      healthOf({ state: { kind: 'backoff', at: 5, attempt: 1, delayMs: 500, reason: 'heartbeat-timeout', detail: 'no pong' }, lastFrameAt: 4, now: 6, freshnessMs: 150_000 }),
    ).toMatchObject({ ok: false, status: 503, reason: 'socket not open: backoff (heartbeat-timeout: no pong)', state: 'backoff' });
  });
});

describe('thresholds', () => {
  it('colours above- and below-thresholds, and nothing without a value', () => {
    const q = DEFAULT_THRESHOLDS.callsInQueue; // amber 3, red 6, above
    expect([0, 2, 3, 5, 6, 40].map((v) => levelOf(v, q))).toEqual(['green', 'green', 'amber', 'amber', 'red', 'red']);
    const sl = DEFAULT_THRESHOLDS.serviceLevel; // amber 0.8, red 0.6, below
    expect([1, 0.81, 0.8, 0.61, 0.6, 0].map((v) => levelOf(v, sl))).toEqual(['green', 'green', 'amber', 'amber', 'red', 'red']);
    expect(levelOf(null, sl)).toBe('none');
  });
  it('decodes partial JSON over the defaults and names every problem', () => {
    const r = decodeThresholds({ callsInQueue: { red: 10 }, abandonRate: { amber: 0.02, red: 0.04 } });
    expect('thresholds' in r && r.thresholds.callsInQueue).toEqual({ amber: 3, red: 10, direction: 'above' });
    expect('thresholds' in r && r.thresholds.serviceLevel).toEqual(DEFAULT_THRESHOLDS.serviceLevel);
    const bad = decodeThresholds({ callsInQueue: { red: 'ten', direction: 'sideways' } });
    expect(bad).toEqual({
      errors: ['callsInQueue.red: expected number, found "ten"', 'callsInQueue.direction: expected ("above" | "below"), found "sideways"'],
    });
    const s = decodeServeSettings({ title: 'Floor 2', freshnessSeconds: 90, thresholds: { longestWaitTime: { amber: 15 } } });
    expect('settings' in s && s.settings).toMatchObject({ title: 'Floor 2', freshnessMs: 90_000, thresholds: { longestWaitTime: { amber: 15, red: 60 } } });
    expect(decodeServeSettings({ freshnessSeconds: 0 })).toEqual({ errors: ['freshnessSeconds: expected a number > 0'] });
  });
});

describe('wallboard view', () => {
  const station = (over: Partial<StationSummary>): StationSummary => ({
    station: '1001',
    state: 'idle',
    inService: true,
    busy: false,
    ringing: false,
    dnd: false,
    forward: false,
    wrap: false,
    agentId: '',
    agentGroups: ['8'],
    available: true,
    supervisorOf: [],
    idleTime: 0,
    busyTime: 0,
    wrapTime: 0,
    loggedInTime: 0,
    availTime: 0,
    unavailTime: 0,
    ...over,
  });
  it('puts each agent in one board state: wrap, then on_call (or ringing), then not_ready, then ready', () => {
    expect(agentBoardState(station({ wrap: true, busy: true, available: false }))).toBe('wrap');
    expect(agentBoardState(station({ busy: true, available: false }))).toBe('on_call');
    expect(agentBoardState(station({ ringing: true }))).toBe('on_call');
    expect(agentBoardState(station({ available: false }))).toBe('not_ready');
    expect(agentBoardState(station({}))).toBe('ready');
  });
  it('lists agents only, by station number, counts them and colours the figures', () => {
    const summary = {
      callsInQueue: 7,
      longestWaitTime: 12,
      serviceLevel: null,
      averageSpeedOfAnswer: 0,
      abandonRate: 0,
      groups: [],
      stations: [station({ station: '1010', busy: true }), station({ station: '1002' }), station({ station: '1003', agentGroups: [] })],
    } as unknown as AcdSummary;
    const health = healthOf({ state: undefined, lastFrameAt: undefined, now: 0, freshnessMs: 1 });
    const v = wallboardView(summary, DEFAULT_THRESHOLDS, health);
    expect(v.agentList.map((a) => `${a.station}:${a.state}`)).toEqual(['1002:ready', '1010:on_call']);
    expect(v.agents).toEqual({ ready: 1, on_call: 1, wrap: 0, not_ready: 0 });
    expect(v.levels).toEqual({ callsInQueue: 'red', longestWaitTime: 'green', agentsReady: 'amber', serviceLevel: 'none', averageSpeedOfAnswer: 'green', abandonRate: 'green' });
  });
});

describe('the strict Prometheus text checker', () => {
  const good = '# HELP a_total Things.\n# TYPE a_total counter\na_total 3\n\n# HELP b B.\n# TYPE b gauge\nb{group="8"} 1.5\nb{group="9"} NaN\n';
  it('accepts a valid exposition', () => {
    expect(checkPrometheusText(good)).toEqual([]);
    expect(checkPrometheusText('# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="+Inf"} 2\nh_sum 3.5e-1\nh_count 2\n')).toEqual([]);
  });
  it.each([
    ['no final newline', good.trimEnd(), /does not end with a newline/],
    ['a sample without TYPE', 'c 1\n', /without a TYPE/],
    ['TYPE after samples', '# TYPE b gauge\nb 1\n# TYPE b gauge\n', /second TYPE/],
    ['two HELP', '# HELP b x\n# HELP b y\n# TYPE b gauge\nb 1\n', /second HELP/],
    ['a bad metric name', '# TYPE 1b gauge\n', /bad metric name/],
    ['a bad label name', '# TYPE b gauge\nb{1x="a"} 1\n', /bad label name/],
    ['a reserved label name', '# TYPE b gauge\nb{__x="a"} 1\n', /reserved label/],
    ['a bad escape', '# TYPE b gauge\nb{x="a\\t"} 1\n', /bad escape/],
    ['a bad value', '# TYPE b gauge\nb 1,5\n', /bad value/],
    ['a negative counter', '# TYPE a_total counter\na_total -1\n', /must not be negative/],
    ['a duplicate series', '# TYPE b gauge\nb{x="1",y="2"} 1\nb{y="2",x="1"} 2\n', /duplicate series/],
    ['an interleaved family', '# TYPE b gauge\n# TYPE c gauge\nb 1\nc 1\nb{x="1"} 2\n', /appears again/],
    ['an unknown type', '# TYPE b meter\nb 1\n', /unknown type/],
    ['a bucket without le', '# TYPE h histogram\nh_bucket 1\n', /without le/],
  ])('rejects %s', (_what, text, problem) => {
    expect(checkPrometheusText(text).join('\n')).toMatch(problem);
  });
});

describe('wallboardView group rows', () => {
  // The group table counts agents by the same board states as the tiles: an agent on a call is on_call, not ready,
  // and an agent in two groups counts in both rows.
  it('counts each group\'s agents by board state, like the tiles', () => {
    let state = initialMetricsState(TEST_METRICS, 0);
    for (const e of [
      ev(11, { at: 1, src: '1001', d1: '8', d2: '0001' }),
      ev(25, { at: 2, src: '1001', d1: '9', d2: '0001' }),
      ev(11, { at: 3, src: '1002', d1: '8', d2: '0002' }),
      ev(17, { at: 4, src: '1001', dst: '1005' }),
    ]) state = reduceMetrics(state, e);
    const view = wallboardView(summarize(state, 5), DEFAULT_THRESHOLDS, healthOf({ state: undefined, lastFrameAt: undefined, now: 5, freshnessMs: 1 }));
    expect(view.agents).toEqual({ ready: 1, on_call: 1, wrap: 0, not_ready: 0 });
    expect(Object.fromEntries(view.groups.map((g) => [g.group, g.board]))).toEqual({
      '8': { ready: 1, on_call: 1, wrap: 0, not_ready: 0 },
      '9': { ready: 0, on_call: 1, wrap: 0, not_ready: 0 },
    });
  });
});
