// The reducer of metrics.md §2-§5 without Rx: every figure of §3 with hand-computed expectations.
import { describe, it, expect } from 'vitest';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { MetricsConfig } from '../../src/config/config.js';
import type { AcdSummary, Change, MetricsInput, MetricsState } from '../../src/metrics/types.js';
import { ev, s, TEST_METRICS } from '../../marbles/helpers/acd-event-builders.js';

function play(inputs: readonly MetricsInput[], config: MetricsConfig = TEST_METRICS, start = 0): MetricsState {
  let st = initialMetricsState(config, start);
  for (const i of inputs) st = reduceMetrics(st, i);
  return st;
}

function at(inputs: readonly MetricsInput[], when: number, config?: MetricsConfig): AcdSummary {
  return summarize(play(inputs, config), when);
}

/** The changes of each input, as `kind:figure` strings. */
function changesOf(inputs: readonly MetricsInput[], config: MetricsConfig = TEST_METRICS): string[] {
  let st = initialMetricsState(config, 0);
  const out: string[] = [];
  for (const i of inputs) {
    st = reduceMetrics(st, i);
    for (const c of st.lastChanges) out.push(`${c.kind}:${String(c.figure)}`);
  }
  return out;
}

describe('stations (metrics.md §2 Station)', () => {
  it('registers a never-seen station as in service, once, before the event its own effect (17)', () => {
    const events = [ev(17, { at: 0, src: '1001', dst: 'co:5' }), ev(18, { at: s(10), src: '1001' }), ev(18, { at: s(20), src: '1001' })];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'stationBusy:1']);
    const sum = at(events, s(30));
    expect(sum.stationsConnected).toBe(1);
    expect(sum.busyStations).toBe(0);
    expect(sum.totalBusyTime).toBe(10);
    expect(sum.totalIdleTime).toBe(20);
  });

  it('registers a destination station too, and both stations once', () => {
    const sum = at([ev(41, { at: 0, ref: 1, src: '1001', dst: '1002' }), ev(42, { at: s(1), ref: 1, src: '1002', dst: '1001' })], s(5));
    expect(sum.stationsConnected).toBe(2);
    expect(sum.totalIdleTime).toBe(10); // two stations idle for 5 s each
  });

  it('keeps a station taken out by 82 out until 84, whatever names it (82 → 18 → 18)', () => {
    const events = [
      ev(84, { at: 0, src: '1001' }),
      ev(82, { at: s(10), src: '1001' }),
      ev(18, { at: s(11), src: '1001' }),
      ev(17, { at: s(12), src: '1001' }),
      ev(18, { at: s(13), src: '1001' }),
    ];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'stationDisconnected:0']);
    const sum = at(events, s(20));
    expect(sum.stationsConnected).toBe(0);
    expect(sum.totalIdleTime).toBe(10);
    expect(sum.totalBusyTime).toBe(0);
    const back = at([...events, ev(84, { at: s(20), src: '1001' })], s(25));
    expect(back.stationsConnected).toBe(1);
    expect(back.totalIdleTime).toBe(15);
  });

  it('83 hot-desk logout takes a station out; 81 brings it back; a never-seen 82 is tracked out of service', () => {
    const events = [ev(81, { at: 0, src: '1001', dst: '1999' }), ev(83, { at: s(4), src: '1001', dst: '1999' }), ev(82, { at: s(5), src: '1002' })];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'stationDisconnected:0']);
    const sum = at(events, s(10));
    expect(sum.stationsConnected).toBe(0);
    expect(sum.stations.map((x) => [x.station, x.state])).toEqual([
      ['1001', 'out-of-service'],
      ['1002', 'out-of-service'],
    ]);
  });

  it('a station leaving service while busy stops counting busy time and leaves busyStations', () => {
    const events = [ev(84, { at: 0, src: '1001' }), ev(17, { at: s(5), src: '1001' }), ev(82, { at: s(20), src: '1001' }), ev(18, { at: s(21), src: '1001' })];
    const sum = at(events, s(30));
    expect(sum.busyStations).toBe(0);
    expect(sum.stationsConnected).toBe(0);
    expect(sum.totalIdleTime).toBe(5);
    expect(sum.totalBusyTime).toBe(15);
  });

  it('tracks dnd (19/20), forward (21/22) and ringing (66 until 42/17/18/44)', () => {
    const base = [ev(84, { at: 0, src: '1001' }), ev(19, { at: 1, src: '1001' }), ev(21, { at: 2, src: '1001', d1: '1' }), ev(66, { at: 3, ref: 4, src: '1001', dst: 'co:1' })];
    const st = at(base, 10).stations[0];
    expect(st).toMatchObject({ dnd: true, forward: true, ringing: true });
    const after = at([...base, ev(20, { at: 4, src: '1001' }), ev(22, { at: 5, src: '1001' }), ev(17, { at: 6, src: '1001' })], 10).stations[0];
    expect(after).toMatchObject({ dnd: false, forward: false, ringing: false, busy: true, state: 'busy' });
  });

  it('unknown codes and informational codes change no figure but still register stations', () => {
    const st0 = play([ev(84, { at: 0, src: '1001' })]);
    const v = st0.version;
    reduceMetrics(st0, ev(68, { at: 5, d1: '1127', d2: '26' }));
    reduceMetrics(st0, ev(73, { at: 6, ref: 3, src: '1001', dst: 'co:2', d1: 'abcd' }));
    reduceMetrics(st0, ev(99, { at: 7, src: 'x:77' }));
    expect(st0.version).toBe(v);
    const sum = at([ev(99, { at: 0, src: '1005' })], s(1));
    expect(sum.stationsConnected).toBe(1);
    expect(sum.activeCalls).toBe(0);
  });
});

