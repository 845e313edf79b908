// Group numbers compare as numbers everywhere (docs/metrics.md §1), beyond the reducer: the wallboard's group rows
// and their agent board come from the summary's breakdown keys, so agents who logged in to "0620" and "620" are
// one row; the filter and the breakdown agree on the same key; sameGroup tells a host's number from the PBX's.
import { describe, expect, it } from 'vitest';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { sameGroup, normalizeGroup, eventGroup } from '../../src/protocol/group.js';
import { compileFilters } from '../../src/streams/filter-events.js';
import { wallboardView } from '../../src/serve/view.js';
import { DEFAULT_THRESHOLDS } from '../../src/serve/thresholds.js';
import { healthOf } from '../../src/serve/health.js';
import { ev, s, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

describe('group numbers everywhere', () => {
  it('the wallboard shows one row for 0620 and 620, with both agents on its board', () => {
    const st = initialMetricsState(TEST_METRICS, 0);
    reduceMetrics(st, ev(11, { at: 0, src: '1001', d1: '0620', d2: '0001' }));
    reduceMetrics(st, ev(11, { at: 0, src: '1002', d1: '620', d2: '0002' }));
    reduceMetrics(st, ev(3, { at: s(1), ref: 1, src: 'co:1', d1: '00620' }));
    reduceMetrics(st, ev(62, { at: s(1), ref: 1, src: 'co:1', d1: '620' }));
    const view = wallboardView(summarize(st, s(5)), DEFAULT_THRESHOLDS, healthOf({ state: undefined, lastFrameAt: undefined, now: s(5), freshnessMs: 60_000 }));
    expect(view.groups.map((g) => [g.group, g.agentsLoggedIn, g.board.available, g.callsInQueue, g.totalInboundCalls])).toEqual([['620', 2, 2, 1, 1]]);
  });

  it('the filter keeps what the breakdown keys as the same group; sameGroup and normalizeGroup agree', () => {
    const keep = compileFilters({ stations: [], groups: ['620'], eventsAllowed: [], eventsBlocked: [] });
    for (const d1 of ['620', '0620', '000620']) expect(keep(ev(11, { src: '1001', d1 }))).toBeUndefined();
    expect(eventGroup(ev(11, { src: '1001', d1: '0620' }))).toBe(normalizeGroup(620));
    expect(sameGroup('0620', 620)).toBe(true);
    expect(sameGroup('0620', '6200')).toBe(false);
    expect(sameGroup('', '')).toBe(false);
    expect(normalizeGroup('0000')).toBe('0');
  });
});
