// The spool file on a real temp dir: appended messages survive a reopen (a restart), a torn last line is skipped,
// and the file is emptied or compacted as acks come in.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEpoch, openSpool, readSpool, spoolPath } from '../../src/bridge/spool.js';
import type { OutMessage } from '../../src/bridge/outbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'ipecs-spool-test-'));
  dirs.push(d);
  return d;
};
const msg = (n: number): OutMessage => ({ id: `s:1:${String(n)}`, subject: 'ipecs.s.acd.3', payload: `{"n":${String(n)}}`, at: n });

describe('spool', () => {
  it('hands back on reopen what the previous run appended, skipping a torn line', () => {
    const dir = tempDir();
    const first = openSpool(dir, 's');
    expect(first.replay).toEqual([]);
    first.spool.append([msg(1)]);
    first.spool.append([msg(2)]);
    // killed here: no close; then a torn write
    appendFileSync(spoolPath(dir, 's'), '{"id":"s:1:3","subj');
    const second = openSpool(dir, 's');
    expect(second.replay).toEqual([msg(1), msg(2)]);
    expect(readSpool(spoolPath(dir, 's'))).toEqual([msg(1), msg(2)]);
    second.spool.close();
    first.spool.close();
  });

  it('is emptied when nothing waits, and compacted to the waiting messages when it grows', () => {
    const dir = tempDir();
    const { spool } = openSpool(dir, 's');
    spool.append([msg(1)]);
    spool.settle(() => [], 0);
    expect(readFileSync(spool.path, 'utf8')).toBe('');
    // One write for a batch.
    spool.append(Array.from({ length: 10_010 }, (_, i) => msg(i + 1)));
    spool.settle(() => [msg(10_010)], 1);
    expect(readSpool(spool.path)).toEqual([msg(10_010)]);
    spool.append([msg(10_011)]);
    expect(readSpool(spool.path)).toEqual([msg(10_010), msg(10_011)]);
    spool.close();
  });

  it('gives each run an epoch above the previous one, even when the clock went back', () => {
    const dir = tempDir();
    expect(nextEpoch(dir, 5_000)).toBe(5_000);
    expect(nextEpoch(dir, 9_000)).toBe(9_000);
    expect(nextEpoch(dir, 1_000)).toBe(9_001); // clock stepped back
  });
});
