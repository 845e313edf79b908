// acdPipeline: one subscription to the frames serves events$ and errors$; every frame is delivered, filtered or
// malformed, and the counters say which (received = delivered + filtered + malformed at every instant).
import { describe, it, expect } from 'vitest';
import { map, tap } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { recordingLogger, type LogRecord } from './helpers/recording-logger.js';
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
      malformedByReason: {
        'too-large': 0, 'not-text': 0, 'invalid-utf8': 0, 'not-json': 1, 'not-object': 0, 'prototype-key': 0, 'too-deep': 0,
        'no-event': 0, 'event-not-string': 0, 'unknown-event': 0, 'bad-shape': 0, 'no-event-code': 0, 'bad-event-code': 0,
      },
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

  // CTI ("call"), presence and SMDR envelopes share the socket with ACD events. For the ACD pipeline they are
  // filtered as not-acd: neither events nor errors, and nothing is logged as malformed.
  //   frames  k-c-m-p-k|     k = ACD 18, c = CTI call event, m = live SMDR record, p = presence
  //   events$ k-------k|
  //   errors$ ---------|
  it('counts CTI, presence and SMDR envelopes as filtered (not-acd), not as malformed', () => {
    let stats: (() => PipelineStats) | undefined;
    const logger = { records: [] as unknown[] };
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const rec = recordingLogger(scheduler);
      logger.records = rec.records;
      const f = {
        k: acd(18, '1001'),
        c: frame({ event: 'call', data: { type: 'ringing', evtSerialNum: 1 } }),
        m: frame({ event: 'smdr', data: { Index: '1' } }),
        p: frame({ event: 'presence', data: { deviceNumber: '1001', status: 'idle' } }),
      };
      const p = acdPipeline(cold('k-c-m-p-k|', f), {
        filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
        maxFrameBytes: 1_000_000,
        logger: rec,
        scheduler,
      });
      stats = p.stats;
      expectObservable(p.events$).toBe('k-------k|', { k: expect.objectContaining({ code: 18 }) as unknown });
      expectObservable(p.errors$).toBe('---------|');
    });
    expect(stats?.()).toMatchObject({ received: 5, delivered: 2, filtered: 3, filteredByReason: { 'not-acd': 3 }, malformed: 0 });
    expect(logger.records).toEqual([]);
  });

  // Frames without a valid envelope are malformed, each under its own reason, and reach errors$ and the log; none
  // is filtered as not-acd.
  //   frames  k-a-b-c-d-e-f-g-h-k|
  //   events$ k-----------------k|
  //   errors$ --a-b-c-d-e-f-g-h--|
  it('counts envelope-less and hostile shapes as malformed under their own reasons, never as not-acd', () => {
    let stats: (() => PipelineStats) | undefined;
    const records: LogRecord[] = [];
    const hostile = {
      a: frame('{}'),
      b: frame('{"event":123}'),
      c: frame('{"event":null}'),
      d: frame('{"event":["acd"]}'),
      e: frame('{"__proto__":{"event":"acd","data":{"eventCode":18}}}'),
      f: frame(`${'{"x":'.repeat(50)}0${'}'.repeat(50)}`),
      g: frame('{"event":"foo","data":{}}'),
      h: { at: 0, data: Buffer.from([0x7b, 0xff, 0x7d]), isBinary: false },
    };
    const reasons = { a: 'no-event', b: 'event-not-string', c: 'event-not-string', d: 'event-not-string', e: 'prototype-key', f: 'too-deep', g: 'unknown-event', h: 'invalid-utf8' };
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const rec = recordingLogger(scheduler, records);
      const p = acdPipeline(cold('k-a-b-c-d-e-f-g-h-k|', { k: acd(18, '1001'), ...hostile }), {
        filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
        maxFrameBytes: 1_000_000,
        logger: rec,
        scheduler,
      });
      stats = p.stats;
      expectObservable(p.events$).toBe('k-----------------k|', { k: expect.objectContaining({ code: 18 }) as unknown });
      expectObservable(p.errors$.pipe(map((e) => e.reason))).toBe('--a-b-c-d-e-f-g-h--|', reasons);
    });
    expect(stats?.()).toMatchObject({
      received: 10,
      delivered: 2,
      filtered: 0,
      malformed: 8,
      malformedByReason: { 'no-event': 1, 'event-not-string': 3, 'prototype-key': 1, 'too-deep': 1, 'unknown-event': 1, 'invalid-utf8': 1 },
    });
    // Logged once per reason (the second and third event-not-string are in the throttle window).
    expect(records.map((r) => r.fields['reason'])).toEqual(['no-event', 'event-not-string', 'prototype-key', 'too-deep', 'unknown-event', 'invalid-utf8']);
  });
});