describe('agents (metrics.md §2 Agent)', () => {
  it('an agent is available at login; 13/14 switch; logout from the last group ends logged-in time', () => {
    const events = [
      ev(11, { at: 0, src: '1001', d1: '1', d2: '0042' }),
      ev(13, { at: s(10), src: '1001', d1: '3', d2: '1' }),
      ev(14, { at: s(30), src: '1001', d2: '1' }),
      ev(12, { at: s(60), src: '1001', d1: '1' }),
    ];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'agentLoggedIn:1', 'agentLoggedOut:0']);
    const mid = at(events.slice(0, 2), s(20));
    expect(mid).toMatchObject({ agentsLoggedIn: 1, agentsAvailable: 0, agentsUnavailable: 1 });
    const sum = at(events, s(90));
    expect(sum).toMatchObject({ agentsLoggedIn: 0, totalLoggedInTime: 60, totalAvailTime: 40, totalUnavailTime: 20 });
    expect(sum.stations[0]?.agentId).toBe('0042');
  });

  it('an agent in two groups is logged in once; logging out of one group keeps it logged in', () => {
    const events = [
      ev(11, { at: 0, src: '1001', d1: '1', d2: '7' }),
      ev(25, { at: s(10), src: '1001', d1: '0002', d2: '7' }),
      ev(12, { at: s(20), src: '1001', d1: '1' }),
    ];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'agentLoggedIn:1']);
    const sum = at(events, s(30));
    expect(sum.agentsLoggedIn).toBe(1);
    expect(sum.totalLoggedInTime).toBe(30); // not 40: one agent, not one per group
    expect(sum.groups.map((g) => [g.group, g.agentsLoggedIn])).toEqual([
      ['1', 0],
      ['2', 1],
    ]);
    const out = [...events, ev(26, { at: s(40), src: '1001', d1: '2' })];
    expect(changesOf(out).at(-1)).toBe('agentLoggedOut:0');
    expect(at(out, s(50)).totalLoggedInTime).toBe(40);
  });

  it('82 logs the agent out of every group and takes the station out', () => {
    const events = [ev(11, { at: 0, src: '1001', d1: '1' }), ev(25, { at: 0, src: '1001', d1: '2' }), ev(82, { at: s(10), src: '1001' })];
    expect(changesOf(events)).toEqual(['stationConnected:1', 'agentLoggedIn:1', 'agentLoggedOut:0', 'stationDisconnected:0']);
    expect(at(events, s(20))).toMatchObject({ agentsLoggedIn: 0, totalLoggedInTime: 10, stationsConnected: 0 });
  });

  it('supervisors (23/24) are tracked per group but are not agents', () => {
    const events = [ev(23, { at: 0, src: '1009', d1: '1', d2: '9' })];
    const sum = at(events, s(5));
    expect(sum.agentsLoggedIn).toBe(0);
    expect(sum.groups[0]).toMatchObject({ group: '1', supervisors: 1, agentsLoggedIn: 0 });
    expect(at([...events, ev(24, { at: 1, src: '1009', d1: '1' })], s(5)).groups[0]?.supervisors).toBe(0);
  });

  it('13/14 on a station that is not an agent change nothing; 14 before any 13 is harmless', () => {
    const sum = at([ev(13, { at: 0, src: '1001' }), ev(11, { at: 0, src: '1001', d1: '1' }), ev(14, { at: s(1), src: '1001', d2: '1' })], s(2));
    expect(sum).toMatchObject({ agentsAvailable: 1, agentsUnavailable: 0, totalAvailTime: 2, totalUnavailTime: 0 });
  });
});

