// Scenario playback sends exactly the scripted events, in order, formatted like the real box.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadScenario, parseScenario, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { acdData, openSocket, token, waitFor, type Recorder } from './helpers.js';

const NAMES = [
  'inbound-answered',
  'inbound-abandoned-queue',
  'inbound-abandoned-ringing',
  'inbound-two-holds',
  'outbound',
  'agent-shift-start',
  'agent-shift-end',
  'morning-mixed',
];

let emu: Emulator;
let rec: Recorder;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tls: false, timeAndDate: false });
  rec = await openSocket(emu, await token(emu));
});
afterAll(async () => {
  rec.ws.close();
  await emu.stop();
});

describe('scenarios', () => {
  it.each(NAMES)('%s plays exactly its scripted events in order', async (name) => {
    const lines = await loadScenario(name);
    expect(lines.length).toBeGreaterThan(3);
    rec.frames.length = 0;
    await emu.playScenario(name, { speed: 1000 });
    await waitFor(() => rec.frames.length === lines.length, 10_000, name);
    const got = acdData(rec);
    expect(got.map((d) => d['eventCode'])).toEqual(lines.map((l) => l.acd.code));
    expect(got.map((d) => (typeof d['callRefID'] === 'number' ? d['callRefID'] : undefined))).toEqual(lines.map((l) => l.acd.callRefId));
    expect(got.map((d) => String(d['sourceNumber']).trim().replace(/^0+(?=\d)/, ''))).toEqual(lines.map((l) => l.acd.source ?? ''));
  });

  it('morning-mixed is a few dozen events mixing calls, agents and stations', async () => {
    const codes = new Set((await loadScenario('morning-mixed')).map((l) => l.acd.code));
    expect((await loadScenario('morning-mixed')).length).toBeGreaterThanOrEqual(30);
    for (const c of [3, 11, 17, 42, 44, 49, 62, 41, 68, 84]) expect(codes.has(c), `code ${c}`).toBe(true);
  });

  it('honours the delays (scaled by speed) and plays a file given by path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'emu-scn-'));
    try {
      const file = path.join(dir, 'mine.ndjson');
      await writeFile(file, '// two events 300 ms apart\n{"delayMs":0,"acd":{"code":19,"source":"1001"}}\n\n{"delayMs":300,"acd":{"code":20,"source":"1001"}}\n');
      rec.frames.length = 0;
      const t0 = performance.now();
      await emu.playScenario(file);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
      await waitFor(() => rec.frames.length === 2);
      expect(acdData(rec).map((d) => d['eventCode'])).toEqual([19, 20]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rejects a malformed line, naming it', () => {
    expect(() => parseScenario('{"delayMs":0,"acd":{"code":18}}\n{"delayMs":0}\n', 'x.ndjson')).toThrow('x.ndjson:2');
    expect(() => parseScenario('nope', 'y')).toThrow('y:1: not JSON');
  });
});
