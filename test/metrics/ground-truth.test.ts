// Property: for random seeds of the emulator's simulated contact centre, the client's figures equal the
// emulator's ground truth — counts exactly, times within one tick. The frames are the emulator's own wire
// format (padded blanks, zero-padded numbers), decoded by the client's decoder and reduced by its metrics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAcdFrame, simulateCentre } from '../../src/emulator/index.js';
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
  const { events, truth } = simulateCentre({ seed }, seconds);
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

describe('client figures against the emulator ground truth', () => {
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