describe('wrap-up (metrics.md §2 wrap-up)', () => {
  it('15 starts and 16 ends wrap time; agentsOnWrap counts logged-in agents in wrap', () => {
    const events = [ev(11, { at: 0, src: '1001', d1: '1' }), ev(15, { at: s(10), src: '1001' })];
    expect(at(events, s(14))).toMatchObject({ agentsOnWrap: 1, totalWrapTime: 4 });
    expect(at([...events, ev(16, { at: s(16), src: '1001' })], s(30))).toMatchObject({ agentsOnWrap: 0, totalWrapTime: 6 });
  });

  it('a logout during wrap-up ends the wrap at the logout (from the last group)', () => {
    const events = [ev(11, { at: 0, src: '1001', d1: '1' }), ev(15, { at: s(10), src: '1001' }), ev(12, { at: s(25), src: '1001', d1: '1' }), ev(16, { at: s(40), src: '1001' })];
    expect(at(events, s(60))).toMatchObject({ agentsOnWrap: 0, totalWrapTime: 15, totalLoggedInTime: 25 });
  });

  it('82 ends wrap-up', () => {
    const events = [ev(84, { at: 0, src: '1001' }), ev(15, { at: s(2), src: '1001' }), ev(82, { at: s(5), src: '1001' })];
    expect(at(events, s(60)).totalWrapTime).toBe(3);
  });
});

