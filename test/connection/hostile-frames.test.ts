// The fuzz bar of issue 14 (R10, R16) from the outside: the emulator writes ≥ 10,000 hostile frames of every class,
// interleaved with valid ACD frames, over real WSS to a full client (`connect()`). Every valid frame arrives, the
// socket opens once (once more for the one frame over maxFrameBytes, the documented 1009 rule, counted), every
// hostile frame is counted exactly once under its own reason, received = delivered + filtered + malformed, and the
// log holds a line or two per reason. The emulator's own log of what it wrote (recordSent) is the ground truth.
import { isUtf8 } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type IpecsClient } from '../../src/client.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createRng, type Rng } from '../../src/emulator/prng.js';
import type { AcdEvent } from '../../src/protocol/acd-event.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { memoryLogger, waitFor } from './helpers.js';

let emu: Emulator | undefined;
let client: IpecsClient | undefined;
afterEach(async () => {
  await client?.close();
  await emu?.stop();
  client = undefined;
  emu = undefined;
});

const PER_CLASS = 10_000;
const MAX_FRAME = 64 * 1024;

/** A valid ACD frame whose data1 carries the tag. */
function acdFrame(code: number | string, tag: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event: 'acd',
    data: { time: '2026/12/03 10:00:00', callRefID: ' ', eventCode: code, eventString: 'X', sourceType: 'Station', sourceNumber: '1001', destType: '', destNumber: ' ', data1: tag, data2: ' ', ...extra },
  });
}

const INVALID_UTF8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf5, 0x80, 0x80, 0x80], [0xc3, 0x28]];
const NON_STRING_EVENTS = ['123', 'null', '["acd"]', '{"acd":1}', 'true', '18.5'];
const HOSTILE_CODES = ['"1e3"', '"0x12"', '"18abc"', '"-5"', '"18.5"', `"${'9'.repeat(20)}"`, '-1', '2.5', 'true', '[18]'];
const UNKNOWN_CODES = [0, 4, 10, 27, 40, 78, 79, 91, 99, 100, 500, 999, 123_456];
const CATALOGUE_CODE_FOR_STRINGS = ['"18"', '" 018 "', '"0018"'];

/** One hostile (or odd) frame of a class, and what the client must make of it. */
interface Sample {
  readonly data: Buffer | string;
  readonly binary: boolean;
  /** `malformed:<reason>`, `filtered:not-acd`, or `delivered` (with the tag it must carry). */
  readonly expect: string;
  readonly tag?: string;
}

type ClassName =
  | 'invalid UTF-8'
  | 'binary'
  | 'not JSON'
  | 'not an object'
  | 'envelope-less {}'
  | 'event not a string'
  | 'unknown event kind'
  | 'deep nesting'
  | 'prototype keys'
  | 'numbers as hostile strings'
  | 'numbers as plain strings'
  | 'unknown codes'
  | 'other kinds (call, smdr, presence)';

