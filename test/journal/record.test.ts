// The recorder and the journal format: exact bytes round-trip (text, invalid UTF-8, binary), the write-buffer
// bound drops and reports frames instead of growing without limit, and a failing file or frames stream ends the
// recording with the reason, never with an uncaught error. The reader skips and counts bad lines.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { Subject, throwError } from 'rxjs';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import type { RawFrame } from '../../src/socket/types.js';
import { recordJournal } from '../../src/journal/record.js';
import { decodeEntry, decodeHeader, encodeFrame } from '../../src/journal/format.js';
import { JournalFormatError, replayJournal } from '../../src/journal/replay.js';

const dir = mkdtempSync(join(tmpdir(), 'ipecs-record-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const HEADER = { metrics: DEFAULT_CONFIG.metrics, filters: DEFAULT_CONFIG.filters, maxFrameBytes: DEFAULT_CONFIG.socket.maxFrameBytes, source: 'test' };

const frame = (at: number, data: Buffer | string, isBinary = false): RawFrame => ({ at, data: Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'), isBinary });

describe('journal format', () => {
  it('round-trips the exact bytes of text, non-UTF-8 text and binary frames', () => {
    const frames = [
      frame(1, '{"event":"acd","data":{"eventCode":"68","sourceNumber":"  "}}'),
      frame(2, 'héllo ☎ "quoted" \\ and\nnewline'),
      frame(3, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), // text frame that is not valid UTF-8
      frame(4, Buffer.from([0, 1, 2, 255]), true),
    ];
    for (const f of frames) {
      const line = encodeFrame(f);
      expect(line).not.toContain('\n');
      const back = decodeEntry(line);
      expect(back?.kind).toBe('frame');
      if (back?.kind !== 'frame') continue;
      expect(back.frame.at).toBe(f.at);
      expect(back.frame.isBinary).toBe(f.isBinary);
      expect(back.frame.data.equals(f.data)).toBe(true);
    }
    expect(encodeFrame(frames[0] as RawFrame)).toBe('{"at":1,"frame":"{\\"event\\":\\"acd\\",\\"data\\":{\\"eventCode\\":\\"68\\",\\"sourceNumber\\":\\"  \\"}}"}');
  });

  it('refuses a file that is not a journal, and counts lines it cannot read', async () => {
    expect(decodeHeader('{"at":1,"frame":"x"}')).toEqual({ error: 'the first line is not an ipecs-rx journal header' });
    expect(decodeHeader('nope')).toEqual({ error: 'the first line is not JSON' });
    await expect(replayJournal(Readable.from(['{"at":1,"frame":"x"}\n']))).rejects.toBeInstanceOf(JournalFormatError);
    await expect(replayJournal(Readable.from(['']))).rejects.toThrow(/empty/);
    const header = JSON.stringify({ journal: 'ipecs-rx', version: 1, startedAt: 1000, ...HEADER });
    const text = [header, 'garbage', '{"at":2000,"frame":"{}"}', '{"at":1500,"frame":"{}"}', '{"at":2500,"dropped":3}', '', '{"at":3000,"end":true}', '{"at":9000,"frame":"{}"}'].join('\n');
    const r = await replayJournal(Readable.from([text]));
    // The frame after the end line is a recording continued after a restart (appended): it is read too.
    expect({ frames: r.frames, badLines: r.badLines, outOfOrder: r.outOfOrder, dropped: r.droppedWhileRecording, endedAt: r.endedAt }).toEqual({
      frames: 3,
      badLines: 1,
      outOfOrder: 1,
      dropped: 3,
      endedAt: 9000,
    });
    expect(r.stats).toMatchObject({ received: 3, delivered: 0 });
  });
});

describe('recordJournal', () => {
  it('writes a header, every frame and connection state in order, and an end line', async () => {
    const file = join(dir, 'a.ndjson');
    const frames$ = new Subject<RawFrame>();
    const states$ = new Subject<{ kind: 'open'; at: number; url: string }>();
    const rec = recordJournal(frames$, { out: file, header: { ...HEADER, startedAt: 500 }, connection$: states$ });
    states$.next({ kind: 'open', at: 600, url: 'wss://pbx/ipxapi' });
    frames$.next(frame(700, '{"a":1}'));
    frames$.next(frame(800, Buffer.from([1, 2]), true));
    frames$.complete();
    states$.complete();
    const result = await rec.done;
    expect(result).toEqual({ frames: 2, bytes: readFileSync(file).length, dropped: 0, states: 1 });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(decodeHeader(lines[0] ?? '')).toMatchObject({ journal: 'ipecs-rx', version: 1, startedAt: 500, source: 'test' });
    expect(lines.slice(1).map((l) => decodeEntry(l)?.kind)).toEqual(['connection', 'frame', 'frame', 'end']);
    // close() after the end is a no-op returning the same result.
    await expect(rec.close()).resolves.toEqual(result);
  });

  it('drops frames past the write-buffer bound, counts them and writes the loss when there is room again', async () => {
    const chunks: string[] = [];
    let release: (() => void) | undefined;
    // A disk that takes the first write and then stalls until released.
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk.toString('utf8'));
        if (chunks.length === 1) cb();
        else
          release = () => {
            cb();
          };
      },
    });
    const frames$ = new Subject<RawFrame>();
    const rec = recordJournal(frames$, { out: slow, header: { ...HEADER, startedAt: 0 }, maxBufferedBytes: 200 });
    for (let i = 1; i <= 50; i++) frames$.next(frame(i, `{"n":${i}}`));
    const mid = rec.stats();
    expect(mid.dropped).toBeGreaterThan(30);
    expect(mid.frames + mid.dropped).toBe(50);
    const drain = async (): Promise<void> => {
      while (release !== undefined) {
        const r = release;
        release = undefined;
        r();
        await new Promise((res) => setImmediate(res));
      }
    };
    // The disk catches up; the next frame is preceded by the loss.
    await drain();
    frames$.next(frame(60, '{"n":60}'));
    frames$.complete();
    const result = await rec.done;
    await drain();
    expect(result.dropped).toBe(mid.dropped);
    const entries = chunks.join('').trim().split('\n').slice(1).map((l) => decodeEntry(l));
    const droppedLine = entries.find((e) => e?.kind === 'dropped');
    expect(droppedLine).toEqual({ kind: 'dropped', at: 60, count: mid.dropped });
    expect(entries.filter((e) => e?.kind === 'frame')).toHaveLength(mid.frames + 1);
  });

  it('ends with the reason when the frames stream fails or the file cannot be written', async () => {
    const file = join(dir, 'b.ndjson');
    const failed = await recordJournal(throwError(() => new Error('fatal: bad credentials')), { out: file, header: HEADER }).done;
    expect(failed.error).toBe('frames stream failed: fatal: bad credentials');
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l, i) => (i === 0 ? 'header' : decodeEntry(l)?.kind))).toEqual(['header', 'end']);

    const frames$ = new Subject<RawFrame>();
    const rec = recordJournal(frames$, { out: join(dir, 'no-such-dir', 'c.ndjson'), header: HEADER });
    const r = await rec.done;
    expect(r.error).toMatch(/^journal write failed: ENOENT/);
    expect(frames$.observed).toBe(false);
  });

  it('replays what it recorded, from a file path, with progress reports', async () => {
    const file = join(dir, 'd.ndjson');
    const header = JSON.stringify({ journal: 'ipecs-rx', version: 1, startedAt: 0, ...HEADER, metrics: { ...HEADER.metrics, timeZone: 'UTC' } });
    const lines = [header];
    for (let i = 1; i <= 1000; i++) lines.push(JSON.stringify({ at: i * 100, frame: JSON.stringify({ event: 'acd', data: { eventCode: 84, sourceNumber: String(1000 + i) } }) }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const progress: number[] = [];
    const r = await replayJournal(file, { progressEvery: 100, onProgress: (p) => progress.push(p.bytesRead / (p.totalBytes ?? 1)) });
    expect(r.final.stationsConnected).toBe(1000);
    expect(r.endedAt).toBe(100_000);
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.at(-1)).toBeCloseTo(1, 5);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });
});