describe('calls (metrics.md §2 Call)', () => {
  // An inbound ACD call: ring at 0, queued at 1 s, rings 1001 at 4 s, answered at 6 s, held twice, ends at 30 s.
  const answered = [
    ev(3, { at: 0, ref: 7, src: 'co:5', d1: '1', d2: '5' }),
    ev(62, { at: s(1), ref: 7, src: 'co:5', d1: '1' }),
    ev(3, { at: s(2), ref: 7, src: 'co:5', dst: '1001', d2: '5' }),
    ev(66, { at: s(4), ref: 7, src: '1001', dst: 'co:5', d1: '1' }),
    ev(42, { at: s(6), ref: 7, src: 'co:5', dst: '1001' }),
    ev(49, { at: s(10), ref: 7, src: '1001', dst: 'co:5' }),
    ev(42, { at: s(15), ref: 7, src: '1001', dst: 'co:5' }),
    ev(49, { at: s(20), ref: 7, src: '1001', dst: 'co:5' }),
    ev(50, { at: s(23), ref: 7, src: '1001', dst: 'co:5' }),
    ev(44, { at: s(30), ref: 7, src: 'co:5', dst: '1001', d1: '0' }),
    ev(44, { at: s(30), ref: 7, src: '1001', dst: 'co:5', d1: '0' }),
    ev(2, { at: s(31), src: 'co:5' }),
  ];

  it('an answered inbound call held twice: inbound, answered, hold, speed of answer, handle time', () => {
    expect(changesOf(answered)).toEqual(['newCall:1', 'callWaiting:1', 'stationConnected:1', 'callAnswered:1', 'callDisconnected:0']);
    const sum = at(answered, s(40));
    expect(sum).toMatchObject({
      totalInboundCalls: 1,
      totalAnsweredCalls: 1,
      totalAbandonedCalls: 0,
      activeCalls: 0,
      callsInQueue: 0,
      totalHoldTime: 8, // 10→15 and 20→23; the second 42 closes the first hold and is not a second answer
      averageSpeedOfAnswer: 6,
      averageHandleTime: 24, // answer 6 s → end 30 s (talk + hold), no wrap
      abandonRate: 0,
      serviceLevel: 1,
      shortAbandons: 0,
    });
    expect(sum.groups[0]).toMatchObject({ group: '1', totalInboundCalls: 1, totalAnsweredCalls: 1, totalAbandonedCalls: 0 });
  });

  it('mid-call: open hold, open queue and active call count up to the instant', () => {
    expect(at(answered.slice(0, 2), s(3))).toMatchObject({ activeCalls: 1, callsInQueue: 1, longestWaitTime: 2 });
    expect(at(answered.slice(0, 4), s(5))).toMatchObject({ callsInQueue: 0, longestWaitTime: 0 });
    expect(at(answered.slice(0, 6), s(12.5))).toMatchObject({ totalHoldTime: 2.5, averageHandleTime: 6.5 });
  });

  it('two interleaved calls on different trunks are kept apart', () => {
    const events = [
      ev(3, { at: 0, ref: 1, src: 'co:1', d1: '1' }),
      ev(3, { at: s(1), ref: 2, src: 'co:2', d1: '1' }),
      ev(42, { at: s(3), ref: 2, src: 'co:2', dst: '1002' }),
      ev(43, { at: s(4), src: 'co:1' }), // no callRefId: the open call on trunk 1
      ev(44, { at: s(11), ref: 2, src: '1002', dst: 'co:2', d1: '0' }),
    ];
    const sum = at(events, s(20));
    expect(sum).toMatchObject({
      totalInboundCalls: 2,
      totalAnsweredCalls: 1,
      totalAbandonedCalls: 1,
      shortAbandons: 1,
      activeCalls: 0,
      averageSpeedOfAnswer: 2,
      averageHandleTime: 8,
      abandonRate: 0.5,
      serviceLevel: 1, // 1 answered within 20 s / (1 + 1 − 1)
    });
  });

  it('abandon by CO IDLE (2 on the call trunk)', () => {
    const sum = at([ev(3, { at: 0, ref: 8, src: 'co:3' }), ev(2, { at: s(3), src: 'co:3' })], s(10));
    expect(sum).toMatchObject({ totalInboundCalls: 1, totalAbandonedCalls: 1, shortAbandons: 1, activeCalls: 0, abandonRate: 1, serviceLevel: null });
  });

  it('abandon by 43 naming the trunk while the call rings at a station, not short', () => {
    const events = [ev(3, { at: 0, ref: 9, src: 'co:4' }), ev(66, { at: s(2), ref: 9, src: '1002', dst: 'co:4' }), ev(43, { at: s(12), src: 'co:4', dst: '1002' })];
    expect(changesOf(events).at(-1)).toBe('callDisconnected:0');
    expect(at(events, s(20))).toMatchObject({ totalAbandonedCalls: 1, shortAbandons: 0, serviceLevel: 0 });
    expect(at(events, s(20)).stations[0]?.ringing).toBe(false);
  });

  it('a 43 naming no trunk ends no inbound call, ringing or connected at its stations (§2)', () => {
    const ringing = [ev(3, { at: 0, ref: 9, src: 'co:4' }), ev(66, { at: s(1), ref: 9, src: '1002', dst: 'co:4' }), ev(43, { at: s(2), src: '1002' })];
    expect(at(ringing, s(3))).toMatchObject({ activeCalls: 1, totalAbandonedCalls: 0 });
    const connected = [ev(3, { at: 0, ref: 9, src: 'co:4' }), ev(42, { at: s(1), ref: 9, src: 'co:4', dst: '1002' }), ev(43, { at: s(2), src: '1002' })];
    expect(at(connected, s(3))).toMatchObject({ activeCalls: 1, totalAbandonedCalls: 0 });
    const outbound = [ev(41, { at: 0, ref: 5, src: '1002', dst: 'co:4' }), ev(43, { at: s(2), src: '1003', dst: '1002' })];
    expect(at(outbound, s(3))).toMatchObject({ activeCalls: 1, totalOutboundCalls: 1 });
  });

  it('abandon by DISCONNECT before answer; the other party 44 and the trunk 2 change nothing more', () => {
    const events = [
      ev(3, { at: 0, ref: 11, src: 'co:6', d1: '2' }),
      ev(44, { at: s(8), ref: 11, src: 'co:6', d1: '0' }),
      ev(44, { at: s(8), ref: 11, src: '1003', dst: 'co:6', d1: '0' }),
      ev(2, { at: s(9), src: 'co:6' }),
    ];
    expect(changesOf(events).filter((c) => c.startsWith('call'))).toEqual(['callDisconnected:0']);
    expect(at(events, s(10))).toMatchObject({ totalAbandonedCalls: 1, shortAbandons: 0, totalInboundCalls: 1 });
    expect(at(events, s(10)).groups[0]).toMatchObject({ group: '2', totalAbandonedCalls: 1 });
  });

  it('keys are reused: a new 3 on an ended key creates a new call', () => {
    const events = [ev(3, { at: 0, ref: 5, src: 'co:1' }), ev(2, { at: s(1), src: 'co:1' }), ev(3, { at: s(2), ref: 5, src: 'co:1' })];
    expect(at(events, s(3))).toMatchObject({ totalInboundCalls: 2, activeCalls: 1, totalAbandonedCalls: 1 });
  });

  it('a conference leg leaving (44 data1 = 3) does not end the call', () => {
    const events = [ev(3, { at: 0, ref: 5, src: 'co:1' }), ev(42, { at: 1, ref: 5, src: 'co:1', dst: '1001' }), ev(44, { at: 2, ref: 5, src: '1004', dst: 'co:1', d1: '3' })];
    expect(at(events, 3).activeCalls).toBe(1);
  });

  it('outbound calls: 41 then 67 on one key count once; internal calls count in no total', () => {
    const events = [
      ev(41, { at: 0, ref: 20, src: '1001', dst: 'co:9' }),
      ev(67, { at: s(3), ref: 20, src: '1001', dst: 'co:9', d2: '0123456789' }),
      ev(41, { at: s(4), ref: 21, src: '1002', dst: '1003' }),
      ev(49, { at: s(5), ref: 21, src: '1002', dst: '1003' }),
    ];
    expect(at(events, s(10))).toMatchObject({ totalOutboundCalls: 1, totalInboundCalls: 0, activeCalls: 1, totalHoldTime: 5 });
    const ended = [...events, ev(44, { at: s(12), ref: 20, src: '1001', dst: 'co:9', d1: '0' }), ev(44, { at: s(12), ref: 21, src: '1002', dst: '1003', d1: '0' })];
    expect(changesOf(ended).filter((c) => c.startsWith('call'))).toEqual(['callDisconnected:0']);
    expect(at(ended, s(20))).toMatchObject({ activeCalls: 0, totalHoldTime: 7, totalAbandonedCalls: 0 });
  });

  it('67 with a station source and a CO destination creates an outbound call alone', () => {
    expect(at([ev(67, { at: 0, ref: 30, src: '1001', dst: 'co:2', d2: '555' })], 1)).toMatchObject({ totalOutboundCalls: 1, activeCalls: 1 });
  });

  it('a transfer: 58 is not hold; after 70 the call belongs to the destination station', () => {
    const events = [
      ev(3, { at: 0, ref: 40, src: 'co:7' }),
      ev(66, { at: s(1), ref: 40, src: '1001', dst: 'co:7' }),
      ev(42, { at: s(2), ref: 40, src: '1001', dst: 'co:7' }),
      ev(58, { at: s(10), ref: 40, src: '1001', dst: '1002' }),
      ev(70, { at: s(14), ref: 40, src: '1001', dst: '1002' }),
      ev(49, { at: s(20), src: '1002' }), // blank callRefId: the call connected to 1002
      ev(44, { at: s(25), src: '1002' }), // blank callRefId: ends it
    ];
    const sum = at(events, s(30));
    expect(sum).toMatchObject({ activeCalls: 0, totalAnsweredCalls: 1, totalHoldTime: 5, averageHandleTime: 23 });
  });

  it('events with a blank callRefId: the call is keyed by its trunk and matched by trunk', () => {
    const events = [
      ev(3, { at: 0, src: 'co:9' }),
      ev(3, { at: s(1), src: 'co:9', dst: '1001' }), // same call
      ev(42, { at: s(2), src: 'co:9', dst: '1001' }),
      ev(49, { at: s(3), src: '1001' }),
      ev(42, { at: s(5), src: 'co:9', dst: '1001' }),
      ev(2, { at: s(9), src: 'co:9' }),
    ];
    expect(changesOf(events).filter((c) => c.startsWith('call') || c.startsWith('new'))).toEqual(['newCall:1', 'callAnswered:1', 'callDisconnected:0']);
    expect(at(events, s(10))).toMatchObject({ totalInboundCalls: 1, totalAnsweredCalls: 1, totalHoldTime: 2, averageHandleTime: 7, activeCalls: 0 });
  });

  it('an event matching no call is ignored for call figures', () => {
    const sum = at([ev(42, { at: 0, ref: 99, src: 'co:1', dst: '1001' }), ev(44, { at: 1, ref: 98, src: '1001' }), ev(2, { at: 2, src: 'co:1' })], 5);
    expect(sum).toMatchObject({ totalAnsweredCalls: 0, activeCalls: 0, totalAbandonedCalls: 0, stationsConnected: 1 });
  });

  it('service level counts answers within serviceLevelSeconds over answered + abandoned − short abandons', () => {
    const events = [
      ev(3, { at: 0, ref: 1, src: 'co:1' }),
      ev(42, { at: s(20), ref: 1, src: 'co:1', dst: '1001' }), // within 20 s
      ev(3, { at: 0, ref: 2, src: 'co:2' }),
      ev(42, { at: s(21), ref: 2, src: 'co:2', dst: '1002' }), // late
      ev(3, { at: 0, ref: 3, src: 'co:3' }),
      ev(2, { at: s(30), src: 'co:3' }), // abandoned, not short
      ev(3, { at: 0, ref: 4, src: 'co:4' }),
      ev(2, { at: s(5), src: 'co:4' }), // short abandon (≤ 5 s)
    ];
    const sum = at(events, s(40));
    expect(sum).toMatchObject({ totalAnsweredCalls: 2, totalAbandonedCalls: 2, shortAbandons: 1, abandonRate: 0.5, averageSpeedOfAnswer: 20.5 });
    expect(sum.serviceLevel).toBeCloseTo(1 / 3, 4);
  });

  it('average handle time includes wrap time', () => {
    const events = [
      ev(11, { at: 0, src: '1001', d1: '1' }),
      ev(3, { at: 0, ref: 1, src: 'co:1' }),
      ev(42, { at: s(2), ref: 1, src: 'co:1', dst: '1001' }),
      ev(44, { at: s(12), ref: 1, src: 'co:1', d1: '0' }),
      ev(15, { at: s(12), src: '1001' }),
      ev(16, { at: s(17), src: '1001' }),
    ];
    expect(at(events, s(30))).toMatchObject({ averageHandleTime: 15, totalWrapTime: 5 });
  });
});