const CLASSES: Readonly<Record<ClassName, (rng: Rng, n: number) => Sample>> = {
  'invalid UTF-8': (rng, n) => ({
    data: Buffer.concat([Buffer.from(`{"event":"acd","data":{"eventCode":18,"data1":"u${n}`), Buffer.from(rng.pick(INVALID_UTF8)), Buffer.from('"}}')]),
    binary: false,
    expect: 'malformed:invalid-utf8',
  }),
  binary: (rng, n) => ({ data: Buffer.from(acdFrame(18, `b${n}`).slice(0, rng.int(1, 200))), binary: true, expect: 'malformed:not-text' }),
  'not JSON': (rng, n) => ({ data: acdFrame(18, `j${n}`).slice(0, rng.int(1, 100)), binary: false, expect: 'malformed:not-json' }),
  'not an object': (rng, n) => ({ data: rng.pick(['[]', '1', '"acd"', 'null', 'true', `[${acdFrame(18, `o${n}`)}]`]), binary: false, expect: 'malformed:not-object' }),
  'envelope-less {}': (rng, n) => ({ data: rng.pick(['{}', `{"data":{"eventCode":18,"data1":"e${n}"}}`, '{"Event":"acd","data":{}}', '{"evt":"acd"}']), binary: false, expect: 'malformed:no-event' }),
  'event not a string': (rng, n) => ({ data: `{"event":${rng.pick(NON_STRING_EVENTS)},"data":{"eventCode":18,"data1":"s${n}"}}`, binary: false, expect: 'malformed:event-not-string' }),
  'unknown event kind': (rng, n) => ({ data: `{"event":"${rng.pick(['cti', 'ACDX', '', 'smdr2', 'ping'])}","data":{"n":${n}}}`, binary: false, expect: 'malformed:unknown-event' }),
  'deep nesting': (rng) => {
    const depth = rng.int(17, 400);
    const deep = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    // No envelope at all, or an ACD envelope that does not decode and carries the deep part.
    return { data: rng.chance(0.5) ? deep : `{"event":"acd","data":{"eventCode":"x","d":${deep}}}`, binary: false, expect: 'malformed:too-deep' };
  },
  'prototype keys': (rng, n) => ({
    data: rng.pick([
      `{"__proto__":{"event":"acd","data":{"eventCode":18,"data1":"p${n}"}}}`,
      `{"__proto__":{"polluted":1},"event":"acd","data":{"eventCode":18,"data1":"p${n}"}}`,
      `{"event":"acd","data":{"constructor":{"prototype":{"polluted":1}},"eventCode":18,"data1":"p${n}"}}`,
      `{"event":"acd","data":{"__proto__":{"polluted":1},"eventCode":18}}`,
      `{"prototype":1,"event":"acd","data":{"eventCode":18}}`,
    ]),
    binary: false,
    expect: 'malformed:prototype-key',
  }),
  'numbers as hostile strings': (rng, n) => ({ data: `{"event":"acd","data":{"eventCode":${rng.pick(HOSTILE_CODES)},"data1":"h${n}"}}`, binary: false, expect: 'malformed:bad-event-code' }),
  // Normal traffic by metrics.md §1: numbers sent as strings, strings sent as numbers (delivered, not errors).
  'numbers as plain strings': (rng, n) => {
    const tag = `ns${n}`;
    return { data: `{"event":"acd","data":{"eventCode":${rng.pick(CATALOGUE_CODE_FOR_STRINGS)},"callRefID":"${rng.int(1, 99_999)}","sourceNumber":1001,"data1":"${tag}"}}`, binary: false, expect: 'delivered', tag };
  },
  // Normal traffic too: a code the spec does not define decodes with name UNKNOWN.
  'unknown codes': (rng, n) => {
    const tag = `uc${n}`;
    return { data: acdFrame(rng.pick(UNKNOWN_CODES), tag), binary: false, expect: 'delivered', tag };
  },
  'other kinds (call, smdr, presence)': (rng, n) => ({
    data: rng.pick([
      JSON.stringify({ event: 'call', data: { type: 'dnd', deviceNumber: '1000', serviceDN: '1000', svcType: 'enable', evtSerialNum: n } }),
      JSON.stringify({ event: 'smdr', data: { Index: String(n), StationNumber: '1000' } }),
      JSON.stringify({ event: 'presence', data: { deviceNumber: '1000', status: 'idle' } }),
    ]),
    binary: false,
    expect: 'filtered:not-acd',
  }),
};

