// replayJournal yields the per-event changes (metrics.md §5), not only summaries: each with its event and the
// figure after it, in order, exactly as the live per-event streams would; a journal recorded before
// `metrics.lateReportSeconds` existed replays with its default (30 s).
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeHeader } from '../../src/journal/format.js';
import { replayJournal } from '../../src/journal/replay.js';
import type { Change } from '../../src/metrics/types.js';

const acd = (data: Record<string, unknown>): string => JSON.stringify({ event: 'acd', data: { time: '2026/11/27 12:00:00', eventString: '', sourceType: '', destType: '', destNumber: '', data1: '', data2: '', ...data } });
const line = (at: number, data: Record<string, unknown>): string => JSON.stringify({ at, frame: acd(data) });

describe('replayJournal changes', () => {
  it('calls onChange with every per-event change and counts them', async () => {
    const { lateReportSeconds: _late, ...oldMetrics } = DEFAULT_CONFIG.metrics; // a journal from before the key
    const header = JSON.stringify({ journal: 'ipecs-rx', version: 1, startedAt: 1000, metrics: { ...oldMetrics, timeZone: 'UTC' }, filters: DEFAULT_CONFIG.filters, maxFrameBytes: 1_048_576 });
    const text = [
      header,
      line(2000, { eventCode: 11, sourceType: 'Station', sourceNumber: '1001', data1: '0001', data2: '0007' }),
      line(3000, { eventCode: 3, callRefID: 5, sourceType: 'CO', sourceNumber: '0004', data1: '0001' }),
      line(4000, { eventCode: 42, callRefID: 5, sourceType: 'CO', sourceNumber: '0004', destType: 'Station', destNumber: '1001' }),
      line(9000, { eventCode: 44, callRefID: 5, sourceType: 'CO', sourceNumber: '0004', data1: '0' }),
      // the final 67 of an outbound call that never was: 5 s after the 44, a late report (default window 30 s)
      line(14000, { eventCode: 67, callRefID: 5, sourceType: 'Station', sourceNumber: '1001', destType: 'CO', destNumber: '0004', data2: '0123' }),
      JSON.stringify({ at: 20000, end: true }),
    ].join('\n');
    expect('error' in decodeHeader(header) ? undefined : (decodeHeader(header) as { metrics: { lateReportSeconds: number } }).metrics.lateReportSeconds).toBe(30);
    const seen: Change[] = [];
    const r = await replayJournal(Readable.from([text]), { onChange: (c) => seen.push(c) });
    expect(seen.map((c) => `${c.kind}:${String(c.figure)}@${String(c.event.at)}`)).toEqual([
      'stationConnected:1@2000',
      'agentLoggedIn:1@2000',
      'newCall:1@3000',
      'callAnswered:1@4000',
      'callDisconnected:0@9000',
    ]);
    expect(r.changes).toBe(5);
    expect(r.final.totalOutboundCalls).toBe(0);
  });
});