describe('queue (metrics.md §2 queued)', () => {
  it('62 queues an inbound call; it leaves on 66, 42 or the end; longest wait is the oldest', () => {
    const events = [
      ev(3, { at: 0, ref: 1, src: 'co:1' }),
      ev(62, { at: s(1), ref: 1, src: 'co:1', d1: '0003' }),
      ev(3, { at: s(2), ref: 2, src: 'co:2' }),
      ev(62, { at: s(4), ref: 2, src: 'co:2', d1: '3' }),
      ev(62, { at: s(5), ref: 2, src: 'co:2', d1: '3' }), // already queued: no second callWaiting
    ];
    expect(changesOf(events).filter((c) => c.startsWith('callWaiting'))).toEqual(['callWaiting:1', 'callWaiting:2']);
    const sum = at(events, s(10));
    expect(sum).toMatchObject({ callsInQueue: 2, longestWaitTime: 9 });
    expect(sum.groups[0]).toMatchObject({ group: '3', callsInQueue: 2, longestWaitTime: 9 });
    expect(at([...events, ev(42, { at: s(10), ref: 1, src: 'co:1', dst: '1001' })], s(12))).toMatchObject({ callsInQueue: 1, longestWaitTime: 8 });
    expect(at([...events, ev(2, { at: s(10), src: 'co:2' })], s(12))).toMatchObject({ callsInQueue: 1, longestWaitTime: 11 });
  });

  it('62 with group 0 (not an ACD call) and 62 on an outbound call queue nothing', () => {
    const events = [ev(3, { at: 0, ref: 1, src: 'co:1' }), ev(62, { at: 1, ref: 1, src: 'co:1', d1: '0' }), ev(41, { at: 2, ref: 2, src: '1001', dst: 'co:2' }), ev(62, { at: 3, ref: 2, src: '1001', d1: '4' })];
    expect(at(events, 10).callsInQueue).toBe(0);
  });
});

