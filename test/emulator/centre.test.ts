// The simulated centre: determinism, realistic sequences, and ground truth held against an independent
// recomputation from the events (pure, in simulated time, and live over a real socket at high speed).
import { afterEach, describe, expect, it } from 'vitest';
import {
  acdWireData,
  generateCentreEvents,
  simulateCentre,
  startEmulator,
  type CentreEvent,
  type Emulator,
  type GroundTruth,
} from '../../src/emulator/index.js';
import { acdData, openSocket, token, waitFor } from './helpers.js';
import { recompute, type PlainEvent } from './recompute.js';

const plain = (e: CentreEvent): PlainEvent => {
  const wire = acdWireData(e.acd, { padBlanks: false });
  return {
    t: e.t,
    code: e.acd.code,
    ref: e.acd.callRefId,
    source: e.acd.source ?? '',
    data1: e.acd.data1 === undefined ? '' : String(e.acd.data1),
    dest: e.acd.dest ?? '',
    destIsStation: wire.destType.toLowerCase() === 'station',
    sourceIsStation: wire.sourceType.toLowerCase() === 'station',
  };
};

function expectTruthMatches(truth: GroundTruth, events: readonly PlainEvent[]): void {
  const r = recompute(events, truth.simSeconds);
  expect(Object.keys(truth.stations)).toHaveLength(12);
  expect(Object.keys(truth.agents)).toHaveLength(8);
  expect(truth.totals.busy).toBeGreaterThan(0);
  expect({ offered: truth.offered, answered: truth.answered, abandoned: truth.abandoned, outbound: truth.outbound })
    .toEqual({ offered: r.offered, answered: r.answered, abandoned: r.abandoned, outbound: r.outbound });
  expect(truth.totals.hold).toBeCloseTo(r.hold, 6);
  for (const [num, s] of Object.entries(truth.stations)) {
    const mine = r.perStation.get(num);
    expect(mine, `station ${num}`).toBeDefined();
    expect(s.inService).toBeCloseTo(mine?.inService ?? -1, 6);
    expect(s.idle).toBeCloseTo(mine?.idle ?? -1, 6);
    expect(s.busy).toBeCloseTo(mine?.busy ?? -1, 6);
    expect(s.wrap).toBeCloseTo(mine?.wrap ?? -1, 6);
  }
  for (const [num, a] of Object.entries(truth.agents)) {
    const mine = r.perStation.get(num);
    expect(a.loggedIn).toBeCloseTo(mine?.loggedIn ?? -1, 6);
    expect(a.available).toBeCloseTo(mine?.available ?? -1, 6);
    expect(a.unavailable).toBeCloseTo(mine?.unavailable ?? -1, 6);
  }
}

describe('generateCentreEvents', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const a = generateCentreEvents({ seed: 7 }, 3600);
    const b = generateCentreEvents({ seed: 7 }, 3600);
    const c = generateCentreEvents({ seed: 8 }, 3600);
    expect(a.length).toBeGreaterThan(200);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // A shorter run is a prefix of a longer one: the live centre paces the very same sequence.
    expect(generateCentreEvents({ seed: 7 }, 1800)).toEqual(a.filter((e) => e.t <= 1800));
  });

  it('sends every behaviour the brief lists, in time order, with TIME & DATE on the minute', () => {
    const events = generateCentreEvents({ seed: 3, arrivalPerHour: 120, outboundPerHour: 30 }, 6 * 3600);
    const codes = new Set(events.map((e) => e.acd.code));
    for (const c of [2, 3, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 41, 42, 43, 44, 49, 50, 58, 62, 66, 67, 68, 69, 70, 82, 84]) {
      expect(codes.has(c), `code ${c}`).toBe(true);
    }
    for (let i = 1; i < events.length; i++) expect(events[i]!.t).toBeGreaterThanOrEqual(events[i - 1]!.t);
    for (const e of events.filter((x) => x.acd.code === 68)) expect(e.acd.time).toMatch(/:00$/);
  });

  it('walks each answered inbound call through ring, answer, busy, disconnect, CO idle, idle and wrap-up', () => {
    const events = generateCentreEvents({ seed: 11 }, 2 * 3600);
    const answered = new Set(events.filter((e) => e.acd.code === 42).map((e) => e.acd.callRefId));
    const ref = [...answered][0];
    const mine = events.filter((e) => e.acd.callRefId === ref).map((e) => e.acd.code);
    expect(mine.slice(0, 1)).toEqual([3]);
    expect(mine).toContain(66);
    expect(mine.indexOf(42)).toBeLessThan(mine.indexOf(17));
    expect(mine[mine.length - 1]).toBe(44);
  });
});

describe('ground truth', () => {
  it('equals a recomputation from the generated events (pure, 8 simulated hours, several seeds)', () => {
    for (const seed of [1, 2, 42]) {
      const { events, truth } = simulateCentre({ seed, arrivalPerHour: 90 }, 8 * 3600);
      expect(truth.offered).toBeGreaterThan(100);
      expect(truth.offered).toBeGreaterThanOrEqual(truth.answered + truth.abandoned);
      expect(truth.events).toBe(events.length);
      expectTruthMatches(truth, events.map(plain));
    }
  });

  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  it('of a live run at speed 900 equals what a socket received', async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false });
    const rec = await openSocket(emu, await token(emu));
    const startTime = new Date(2026, 0, 5, 9, 0, 0).getTime();
    emu.startCentre({ seed: 5, speed: 900, startTime, arrivalPerHour: 120 });
    await new Promise((r) => setTimeout(r, 1500));
    emu.stopCentre();
    const truth = emu.groundTruth();
    expect(truth.running).toBe(false);
    expect(truth.events).toBeGreaterThan(100);
    await waitFor(() => rec.frames.length >= truth.events, 10_000, 'all centre events');
    expect(rec.frames.length).toBe(truth.events);
    // Wire → plain: times back to simulated seconds, CO numbers as sent ("0006").
    const events = acdData(rec).map((d): PlainEvent => {
      const [date, clock] = String(d['time']).split(' ');
      const [y, mo, da] = (date ?? '').split('/').map(Number);
      const [h, mi, s] = (clock ?? '').split(':').map(Number);
      const at = new Date(y ?? 0, (mo ?? 1) - 1, da ?? 1, h ?? 0, mi ?? 0, s ?? 0).getTime();
      const ref = d['callRefID'];
      return {
        t: (at - startTime) / 1000,
        code: Number(d['eventCode']),
        ref: typeof ref === 'number' ? ref : undefined,
        source: String(d['sourceNumber']).trim(),
        data1: String(d['data1']).trim().replace(/^0+(?=\d)/, ''),
        dest: String(d['destNumber']).trim(),
        destIsStation: String(d['destType']).toLowerCase() === 'station',
        sourceIsStation: String(d['sourceType']).toLowerCase() === 'station',
      };
    });
    expectTruthMatches(truth, events);
    // The same seed and start give the same sequence as the pure generator.
    const expected = generateCentreEvents({ seed: 5, startTime, arrivalPerHour: 120 }, Math.floor(truth.simSeconds));
    expect(events.map((e) => e.code)).toEqual(expected.map((e) => e.acd.code));
    rec.ws.close();
  });
});
