// acdPipeline: one subscription to the frames serves events$ and errors$; every frame is delivered, filtered or
// malformed, and the counters say which (received = delivered + filtered + malformed at every instant).
import { describe, it, expect } from 'vitest';
import { tap } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { acdPipeline, type PipelineStats } from '../src/streams/pipeline.js';
import type { RawFrame } from '../src/socket/types.js';

const frame = (o: unknown): RawFrame => ({ at: 0, data: Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)), isBinary: false });
const acd = (code: number, src: string): RawFrame =>
  frame({ event: 'acd', data: { time: '2026/11/27 12:00:00', callRefID: ' ', eventCode: code, eventString: '', sourceType: 'Station', sourceNumber: src, destType: '', destNumber: '', data1: '', data2: '' } });

describe('acdPipeline', () => {
  it('splits frames into events$ and errors$ over one shared subscription, counting each frame once', () => {
    const snapshots: PipelineStats[] = [];
    runMarbles(({ cold, expectObservable, expectSubscriptions, scheduler }) => {
      const f = { k: acd(18, '1001'), s: acd(18, '2001'), b: acd(68, '1001'), j: frame('not json') };
      const frames$ = cold('k-s-j-b-k|', f);
      const p = acdPipeline(frames$, {
        filters: { stations: ['1000-1099'], groups: [], eventsAllowed: [], eventsBlocked: [68] },
        maxFrameBytes: 1_000_000,
        logger: recordingLogger(scheduler),
        scheduler,
      });
      const events$ = p.events$.pipe(tap(() => snapshots.push(p.stats())));
      expectObservable(events$, '^--------!').toBe('k-------k', { k: expect.objectContaining({ code: 18, source: { type: 'station', number: '1001' } }) as unknown });
      expectObservable(p.errors$, '^--------!').toBe('----j', { j: expect.objectContaining({ reason: 'not-json' }) as unknown });
      expectSubscriptions(frames$.subscriptions).toBe('^--------!');
    });
    expect(snapshots.map((x) => x.received)).toEqual([1, 5]);
    const last = snapshots.at(-1);
    expect(last).toEqual({
      received: 5,
      delivered: 2,
      filtered: 2,
      filteredByReason: { station: 1, 'event-blocked': 1 },
      malformed: 1,
      malformedByReason: { 'too-large': 0, 'not-text': 0, 'not-json': 1, 'not-object': 0, 'other-event': 0, 'no-event-code': 0, 'bad-shape': 0 },
    });
    for (const x of snapshots) expect(x.received).toBe(x.delivered + x.filtered + x.malformed);
  });

  it('counts frames even when only errors$ is subscribed', () => {
    let stats: (() => PipelineStats) | undefined;
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const p = acdPipeline(cold('kj|', { k: acd(18, '1001'), j: frame('[1]') }), {
        filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
        maxFrameBytes: 1_000_000,
        logger: recordingLogger(scheduler),
        scheduler,
      });
      stats = p.stats;
      expectObservable(p.errors$).toBe('-j|', { j: expect.objectContaining({ reason: 'not-object' }) as unknown });
    });
    expect(stats?.()).toMatchObject({ received: 2, delivered: 1, malformed: 1, filtered: 0 });
  });

  // CTI ("call") and SMDR envelopes share the socket with ACD events. For the ACD pipeline they are filtered as
  // not-acd: neither events nor errors, and nothing is logged as malformed.
  //   frames  k-c-m-k|     k = ACD 18, c = CTI call event, m = live SMDR record
  //   events$ k-----k|
  //   errors$ -------|
  it('counts CTI and SMDR envelopes as filtered (not-acd), not as malformed', () => {
    let stats: (() => PipelineStats) | undefined;
    const logger = { records: [] as unknown[] };
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const rec = recordingLogger(scheduler);
      logger.records = rec.records;
      const f = { k: acd(18, '1001'), c: frame({ event: 'call', data: { type: 'ringing', evtSerialNum: 1 } }), m: frame({ event: 'smdr', data: { Index: '1' } }) };
      const p = acdPipeline(cold('k-c-m-k|', f), {
        filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
        maxFrameBytes: 1_000_000,
        logger: rec,
        scheduler,
      });
      stats = p.stats;
      expectObservable(p.events$).toBe('k-----k|', { k: expect.objectContaining({ code: 18 }) as unknown });
      expectObservable(p.errors$).toBe('-------|');
    });
    expect(stats?.()).toMatchObject({ received: 4, delivered: 2, filtered: 2, filteredByReason: { 'not-acd': 2 }, malformed: 0 });
    expect(logger.records).toEqual([]);
  });
});