describe('expiry and memory', () => {
  it('a call older than maxCallAgeMs is expired on a tick and counted; ended calls are forgotten', () => {
    const cfg = { ...TEST_METRICS, maxCallAgeMs: s(60) };
    const st = play([ev(3, { at: 0, ref: 1, src: 'co:1' }), ev(3, { at: 0, ref: 2, src: 'co:2' }), ev(2, { at: s(1), src: 'co:2' }), { kind: 'tick', at: s(61) }], cfg);
    expect(st.calls.size).toBe(0);
    expect(st.callByTrunk.size).toBe(0);
    expect(summarize(st, s(61))).toMatchObject({ expiredCalls: 1, activeCalls: 0, totalAbandonedCalls: 1 });
  });
});

describe('the daily reset (metrics.md §4)', () => {
  it('zeroes totals and counters, splits open intervals, carries states over', () => {
    const events: MetricsInput[] = [
      ev(11, { at: 0, src: '1001', d1: '1' }),
      ev(3, { at: s(10), ref: 1, src: 'co:1', d1: '1' }),
      ev(62, { at: s(10), ref: 1, src: 'co:1', d1: '1' }),
      ev(3, { at: s(11), ref: 2, src: 'co:2' }),
      ev(42, { at: s(12), ref: 2, src: 'co:2', dst: '1001' }),
      ev(49, { at: s(20), ref: 2, src: '1001' }),
    ];
    const st = play(events);
    const closing = summarize(st, s(30));
    expect(closing).toMatchObject({ totalInboundCalls: 2, totalAnsweredCalls: 1, totalHoldTime: 10, totalLoggedInTime: 30, longestWaitTime: 20, periodStart: 0 });
    reduceMetrics(st, { kind: 'reset', at: s(30) });
    const fresh = summarize(st, s(30));
    expect(fresh).toMatchObject({ totalInboundCalls: 0, totalAnsweredCalls: 0, totalHoldTime: 0, totalLoggedInTime: 0, periodStart: s(30) });
    expect(fresh).toMatchObject({ agentsLoggedIn: 1, activeCalls: 2, callsInQueue: 1, stationsConnected: 1 });
    reduceMetrics(st, ev(50, { at: s(35), ref: 2, src: '1001' }));
    reduceMetrics(st, ev(44, { at: s(40), ref: 2, src: 'co:2', d1: '0' }));
    const later = summarize(st, s(40));
    expect(later).toMatchObject({ totalHoldTime: 5, totalLoggedInTime: 10, totalAnsweredCalls: 0, activeCalls: 1, longestWaitTime: 30 });
    expect(later.groups[0]).toMatchObject({ totalInboundCalls: 0, callsInQueue: 1 });
  });
});

