// The short soak: the same harness and criteria as `npm run soak` (test/soak/soak.ts), over ~2.5 simulated hours
// at 400× with a fault every 60-180 simulated seconds (≈ 70 faults, ≥ 50 reconnects, about a minute of real time).
// The heap criterion is relaxed here (< 4 MiB over the last 80%, a leak tripwire): a minute is too short for the
// 1 MiB bar to separate a leak from JIT and cache warm-up; the full soak judges it.
import { describe, expect, it } from 'vitest';
import { formatSoakReport, runSoak } from './soak.js';

describe('soak (short)', () => {
  it('survives seeded faults with exact accounting, one socket and at most one login per reconnect, a gap per outage, and figures equal to the ground truth', async () => {
    // A pong timeout of 1 s instead of 0.3 s: this file runs beside the rest of the suite on 2 shared cores, where a
    // 0.6 s stall of either process would be a false half-open (a real outage, with centre events lost in it).
    const report = await runSoak({ seed: 1, simSeconds: 9_000, speed: 400, faultEvery: [60, 180], heapEvery: 5, heartbeat: [300, 1_000] });
    const text = formatSoakReport(report, 4 * 2 ** 20);
    console.log(text);
    expect(report.failures, text).toEqual([]);
    expect(report.reconnects).toBeGreaterThanOrEqual(50);
    expect(report.gaps).toBe(report.reconnects);
    expect(report.summary.totalInboundCalls).toBe(report.truth.offered);
    expect(report.summary.totalAnsweredCalls).toBe(report.truth.answered);
    expect(report.stats.received).toBe(report.stats.delivered + report.stats.filtered + report.stats.malformed);
    expect(Math.max(report.heapGrowthLast80, report.heapDeltaLast80)).toBeLessThan(4 * 2 ** 20);
  }, 240_000);
});