describe('hostile frames over real WSS (fuzz)', () => {
  it(`≥ ${PER_CLASS} frames of every hostile class, interleaved with valid ACD frames: nothing lost, each counted once under its reason, one socket`, async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false, recordSent: true });
    const lines: string[] = [];
    client = connect({ ...emu.clientConfig(), log: { file: null }, socket: { maxFrameBytes: MAX_FRAME } }, { logger: memoryLogger(lines), env: {} });
    const states: ConnectionState[] = [];
    client.connection$.subscribe((s) => states.push(s));
    const events: AcdEvent[] = [];
    client.events$.subscribe((e) => events.push(e));
    const fatal: unknown[] = [];
    client.errors$.subscribe({ error: (e: unknown) => fatal.push(e) });
    await waitFor('open', () => states.some((s) => s.kind === 'open'));

    const rng = createRng(14);
    const names = Object.keys(CLASSES) as ClassName[];
    const sentPerClass = new Map<ClassName, number>();
    const expected = new Map<string, number>();
    const mustArrive = new Set<string>();
    let sent = 0;
    let valid = 0;
    const total = names.length * PER_CLASS;
    // Round-robin over the classes, a valid ACD frame after every 8 hostile ones; in chunks the client drains.
    for (let i = 0; i < total; i++) {
      const cls = names[i % names.length] as ClassName;
      const s = CLASSES[cls](rng, i);
      if (cls === 'invalid UTF-8') expect(isUtf8(s.data as Buffer)).toBe(false);
      emu.sendRaw(s.data, { binary: s.binary });
      sent++;
      sentPerClass.set(cls, (sentPerClass.get(cls) ?? 0) + 1);
      expected.set(s.expect, (expected.get(s.expect) ?? 0) + 1);
      if (s.tag !== undefined) mustArrive.add(s.tag);
      if (i % 8 === 7) {
        const tag = `valid${valid++}`;
        emu.sendRaw(acdFrame(rng.pick([11, 12, 13, 14, 17, 18, 19, 20]), tag));
        mustArrive.add(tag);
        sent++;
      }
      if (i % 2_000 === 1_999) {
        const want = sent;
        await waitFor(`client received ${want}`, () => (client?.stats().received ?? 0) >= want, 60_000);
      }
    }
    await waitFor(`client received all ${sent}`, () => (client?.stats().received ?? 0) >= sent, 60_000);
    const opensBefore = states.filter((s) => s.kind === 'open').length;
    const socketsBefore = emu.counters().socketsOpened;

    // The one documented exception: a frame over maxFrameBytes closes the socket with 1009; it is counted and the
    // socket comes back (same session, no login).
    emu.sendRaw(acdFrame(18, `big${'x'.repeat(MAX_FRAME)}`));
    await waitFor('reopen after 1009', () => states.filter((s) => s.kind === 'open').length === 2, 15_000);
    emu.sendRaw(acdFrame(18, 'after-oversized'));
    mustArrive.add('after-oversized');
    await waitFor('frame after the oversized one', () => events.some((e) => e.data1 === 'after-oversized'), 15_000);

    const st = client.stats();
    const reasons = Object.fromEntries([...expected].filter(([k]) => k.startsWith('malformed:')).map(([k, v]) => [k.slice('malformed:'.length), v]));
    const perReasonLog = new Map<string, number>();
    for (const l of lines) {
      const rec = JSON.parse(l) as { message: string; reason?: string };
      if (rec.message.startsWith('malformed frame')) perReasonLog.set(rec.reason ?? '?', (perReasonLog.get(rec.reason ?? '?') ?? 0) + 1);
    }
    console.log(
      `hostile fuzz: ${sent + 2} frames written by the emulator (${valid + 1} valid ACD frames, 1 oversized)\n` +
        [...sentPerClass].map(([c, n]) => `  ${c}: ${n} sent → ${CLASSES[c](createRng(0), 0).expect}`).join('\n') +
        `\n  malformedByReason ${JSON.stringify(st.malformedByReason)}\n  filteredByReason ${JSON.stringify(st.filteredByReason)}` +
        `\n  received ${st.received} = delivered ${st.delivered} + filtered ${st.filtered} + malformed ${st.malformed}; oversized ${st.oversizedFrames}` +
        `\n  log lines about malformed frames per reason ${JSON.stringify(Object.fromEntries(perReasonLog))}; ${lines.length} log lines in all`,
    );

    // The emulator wrote exactly what we think (its own log): every frame, to one socket.
    const written = emu.sentFrames();
    expect(written).toHaveLength(sent + 2);
    expect(written.every((f) => f.sockets === 1)).toBe(true);
    // One socket for all of it; one more only after the oversized frame.
    expect(opensBefore).toBe(1);
    expect(socketsBefore).toBe(1);
    expect(emu.counters().socketsOpened).toBe(2);
    expect(emu.counters().logins).toBe(1);
    expect(st.oversizedFrames).toBe(1);
    expect(states.find((s) => s.kind === 'closed')).toMatchObject({ reason: 'too-large', code: 1009 });
    // Every valid frame (and every odd-but-valid one) arrived.
    const got = new Set(events.map((e) => e.data1));
    for (const tag of mustArrive) expect(got.has(tag), tag).toBe(true);
    expect(events.filter((e) => e.data1.startsWith('uc')).every((e) => e.name === 'UNKNOWN')).toBe(true);
    // Each hostile frame counted exactly once, under its own reason; received = delivered + filtered + malformed.
    for (const [reason, n] of Object.entries(reasons)) expect(st.malformedByReason[reason as keyof typeof st.malformedByReason], reason).toBe(n);
    expect(st.malformed).toBe(Object.values(reasons).reduce((a, b) => a + b, 0));
    expect(st.filteredByReason).toEqual({ 'not-acd': expected.get('filtered:not-acd') });
    expect(st.delivered).toBe(mustArrive.size);
    expect(st.received).toBe(sent + 1);
    expect(st.received).toBe(st.delivered + st.filtered + st.malformed);
    // A line or two per reason (the first, and the suppressed count per 10 s window), never one per frame.
    for (const reason of Object.keys(reasons)) expect(perReasonLog.get(reason) ?? 0, reason).toBeGreaterThanOrEqual(1);
    for (const [reason, n] of perReasonLog) expect(n, reason).toBeLessThanOrEqual(4);
    expect(fatal).toEqual([]);
  }, 240_000);
});
