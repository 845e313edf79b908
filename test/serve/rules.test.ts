// The pure rules behind the wallboard: health freshness, threshold colours and their decoding, the agent board,
// and the strict Prometheus checker itself (it must reject what Prometheus would reject, or the /metrics test
// could not fail).
import { NO_COVERAGE } from '../../src/metrics/coverage.js';
import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/serve/health.js';
import { DEFAULT_THRESHOLDS, decodeThresholds, levelOf } from '../../src/serve/thresholds.js';
import { decodeServeSettings } from '../../src/serve/settings.js';
import { agentBoardState, agentRows, trackStates, wallboardView } from '../../src/serve/view.js';
import { boardStatus, causeText, describeConnection, nextConnectionView, NO_CONNECTION } from '../../src/serve/status.js';
import type { ConnectionState } from '../../src/socket/types.js';
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
      coverage: NO_COVERAGE,
    } as unknown as AcdSummary;
    const h = healthOf({ state: undefined, lastFrameAt: undefined, now: 0, freshnessMs: 1 });
    const v = wallboardView(summary, DEFAULT_THRESHOLDS, { ...h, board: boardStatus(h, NO_CONNECTION) });
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
    const h = healthOf({ state: undefined, lastFrameAt: undefined, now: 5, freshnessMs: 1 });
    const view = wallboardView(summarize(state, 5), DEFAULT_THRESHOLDS, { ...h, board: boardStatus(h, NO_CONNECTION) });
    expect(view.agents).toEqual({ ready: 1, on_call: 1, wrap: 0, not_ready: 0 });
    expect(Object.fromEntries(view.groups.map((g) => [g.group, g.board]))).toEqual({
      '8': { ready: 1, on_call: 1, wrap: 0, not_ready: 0 },
      '9': { ready: 0, on_call: 1, wrap: 0, not_ready: 0 },
    });
  });
});

describe('the wallboard in words (status.ts) and its agent board (names, time in state)', () => {
  const open = { kind: 'open', at: 1_000, url: 'wss://pbx' } as const;
  const fresh = (state: ConnectionState | undefined, lastFrameAt: number | undefined, now: number) => healthOf({ state, lastFrameAt, now, freshnessMs: 150_000 });
  const follow = (states: readonly ConnectionState[]) => states.reduce(nextConnectionView, NO_CONNECTION);

  it('says why it cannot connect, counts the attempts, and dates the loss', () => {
    const refused = { kind: 'backoff', at: 5_000, attempt: 1, delayMs: 2_000, reason: 'network', detail: 'GET /ipxapi/server/v1/users/acd/login failed (ECONNREFUSED)' } as const;
    const view = follow([{ kind: 'connecting', at: 4_000, attempt: 1 }, refused, { ...refused, at: 7_000, attempt: 2 }]);
    expect(describeConnection(view)).toBe('cannot connect (2 failed attempts): connection refused: nothing answers on that address and port (ECONNREFUSED); next try in 2.0 s');
    expect(boardStatus(fresh(view.state, undefined, 8_000), view)).toEqual({
      level: 'down',
      headline: 'Not connected to the phone system',
      detail: 'The figures are frozen. Trying again (2 failed attempts): connection refused: nothing answers on that address and port (ECONNREFUSED).',
      since: 5_000,
    });
    expect(causeText('login-failed', 'login refused: Already Login')).toMatch(/logged in elsewhere/);
    expect(causeText('network', 'getaddrinfo ENOTFOUND pbx.example')).toBe('host name not found (ENOTFOUND)');
    // Back open: nothing to say, the count starts again.
    const again = nextConnectionView(view, { kind: 'open', at: 9_000, url: 'wss://pbx' });
    expect(again).toMatchObject({ failures: 0, cause: undefined, downSince: undefined });
    expect(boardStatus(fresh(again.state, 9_000, 9_500), again).level).toBe('live');
  });

  it('is "starting" before anything failed, "stale" when open but silent, "down" after a fatal stop', () => {
    expect(boardStatus(fresh(undefined, undefined, 0), NO_CONNECTION).level).toBe('starting');
    const connecting = follow([{ kind: 'connecting', at: 0, attempt: 1 }]);
    expect(boardStatus(fresh(connecting.state, undefined, 10), connecting).level).toBe('starting');
    const silent = follow([open]);
    expect(boardStatus(fresh(open, 2_000, 200_000), silent)).toMatchObject({ level: 'stale', headline: 'No news from the phone system', since: 2_000 });
    const fatal = follow([open, { kind: 'closed', at: 3_000, reason: 'login-failed', detail: 'login refused: invalid user id or password (401 code 2); not retried' }]);
    expect(boardStatus(fresh(fatal.state, 2_000, 4_000), fatal)).toMatchObject({ level: 'down', detail: 'The figures are frozen. Stopped: login-failed: login refused: invalid user id or password (401 code 2); not retried.' });
  });

  it('names agents by agent id, then station; keeps each one\'s time in state across summaries', () => {
    let state = initialMetricsState(TEST_METRICS, 0);
    state = reduceMetrics(state, ev(11, { at: 1_000, src: '1001', d1: '8', d2: '0007' }));
    state = reduceMetrics(state, ev(11, { at: 2_000, src: '1002', d1: '8', d2: '0008' }));
    const names = { '0007': 'Alice', '1002': 'Bob' };
    const first = agentRows(summarize(state, 3_000), names);
    expect(first.map((a) => `${a.station}:${a.name}:${a.state}`)).toEqual(['1001:Alice:ready', '1002:Bob:ready']);
    // The server's first summary: states already there are "at least" that old.
    let since = trackStates(new Map(), first, 3_000, true);
    expect(since.get('1001')).toEqual({ state: 'ready', since: 3_000, atLeast: true });
    state = reduceMetrics(state, ev(17, { at: 4_000, src: '1002', dst: '1005' }));
    since = trackStates(since, agentRows(summarize(state, 4_000), names), 4_000, false);
    expect(since.get('1001')).toEqual({ state: 'ready', since: 3_000, atLeast: true });
    expect(since.get('1002')).toEqual({ state: 'on_call', since: 4_000, atLeast: false });
    const h = fresh(open, 4_000, 4_500);
    const view = wallboardView(summarize(state, 4_500), DEFAULT_THRESHOLDS, { ...h, board: boardStatus(h, follow([open])) }, { names, states: since, groupNames: { '8': 'Sales' }, serviceLevelSeconds: 20 });
    expect(view.agentList.map((a) => `${a.name}:${a.state}:${a.since}`)).toEqual(['Alice:ready:3000', 'Bob:on_call:4000']);
    expect(view.groups[0]?.name).toBe('Sales');
    expect(view.serviceLevelSeconds).toBe(20);
    expect(view.health.board.level).toBe('live');
  });
});
