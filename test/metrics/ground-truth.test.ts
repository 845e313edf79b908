// Property: for random seeds of the emulator's simulated contact centre, the client's figures equal the
// emulator's ground truth — counts exactly, times within one tick. The frames are the emulator's own wire
// format (padded blanks, zero-padded numbers), decoded by the client's decoder and reduced by its metrics. The
// generator produces the cases of docs/metrics.md §1-§2 a hand-checker disagreed on (checked below): late 67 and
// 69 inside and outside the late-report window, a 3 reusing a key inside it, a station-only 43 while another
// call rings at its destination, padded and unpadded group numbers, and one event registering two stations.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acdWireData, formatAcdFrame, simulateCentre, type CentreEvent } from '../../src/emulator/index.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import type { GroundTruth } from '../../src/emulator/index.js';

const metrics = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };
const TICK_S = metrics.tickMs / 1000;

/** Runs `seconds` of a seeded centre through decode + metrics on the simulated clock (1 sim second = 1000 ms). */
function clientVersusTruth(seed: number, seconds: number): { summary: AcdSummary; truth: GroundTruth } {
  const { events, truth } = simulateCentre({ seed, dialAfterWindowSeconds: metrics.lateReportSeconds }, seconds);
  let state = initialMetricsState(metrics, 0);
  for (const { t, acd } of events) {
    const decoded = decodeAcdFrame(formatAcdFrame(acd, { padBlanks: true }), false, t * 1000, DEFAULT_CONFIG.socket.maxFrameBytes);
    if (isDecodeError(decoded)) throw new Error(`emulator frame did not decode: ${decoded.message}`);
    state = reduceMetrics(state, decoded);
  }
  return { summary: summarize(state, seconds * 1000), truth };
}

function expectAgreement(summary: AcdSummary, truth: GroundTruth): void {
  expect({
    inbound: summary.totalInboundCalls,
    answered: summary.totalAnsweredCalls,
    abandoned: summary.totalAbandonedCalls,
    outbound: summary.totalOutboundCalls,
    stations: summary.stationsConnected,
    agents: summary.agentsLoggedIn,
    queue: summary.callsInQueue,
  }).toEqual({
    inbound: truth.offered,
    answered: truth.answered,
    abandoned: truth.abandoned,
    outbound: truth.outbound,
    stations: truth.stationsInService,
    agents: truth.agentsLoggedIn,
    queue: truth.callsInQueue,
  });
  const times: [string, number, number][] = [
    ['loggedIn', summary.totalLoggedInTime, truth.totals.loggedIn],
    ['available', summary.totalAvailTime, truth.totals.available],
    ['unavailable', summary.totalUnavailTime, truth.totals.unavailable],
    ['idle', summary.totalIdleTime, truth.totals.idle],
    ['busy', summary.totalBusyTime, truth.totals.busy],
    ['wrap', summary.totalWrapTime, truth.totals.wrap],
    ['hold', summary.totalHoldTime, truth.totals.hold],
  ];
  for (const [name, client, expected] of times) {
    expect(Math.abs(client - expected), `${name}: client ${client} s, truth ${expected} s`).toBeLessThanOrEqual(TICK_S);
  }
}

/** Which of the listed cases a run's events contain (read off the events, as a hand-checker would). */
function casesOf(events: readonly CentreEvent[]): Record<string, number> {
  const late = metrics.lateReportSeconds;
  const cases = { late67Inside: 0, late69Inside: 0, late69Outside: 0, dial67Outside: 0, reuse3Inside: 0, stationOnly43WhileRinging: 0, paddedGroup: 0, unpaddedGroup: 0, registersTwo: 0 };
  const open = new Set<number>();
  const trunkRef = new Map<string, number>();
  const endedAt = new Map<number, number>();
  const ringing = new Map<string, number>(); // station → ref of the call ringing there
  const seen = new Set<string>();
  const end = (ref: number, t: number): void => {
    open.delete(ref);
    endedAt.set(ref, t);
    for (const [st, r] of ringing) if (r === ref) ringing.delete(st);
  };
  for (const { t, acd } of events) {
    const wire = acdWireData(acd, { padBlanks: true });
    const ref = acd.callRefId;
    const since = ref === undefined || open.has(ref) ? undefined : endedAt.get(ref);
    const srcStation = wire.sourceType === 'Station' ? acd.source : undefined;
    const dstStation = wire.destType === 'Station' ? acd.dest : undefined;
    if (acd.code < 81 || acd.code > 84) {
      if (srcStation !== undefined && dstStation !== undefined && !seen.has(srcStation) && !seen.has(dstStation)) cases.registersTwo++;
    }
    for (const n of [srcStation, dstStation]) if (n !== undefined) seen.add(n);
    if ([11, 12, 25, 26, 62].includes(acd.code) && wire.data1.trim() !== '') {
      if (/^0\d/.test(wire.data1)) cases.paddedGroup++;
      else cases.unpaddedGroup++;
    }
    switch (acd.code) {
      case 3:
        if (since !== undefined && t - since <= late) cases.reuse3Inside++;
        if (ref !== undefined) {
          open.add(ref);
          if (acd.source !== undefined) trunkRef.set(acd.source, ref);
        }
        break;
      case 41:
        if (ref !== undefined) open.add(ref);
        break;
      case 66:
        if (ref !== undefined && acd.source !== undefined) ringing.set(acd.source, ref);
        break;
      case 42:
        if (ref !== undefined) for (const [st, r] of ringing) if (r === ref) ringing.delete(st);
        break;
      case 67:
        if (since !== undefined && t - since <= late) cases.late67Inside++;
        if (since !== undefined && t - since > late) {
          cases.dial67Outside++;
          open.add(ref as number);
        }
        break;
      case 69:
        if (since !== undefined && t - since > 0 && t - since <= late) cases.late69Inside++;
        if (since !== undefined && t - since > late) cases.late69Outside++;
        break;
      case 43:
        if (srcStation !== undefined && dstStation !== undefined && ringing.has(dstStation)) cases.stationOnly43WhileRinging++;
        else if (acd.source !== undefined && trunkRef.has(acd.source)) end(trunkRef.get(acd.source) as number, t);
        break;
      case 44:
        if (ref !== undefined) end(ref, t);
        break;
      case 2: {
        const r = acd.source === undefined ? undefined : trunkRef.get(acd.source);
        if (r !== undefined && open.has(r)) end(r, t);
        break;
      }
      default:
        break;
    }
  }
  return cases;
}

describe('client figures against the emulator ground truth', () => {
  it('the generator produces every case the contract settles, in a working day', () => {
    const { events } = simulateCentre({ seed: 1, dialAfterWindowSeconds: metrics.lateReportSeconds }, 8 * 3600);
    const cases = casesOf(events);
    for (const [name, n] of Object.entries(cases)) expect(n, name).toBeGreaterThan(0);
    expect(cases.registersTwo).toBe(1);
  });

  it('agree for one worked seed over a simulated working day', () => {
    const { summary, truth } = clientVersusTruth(1, 8 * 3600);
    // The run is not trivial: the centre offered, answered, abandoned and placed calls.
    expect(truth.offered).toBeGreaterThan(20);
    expect(truth.abandoned).toBeGreaterThan(0);
    expect(truth.outbound).toBeGreaterThan(0);
    expectAgreement(summary, truth);
  });

  it('agree for random seeds and run lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 600, max: 4 * 3600 }), (seed, seconds) => {
        const { summary, truth } = clientVersusTruth(seed, seconds);
        expectAgreement(summary, truth);
      }),
      { numRuns: 40 },
    );
  });
});
