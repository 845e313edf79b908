// The whole stream, wire to wallboard: raw frames as the PBX sends them (blank callRefID, numbers as strings,
// any case in sourceType, a malformed frame in the middle) → acdPipeline → createSummary → figures.
import { describe, it } from 'vitest';
import { distinctUntilChanged, map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { QUIET_METRICS } from './helpers/metrics-marbles.js';
import { acdPipeline } from '../src/streams/pipeline.js';
import { createSummary } from '../src/metrics/summary.js';
import type { RawFrame } from '../src/socket/types.js';
import type { AcdSummary } from '../src/metrics/types.js';

const raw = (data: Record<string, unknown>): RawFrame => ({
  at: 0,
  data: Buffer.from(JSON.stringify({ event: 'acd', data: { time: '2026/11/27 12:00:00', callRefID: ' ', eventString: '', sourceType: '', sourceNumber: ' ', destType: '', destNumber: ' ', data1: ' ', data2: ' ', ...data } })),
  isBinary: false,
});

describe('frames to summary', () => {
  it('a call rings, queues, is answered by an implicitly registered station and ends; a bad frame changes nothing', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const f: Record<string, RawFrame> = {
        r: raw({ callRefID: '12', eventCode: '3', sourceType: 'co', sourceNumber: '005', data1: '0001', data2: '5' }),
        q: raw({ callRefID: 12, eventCode: 62, sourceType: 'CO', sourceNumber: '005', data1: '0001' }),
        a: raw({ callRefID: 12, eventCode: 42, sourceType: 'CO', sourceNumber: '005', destType: 'STATION', destNumber: '1001 ' }),
        j: { at: 0, data: Buffer.from('{"event":"acd","data":'), isBinary: false },
        d: raw({ callRefID: 12, eventCode: 44, sourceType: 'CO', sourceNumber: '005', data1: '0' }),
        i: raw({ eventCode: 2, sourceNumber: '005' }),
      };
      // The socket box stamps `at`; here the marble frame time does.
      const frames$ = cold('1000ms r 999ms q 999ms a 999ms j 999ms d i 998ms |', f).pipe(map((x) => ({ ...x, at: scheduler.now() })));
      const pipeline = acdPipeline(frames$, { filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] }, maxFrameBytes: 4096, logger: recordingLogger(scheduler), scheduler });
      const { summary$ } = createSummary(pipeline.events$, { metrics: QUIET_METRICS, scheduler });
      const pick = (s: AcdSummary): string =>
        `${String(s.stationsConnected)} st, ${String(s.totalInboundCalls)} in, ${String(s.callsInQueue)} q, ${String(s.totalAnsweredCalls)} ans, ${String(s.activeCalls)} active, asa ${String(s.averageSpeedOfAnswer)}`;
      const expected = 'z 999ms r 999ms q 999ms a 1999ms d 999ms |';
      expectObservable(summary$.pipe(map(pick), distinctUntilChanged())).toBe(expected, {
        z: '0 st, 0 in, 0 q, 0 ans, 0 active, asa 0',
        r: '0 st, 1 in, 0 q, 0 ans, 1 active, asa 0',
        q: '0 st, 1 in, 1 q, 0 ans, 1 active, asa 0',
        a: '1 st, 1 in, 0 q, 1 ans, 1 active, asa 2',
        d: '1 st, 1 in, 0 q, 1 ans, 0 active, asa 2',
      });
    });
  });
});
