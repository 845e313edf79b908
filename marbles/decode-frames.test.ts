// decodeFrames: raw frames → AcdEvent | DecodeError. A bad frame is a value, counted and logged once per reason
// per interval (with the count suppressed in between); the stream goes on.
import { describe, it, expect } from 'vitest';
import { map } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { recordingLogger, type LogRecord } from './helpers/recording-logger.js';
import { decodeFrames } from '../src/streams/decode-frames.js';
import { isDecodeError, type AcdEvent, type DecodeError } from '../src/protocol/acd-event.js';
import type { RawFrame } from '../src/socket/types.js';

const text = (s: string): RawFrame => ({ at: 0, data: Buffer.from(s, 'utf8'), isBinary: false });
const acd = (code: number): RawFrame =>
  text(JSON.stringify({ event: 'acd', data: { time: '2026/11/27 12:00:00', callRefID: 1, eventCode: code, eventString: '', sourceType: 'Station', sourceNumber: '1001', destType: '', destNumber: ' ', data1: ' ', data2: ' ' } }));

const frames = {
  g: acd(18), // a good STATION IDLE
  j: text('{"event":"acd","data":'), // truncated JSON
  b: { at: 0, data: Buffer.from([0xff, 0x00]), isBinary: true }, // a binary frame
  o: text('{"event":"call","data":{"type":"ringing"}}'), // another event kind (CTI)
};
/** A DecodeError shows as its reason, an event as `ev<code>`. */
const label = (x: AcdEvent | DecodeError): string => (isDecodeError(x) ? x.reason : `ev${String(x.code)}`);

describe('decodeFrames', () => {
  it('turns each frame into an event or a DecodeError value and never errors', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const logger = recordingLogger(scheduler);
      const src = cold('g-j-b-o-g|', frames);
      const out = src.pipe(decodeFrames({ maxFrameBytes: 1_000_000, logger, scheduler }), map(label));
      expectObservable(out).toBe('a-b-c-d-a|', { a: 'ev18', b: 'not-json', c: 'not-text', d: 'other-event' }); // other-event is a value too (the pipeline counts it as not-acd)
    });
  });

  it('a frame over maxFrameBytes is a too-large DecodeError, checked before parsing', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const logger = recordingLogger(scheduler);
      const out = cold('g|', frames).pipe(decodeFrames({ maxFrameBytes: 50, logger, scheduler }), map(label));
      expectObservable(out).toBe('t|', { t: 'too-large' });
    });
  });

  it('logs the first error of a reason at once, then one line per 10 s window with the count suppressed', () => {
    const records: LogRecord[] = [];
    const counted: string[] = [];
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const logger = recordingLogger(scheduler, records);
      // Four bad JSON frames in 3 s, one binary frame, then bad JSON again after the window: logged afresh.
      const src = cold('j 999ms j 999ms j 999ms (jb) 9996ms j 11s |', frames);
      const out = src.pipe(decodeFrames({ maxFrameBytes: 1_000_000, logger, scheduler, onError: (e) => counted.push(e.reason) }), map(label));
      expectObservable(out).toBe('j 999ms j 999ms j 999ms (jb) 9996ms j 11s |', { j: 'not-json', b: 'not-text' });
    });
    expect(counted).toEqual(['not-json', 'not-json', 'not-json', 'not-json', 'not-text', 'not-json']);
    expect(records.map((r) => [r.at, r.message, r.fields['reason'], r.fields['suppressed']])).toEqual([
      [0, 'malformed frame dropped', 'not-json', undefined],
      [3000, 'malformed frame dropped', 'not-text', undefined],
      [10_000, 'malformed frames suppressed', 'not-json', 3],
      [13_000, 'malformed frame dropped', 'not-json', undefined],
    ]);
    expect(typeof records[0]?.fields['excerpt']).toBe('string');
  });

  it('cancels its log timers when unsubscribed', () => {
    const records: LogRecord[] = [];
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const logger = recordingLogger(scheduler, records);
      const out = cold('j-j-j', frames).pipe(decodeFrames({ maxFrameBytes: 1_000_000, logger, scheduler }), map(label));
      expectObservable(out, '^----!').toBe('j-j-j', { j: 'not-json' });
    });
    expect(records).toHaveLength(1); // the suppressed two are never reported after teardown
  });
});
