// The journal's rule: a run recorded on one clock replays on a virtual clock to the same summaries at the same
// instants, ticks and the daily reset included. The "live" run here is itself on virtual time (TestScheduler), so
// its ticks fall on exact multiples as the replay's do, and the whole sequence of summaries compares, not only
// the ones that follow events.
import { describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { distinctUntilChanged, map, share } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { TEST_METRICS } from './helpers/acd-event-builders.js';
import { acdPipeline } from '../src/streams/pipeline.js';
import { createSummary } from '../src/metrics/summary.js';
import { silentLogger } from '../src/logging/logger.js';
import type { AcdSummary } from '../src/metrics/types.js';
import type { FiltersConfig, MetricsConfig } from '../src/config/config.js';
import type { RawFrame } from '../src/socket/types.js';
import { recordJournal, type JournalRecorder } from '../src/journal/record.js';
import { replayJournal } from '../src/journal/replay.js';

// The daily reset at 00:01 UTC: one minute into the virtual epoch.
// One summary per event, live and replayed, so the two runs can be compared summary by summary.
const METRICS: MetricsConfig = { ...TEST_METRICS, resetTime: '00:01', timeZone: 'UTC', summaryPerEvent: true };
const FILTERS: FiltersConfig = { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] };

const raw = (data: Record<string, unknown>): RawFrame => ({
  at: 0,
  data: Buffer.from(JSON.stringify({ event: 'acd', data: { time: '1970/01/01 00:00:00', callRefID: ' ', eventString: '', sourceType: '', sourceNumber: ' ', destType: '', destNumber: ' ', data1: ' ', data2: ' ', ...data } })),
  isBinary: false,
});

const FRAMES: Record<string, RawFrame> = {
  a: raw({ eventCode: 11, sourceNumber: '1001', data1: '0008', data2: '0001' }), // agent 1001 logs in to group 8
  r: raw({ eventCode: 3, callRefID: 12, sourceType: 'CO', sourceNumber: '005', data1: '0008' }), // trunk 5 rings group 8
  q: raw({ eventCode: 62, callRefID: 12, sourceType: 'CO', sourceNumber: '005', data1: '0008' }), // queued
  n: raw({ eventCode: 66, callRefID: 12, sourceNumber: '1001', destType: 'CO', destNumber: '005', data1: '0008' }), // rings 1001
  k: raw({ eventCode: 42, callRefID: 12, sourceNumber: '1001', destType: 'CO', destNumber: '005' }), // answered
  d: raw({ eventCode: 44, callRefID: 12, sourceNumber: '1001', destType: 'CO', destNumber: '005', data1: '0' }), // hang-up
  i: raw({ eventCode: 2, sourceNumber: '005' }), // trunk idle
  R: raw({ eventCode: 3, callRefID: 13, sourceType: 'CO', sourceNumber: '006', data1: '0008' }), // trunk 6 rings
  x: raw({ eventCode: 43, sourceType: 'CO', sourceNumber: '006' }), // the caller gives up
  j: { at: 0, data: Buffer.from('{"event":"acd","data":'), isBinary: false }, // a malformed frame, recorded as received
};

/** Collects what is written, synchronously. */
function memorySink(): { sink: Writable; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { sink, text: () => chunks.join('') };
}

describe('journal replay', () => {
  it('replays a recorded run to the same summaries at the same instants, across the daily reset', async () => {
    const live: AcdSummary[] = [];
    const livePeriods: AcdSummary[] = [];
    const { sink, text } = memorySink();
    let recorder: JournalRecorder | undefined;

    runMarbles(({ cold, expectObservable, scheduler }) => {
      const frames$ = cold('10s a 4999ms r 999ms q 3999ms n 1999ms k 1999ms j 45999ms d i 9998ms R 4999ms x 4999ms |', FRAMES).pipe(
        map((f) => ({ ...f, at: scheduler.now() })), // the socket box stamps `at`
        share(),
      );
      const pipeline = acdPipeline(frames$, { filters: FILTERS, maxFrameBytes: 4096, logger: silentLogger, scheduler });
      const streams = createSummary(pipeline.events$, { metrics: METRICS, scheduler });
      streams.summary$.subscribe((s) => live.push(s));
      streams.periods$.subscribe((p) => livePeriods.push(p));
      recorder = recordJournal(frames$, { out: sink, header: { metrics: METRICS, filters: FILTERS, maxFrameBytes: 4096 }, scheduler });

      // The live run: one inbound call in the first period (reset at 60 s), one abandoned in the second.
      const figures = (s: AcdSummary): string => `${s.totalInboundCalls} in ${s.totalAnsweredCalls} ans ${s.totalAbandonedCalls} ab`;
      expectObservable(streams.summary$.pipe(map(figures), distinctUntilChanged())).toBe('z 14999ms r 6999ms k 37999ms z 19999ms R 4999ms x 4999ms |', {
        z: '0 in 0 ans 0 ab',
        r: '1 in 0 ans 0 ab',
        k: '1 in 1 ans 0 ab',
        R: '1 in 0 ans 0 ab',
        x: '1 in 0 ans 1 ab',
      });
    });

    expect(recorder?.stats()).toMatchObject({ frames: 10, dropped: 0 });
    const replayed: AcdSummary[] = [];
    const result = await replayJournal(Readable.from([text()]), { onSummary: (s) => replayed.push(s) });

    expect(result.header.startedAt).toBe(0);
    expect(result.frames).toBe(10);
    expect(result.stats).toMatchObject({ received: 10, delivered: 9, malformed: 1 });
    // Every summary, event and tick alike, at the same instant with the same figures.
    expect(replayed.length).toBeGreaterThan(60);
    expect(replayed.length, `replayed ${replayed.map((s) => s.at).slice(-5).join(",")} live ${live.map((s) => s.at).slice(-5).join(",")}`).toBe(live.length);
    expect(replayed).toEqual(live);
    expect(result.periods).toEqual(livePeriods);
    expect(result.periods.map((p) => [p.periodStart, p.at, p.totalInboundCalls, p.totalAnsweredCalls])).toEqual([[0, 60_000, 1, 1]]);
    expect(result.final).toEqual(live.at(-1));
    expect(result.endedAt).toBe(90_000);
  });

  it('stops at `until`, running the clock (ticks, resets) up to that instant', async () => {
    const { sink, text } = memorySink();
    runMarbles(({ cold, scheduler }) => {
      const frames$ = cold('10s a 4999ms r 999ms q 3999ms n 1999ms k 67999ms |', FRAMES).pipe(map((f) => ({ ...f, at: scheduler.now() })));
      recordJournal(frames$, { out: sink, header: { metrics: METRICS, filters: FILTERS, maxFrameBytes: 4096 }, scheduler });
    });
    const until = 30_500;
    const result = await replayJournal(Readable.from([text()]), { until });
    // The call waits 1 s in the queue, rings, is answered at 22 s; the last tick before 30.5 s is at 30 s.
    expect(result.endedAt).toBe(until);
    expect(result.final.at).toBe(30_000);
    expect(result.final.totalAnsweredCalls).toBe(1);
    expect(result.final.averageSpeedOfAnswer).toBe(7);
    expect(result.periods).toEqual([]);
    // To the end instead: the reset at 60 s closes the first period.
    const whole = await replayJournal(Readable.from([text()]));
    expect(whole.periods.map((p) => p.at)).toEqual([60_000]);
    expect(whole.final.totalAnsweredCalls).toBe(0);
  });
});