describe('changes (metrics.md §5)', () => {
  it('carry the figure after the whole event and the entity', () => {
    const st = play([ev(3, { at: 0, ref: 7, src: 'co:5', d1: '2' })]);
    const c = st.lastChanges[0] as Change;
    expect(c).toMatchObject({ kind: 'newCall', figure: 1, entity: { key: '7', direction: 'inbound', trunk: '5', group: '2' } });
    reduceMetrics(st, ev(18, { at: 1, src: '1001' }));
    expect(st.lastChanges.map((x) => x.kind)).toEqual(['stationConnected']);
    reduceMetrics(st, ev(68, { at: 2 }));
    expect(st.lastChanges).toEqual([]);
  });
});

describe('hold and conference legs', () => {
  it('a 44 with data1 = 3 (a conference leg leaving) closes the hold interval but not the call', () => {
    const events = [
      ev(3, { at: 0, ref: 5, src: 'co:1' }),
      ev(42, { at: 0, ref: 5, src: 'co:1', dst: '1001' }),
      ev(49, { at: s(1), ref: 5, src: '1001' }),
      ev(44, { at: s(4), ref: 5, src: '1004', dst: 'co:1', d1: '3' }),
    ];
    expect(at(events, s(10))).toMatchObject({ activeCalls: 1, totalHoldTime: 3 });
  });
});
