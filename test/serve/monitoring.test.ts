// The monitoring files shipped in res/ (issue 20, item 4): the Prometheus alert rules pass `promtool check rules`
// and their unit tests (`promtool test rules`: each alert fires when it should and not otherwise, through a daily
// reset of the counters); the Grafana dashboard is well-formed, every PromQL expression in it parses (promtool
// checks them as recording rules), and every metric the rules and the dashboard name is one /metrics exposes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BehaviorSubject, Subject } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createWallboardServer } from '../../src/serve/server.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { ev, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';
import { parseFamilies } from './prom-text.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const RULES = join(root, 'res/prometheus/ipecs-rx-alerts.yml');
const RULE_TESTS = join(root, 'test/serve/ipecs-rx-alerts.promtool.yml');
const DASHBOARD = join(root, 'res/grafana/ipecs-rx-dashboard.json');
const PROMTOOL = 'promtool';
const dir = mkdtempSync(join(tmpdir(), 'ipecs-monitoring-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: string; readonly uid: string };
  readonly targets?: readonly { readonly expr: string; readonly refId: string; readonly datasource?: { readonly uid: string } }[];
}
interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string }[] };
  readonly panels: readonly Panel[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));

/** The metric names an expression (or a rules file) uses. */
const metricNames = (text: string): string[] => [...new Set([...text.matchAll(/\b((?:ipecs|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1] ?? ''))];

describe('Prometheus alert rules (res/prometheus/ipecs-rx-alerts.yml)', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: 7 rules found/);
  });

  it('fire when they should, and only then (promtool test rules)', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', RULE_TESTS], { cwd: join(root, 'test/serve') });
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('cover the queue, the longest wait, the service level and the feed', () => {
    const text = readFileSync(RULES, 'utf8');
    for (const name of ['IpecsFeedDown', 'IpecsCallsQueued', 'IpecsLongestWait', 'IpecsServiceLevelLow', 'IpecsAbandonRateHigh', 'IpecsRxDown']) expect(text).toContain(`alert: ${name}`);
  });
});

describe('Grafana dashboard (res/grafana/ipecs-rx-dashboard.json)', () => {
  it('is a well-formed dashboard: ids, a 24-column grid without overlaps, the datasource and instance variables', () => {
    expect(dashboard.uid).toBe('ipecs-rx');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.map((v) => `${v.name}:${v.type}`)).toEqual(['datasource:datasource', 'instance:query']);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      const refs = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refs).size, p.title).toBe(refs.length);
    }
    expect(exprs.length).toBeGreaterThanOrEqual(20);
  });

  it('every expression parses (promtool, as recording rules)', async () => {
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: exprs.map(({ panel, target }) => ({
            record: `dashboard:panel_${panel.id}_${target.refId}`,
            // Grafana's variables, as Grafana would expand them.
            expr: target.expr.replaceAll('$instance', '.+').replaceAll('$__rate_interval', '1m'),
          })),
        },
      ],
    };
    const file = join(dir, 'dashboard-rules.yml');
    writeFileSync(file, JSON.stringify(rules, null, 2));
    const { stdout } = await run(PROMTOOL, ['check', 'rules', file]);
    expect(stdout).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
});

describe('the rules and the dashboard name only metrics that /metrics exposes', () => {
  it('every metric name is a family (or a _sum/_count of one) of a live scrape', async () => {
    let state = initialMetricsState(TEST_METRICS, 0);
    for (const e of [ev(11, { at: 1, src: '1001', d1: '8', d2: '0001' }), ev(3, { at: 2, ref: 5, src: '6', d1: '8' })]) state = reduceMetrics(state, e);
    const summary$ = new BehaviorSubject(summarize(state, 3));
    const connection$ = new BehaviorSubject<ConnectionState>({ kind: 'open', at: Date.now(), url: 'wss://pbx' });
    const server = createWallboardServer({
      summary$,
      connection$,
      activity$: new Subject<unknown>(),
      stats: () => ({ received: 1, delivered: 1, filtered: 0, malformed: 0, malformedByReason: { 'not-json': 0 }, reconnects: 0, gaps: 0 }),
      logger: silentLogger,
    });
    try {
      const { url } = await server.listen(0);
      const families = parseFamilies(await (await fetch(`${url}/metrics`)).text());
      const exposed = new Set([...families.values()].flatMap((f) => [f.name, ...f.samples.map((s) => s.name)]));
      const used = [...metricNames(readFileSync(RULES, 'utf8')), ...exprs.flatMap(({ target }) => metricNames(target.expr))];
      expect(used.length).toBeGreaterThan(10);
      expect(used.filter((m) => !exposed.has(m))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
