// The checkpoint codec and the restore decision (issue 17), on the emulator's simulated centre decoded by the
// client's decoder: a round trip keeps every figure; a corrupt, foreign or older checkpoint is never restored.
import { describe, expect, it } from 'vitest';
import { formatAcdFrame, simulateCentre } from '../../src/emulator/index.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/metrics/checkpoint.js';
import { planRestore } from '../../src/metrics/restore.js';
import type { MetricsState } from '../../src/metrics/types.js';

const metrics = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC', resetTime: '00:00' };
const identity = { host: 'pbx.example', port: 8743, userId: 'acd' };
/** 2026-12-03 00:00 UTC: simulated second s is DAY0 + s·1000. */
const DAY0 = Date.UTC(2026, 11, 3);

/** A state after `seconds` of a seeded centre, starting at 08:00 of DAY0. */
function centreState(seed: number, seconds: number): MetricsState {
  const start = DAY0 + 8 * 3_600_000;
  const { events } = simulateCentre({ seed }, seconds);
  let state = initialMetricsState(metrics, start);
  for (const { t, acd } of events) {
    const ev = decodeAcdFrame(formatAcdFrame(acd, { padBlanks: true }), false, start + t * 1000, DEFAULT_CONFIG.socket.maxFrameBytes);
    if (isDecodeError(ev)) throw new Error(ev.message);
    state = reduceMetrics(state, ev);
  }
  return state;
}

describe('checkpoint codec', () => {
  it('round-trips a mid-day state: the same summary, the same call indexes', () => {
    const state = centreState(3, 3 * 3600);
    const at = state.at + 5_000;
    expect(state.calls.size).toBeGreaterThan(0); // open calls, queued or connected, are in it
    const text = encodeCheckpoint(state, identity, at);
    const decoded = decodeCheckpoint(text, metrics);
    if (!decoded.ok) throw new Error(decoded.problem.detail);
    expect(decoded.checkpoint.savedAt).toBe(at);
    expect(decoded.checkpoint.identity).toEqual(identity);
    expect(summarize(decoded.checkpoint.state, at)).toEqual(summarize(state, at));
    // The indexes point at the decoded calls themselves, not at copies.
    for (const [trunk, c] of decoded.checkpoint.state.callByTrunk) {
      expect(decoded.checkpoint.state.calls.get(c.key)).toBe(c);
      expect(state.callByTrunk.get(trunk)?.key).toBe(c.key);
    }
    // Re-encoding the decoded state gives the same text.
    expect(encodeCheckpoint(decoded.checkpoint.state, identity, at)).toBe(text);
  });

  it('reports corrupt text, a broken shape, a dangling call reference and another version; never throws', () => {
    const text = encodeCheckpoint(centreState(4, 1800), identity, DAY0 + 9 * 3_600_000);
    const doc = JSON.parse(text) as { version: number; state: { stations: { idleMs: unknown }[]; callByTrunk: [string, string][] } };
    const cases: [string, string, RegExp][] = [
      ['truncated', text.slice(0, text.length / 2), /^not JSON/],
      ['empty', '', /^not JSON/],
      ['another document', '{"hello":"world"}', /not an ipecs-rx metrics checkpoint/],
      ['a wrong field', JSON.stringify({ ...doc, state: { ...doc.state, stations: doc.state.stations.map((s, i) => (i === 0 ? { ...s, idleMs: 'x' } : s)) } }), /state\.stations\.0\.idleMs: expected number/],
      ['a dangling reference', JSON.stringify({ ...doc, state: { ...doc.state, callByTrunk: [['9', 'no-such-call']] } }), /names call "no-such-call"/],
    ];
    for (const [name, bad, why] of cases) {
      const r = decodeCheckpoint(bad, metrics);
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.problem.kind, name).toBe('corrupt');
        expect(r.problem.detail, name).toMatch(why);
      }
    }
    const v2 = decodeCheckpoint(JSON.stringify({ ...doc, version: 2 }), metrics);
    expect(v2).toEqual({ ok: false, problem: { kind: 'unsupported-version', detail: 'version 2, this library reads 1' } });
  });
});

describe('restore decision', () => {
  const savedAt = DAY0 + 11 * 3_600_000;

  it('restores a checkpoint of the current period; the time across the gap is counted nowhere', () => {
    const state = centreState(5, 3 * 3600);
    const before = summarize(state, savedAt);
    expect(before.agentsLoggedIn).toBeGreaterThan(0);
    const now = savedAt + 60_000;
    const plan = planRestore(encodeCheckpoint(state, identity, savedAt), { identity, metrics, now });
    expect(plan.outcome).toEqual({ kind: 'restored', savedAt, periodStart: state.periodStart });
    if (plan.state === undefined) throw new Error('no state');
    const after = summarize(plan.state, now);
    const { at: _a, stations: _s, groups: _g, longestWaitTime: _w, ...counts } = before;
    expect(after).toMatchObject({ ...counts, at: now });
    // Every agent logged in at the checkpoint adds nothing for the minute the process was down.
    expect(after.totalLoggedInTime).toBe(before.totalLoggedInTime);
    expect(summarize(plan.state, now + 1_000).totalLoggedInTime).toBeCloseTo(before.totalLoggedInTime + before.agentsLoggedIn, 3);
  });

  it('closes a checkpoint of an older period into periods$ and restores nothing', () => {
    const state = centreState(6, 3600);
    const now = savedAt + 24 * 3_600_000; // the next day, past its 00:00 reset
    const plan = planRestore(encodeCheckpoint(state, identity, savedAt), { identity, metrics, now });
    expect(plan.outcome).toEqual({ kind: 'closed', savedAt, periodStart: state.periodStart });
    expect(plan.state).toBeUndefined();
    expect(plan.closedPeriod).toEqual({ ...summarize(state, savedAt), closedBy: 'checkpoint' });
    expect(plan.closedPeriod?.totalInboundCalls).toBeGreaterThan(0);
    // One minute before the reset: still the same period.
    expect(planRestore(encodeCheckpoint(state, identity, savedAt), { identity, metrics, now: DAY0 + 24 * 3_600_000 - 60_000 }).outcome.kind).toBe('restored');
  });

  it('ignores a checkpoint of another PBX or another account, and says which', () => {
    const text = encodeCheckpoint(centreState(7, 600), identity, savedAt);
    const other = planRestore(text, { identity: { ...identity, host: 'pbx2.example' }, metrics, now: savedAt + 1000 });
    expect(other.outcome).toEqual({ kind: 'ignored', reason: 'foreign', detail: 'the checkpoint is of another PBX (acd@pbx.example:8743), this client is acd@pbx2.example:8743' });
    const account = planRestore(text, { identity: { ...identity, userId: 'acd2' }, metrics, now: savedAt + 1000 });
    expect(account.outcome).toMatchObject({ kind: 'ignored', reason: 'foreign', detail: expect.stringContaining('another account') as string });
    expect(other.state ?? account.state).toBeUndefined();
  });
});
