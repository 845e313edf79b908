import { describe, it, expect } from 'vitest';
import { decodeAcdFrame, decodeAcdMessage } from '../../src/protocol/decode.js';
import { ACD_CODES } from '../../src/protocol/catalogue.js';
import type { AcdEvent, DecodeError, PartyType } from '../../src/protocol/acd-event.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';

const MAX = 1_048_576;

function frame(data: Record<string, unknown>, event: unknown = 'acd'): string {
  return JSON.stringify({ event, data });
}

function ok(x: AcdEvent | DecodeError): AcdEvent {
  if (isDecodeError(x)) throw new Error(`expected an event, got ${x.reason}: ${x.message}`);
  return x;
}

function err(x: AcdEvent | DecodeError): DecodeError {
  if (!isDecodeError(x)) throw new Error(`expected a decode error, got code ${x.code}`);
  return x;
}

function decode(data: Record<string, unknown>, at = 1000): AcdEvent | DecodeError {
  return decodeAcdFrame(frame(data), false, at, MAX);
}

describe('decodeAcdFrame: the spec example (ipecs-webapi.md §6.2)', () => {
  const spec =
    '{"event":"acd",\n "data":{"time":"2020/01/07 14:47:04","callRefID":2,"eventCode":18,"eventString":"STATION IDLE",\n' +
    '         "sourceType":"Station","sourceNumber":"1004","destType":"","destNumber":" ","data1":" ","data2":" "}}';

  it('decodes exactly, as text and as a Buffer', () => {
    const expected: AcdEvent = {
      at: 42,
      pbxTime: '2020/01/07 14:47:04',
      code: 18,
      name: 'STATION_IDLE',
      eventString: 'STATION IDLE',
      callRefId: 2,
      source: { type: 'station', number: '1004' },
      data1: '',
      data2: '',
    };
    expect(decodeAcdFrame(spec, false, 42, MAX)).toStrictEqual(expected);
    expect(decodeAcdFrame(Buffer.from(spec, 'utf8'), false, 42, MAX)).toStrictEqual(expected);
  });
});

/** The number a party of the given kind gets in the table-driven test. */
function partyTypeFor(kind: string, wire: string): PartyType | undefined {
  if (kind === 'station') return 'station';
  if (kind === 'co') return 'co';
  const l = wire.trim().toLowerCase();
  return l === 'station' ? 'station' : l === 'co' ? 'co' : 'other';
}

describe('decodeAcdFrame: every row of the catalogue (§6.3)', () => {
  it.each(ACD_CODES.map((r) => [r.code, r] as const))('code %i decodes with its name and party kinds', (_code, row) => {
    for (const [sType, dType] of [['Station', 'CO'], ['CO', 'station'], ['', ''], ['TRUNK', 'STATION']] as const) {
      const e = ok(
        decode({
          time: '2020/01/07 14:47:04', callRefID: 7, eventCode: row.code, eventString: row.eventString,
          sourceType: sType, sourceNumber: '0106', destType: dType, destNumber: '1004 ', data1: '0008', data2: '    ',
        }),
      );
      expect(e.code).toBe(row.code);
      expect(e.name).toBe(row.name);
      expect(e.eventString).toBe(row.eventString);
      expect(e.callRefId).toBe(7);
      expect(e.source).toStrictEqual({ type: partyTypeFor(row.source, sType), number: '0106' });
      expect(e.dest).toStrictEqual({ type: partyTypeFor(row.dest, dType), number: '1004' });
      expect(e.data1).toBe('0008');
      expect(e.data2).toBe('');
    }
  });

  it('covers 67 codes', () => {
    expect(ACD_CODES).toHaveLength(67);
  });
});

describe('decodeAcdFrame: representative events with hand-written expectations', () => {
  const cases: [string, Record<string, unknown>, Omit<AcdEvent, 'at'>][] = [
    [
      '3 CO IN RING from a trunk to a group (dest blank, data1 blank)',
      { time: '2026/11/27 10:00:00', callRefID: 501, eventCode: 3, eventString: 'CO IN RING', sourceType: 'CO', sourceNumber: '0006', destType: '', destNumber: '     ', data1: '    ', data2: '0002' },
      { pbxTime: '2026/11/27 10:00:00', code: 3, name: 'CO_IN_RING', eventString: 'CO IN RING', callRefId: 501, source: { type: 'co', number: '0006' }, data1: '', data2: '0002' },
    ],
    [
      '11 AGENT PRIMARY LOGIN: source is a station whatever the type field says',
      { time: '2026/11/27 10:00:01', eventCode: 11, eventString: 'AGENT PRIMARY LOGIN', sourceType: '', sourceNumber: '1806', destType: '', destNumber: '', data1: '0008', data2: '0000' },
      { pbxTime: '2026/11/27 10:00:01', code: 11, name: 'AGENT_PRIMARY_LOGIN', eventString: 'AGENT PRIMARY LOGIN', source: { type: 'station', number: '1806' }, data1: '0008', data2: '0000' },
    ],
    [
      '42 ANSWER: either/either, the type fields decide (any case)',
      { time: 't', callRefID: '501', eventCode: '42', eventString: 'SEIZE ACK/CONNECT/ANSWER', sourceType: 'co', sourceNumber: '0006', destType: 'STATION', destNumber: 1806, data1: '', data2: '' },
      { pbxTime: 't', code: 42, name: 'ANSWER', eventString: 'SEIZE ACK/CONNECT/ANSWER', callRefId: 501, source: { type: 'co', number: '0006' }, dest: { type: 'station', number: '1806' }, data1: '', data2: '' },
    ],
    [
      '44 DISCONNECT with a hex cause in data2',
      { time: 't', callRefID: 9, eventCode: 44, eventString: 'DISCONNECT', sourceType: 'Station', sourceNumber: '1806', destType: 'CO', destNumber: '0006', data1: '1', data2: '1F' },
      { pbxTime: 't', code: 44, name: 'DISCONNECT', eventString: 'DISCONNECT', callRefId: 9, source: { type: 'station', number: '1806' }, dest: { type: 'co', number: '0006' }, data1: '1', data2: '1F' },
    ],
    [
      '66 STATION RING: source station, dest typed by the wire',
      { time: 't', callRefID: 5000, eventCode: 66, eventString: 'STATION RING', sourceType: 'Station', sourceNumber: '1806', destType: 'CO', destNumber: '0006', data1: '0008', data2: '0008' },
      { pbxTime: 't', code: 66, name: 'STATION_RING', eventString: 'STATION RING', callRefId: 5000, source: { type: 'station', number: '1806' }, dest: { type: 'co', number: '0006' }, data1: '0008', data2: '0008' },
    ],
    [
      '68 TIME & DATE: no parties',
      { time: 't', callRefID: ' ', eventCode: 68, eventString: 'TIME & DATE', sourceType: '', sourceNumber: '', destType: '', destNumber: '', data1: '1127', data2: '26' },
      { pbxTime: 't', code: 68, name: 'TIME_AND_DATE', eventString: 'TIME & DATE', data1: '1127', data2: '26' },
    ],
    [
      '72 INCOMMING CALLER INFO with the caller number as a JSON number',
      { time: 't', callRefID: 12, eventCode: 72, eventString: 'INCOMMING CALLER INFO', sourceType: 'CO', sourceNumber: '0006', destType: 'Station', destNumber: '1806', data1: 447700900123, data2: 'J SMITH  ' },
      { pbxTime: 't', code: 72, name: 'INCOMING_CALLER_INFO', eventString: 'INCOMMING CALLER INFO', callRefId: 12, source: { type: 'co', number: '0006' }, dest: { type: 'station', number: '1806' }, data1: '447700900123', data2: 'J SMITH' },
    ],
    [
      '99 (not in the spec): UNKNOWN, the type fields decide',
      { time: 't', eventCode: 99, eventString: 'NEW THING', sourceType: 'Station', sourceNumber: '0100', destType: 'GROUP', destNumber: '620' },
      { pbxTime: 't', code: 99, name: 'UNKNOWN', eventString: 'NEW THING', source: { type: 'station', number: '0100' }, dest: { type: 'other', number: '620' }, data1: '', data2: '' },
    ],
  ];
  it.each(cases)('%s', (_title, data, expected) => {
    expect(decode(data, 5)).toStrictEqual({ at: 5, ...expected });
  });
});

describe('decodeAcdFrame: the prior-art simulator sequences (prior-art §6.3)', () => {
  const S = 1806;
  const N = 5000;
  const C = 447700900123;
  const sp = (n: number) => ' '.repeat(n);
  const base = { time: '2020/11/13 19:23:43', callRefID: N };
  const ev = (code: number, eventString: string, sourceType: string, sourceNumber: unknown, destType: string, destNumber: unknown, data1: unknown, data2: unknown, extra: Record<string, unknown> = {}) =>
    ok(decode({ ...base, eventCode: code, eventString, sourceType, sourceNumber, destType, destNumber, data1, data2, ...extra }));

  it('station_login: 84 → 18 → 18 → 11 → 18', () => {
    const seq = [
      ev(84, 'AGENT IN SERVICE', 'Station', String(S), '', sp(5), sp(4), sp(4)),
      ev(18, 'STATION IDLE', 'Station', String(S), '', sp(5), sp(4), sp(4)),
      ev(18, 'STATION IDLE', 'Station', String(S), '', '', '', ''),
      ev(11, 'AGENT PRIMARY LOGIN', '', String(S), '', sp(5), '0008', '0000'),
      ev(18, 'STATION IDLE', '', String(S), '', '', '', ''),
    ];
    expect(seq.map((e) => e.code)).toStrictEqual([84, 18, 18, 11, 18]);
    for (const e of seq) {
      expect(e.source).toStrictEqual({ type: 'station', number: '1806' });
      expect(e.dest).toBeUndefined();
    }
    expect(seq[3]?.data1).toBe('0008');
    expect(seq[3]?.data2).toBe('0000');
  });

  it('call_inbound: integer destNumber, "0006" trunks, space-filled fields, empty callRefID', () => {
    const seq = [
      ev(3, 'CO IN RING', 'CO', '0006', '', sp(5), sp(4), '0002'),
      ev(1, 'CO BUSY', 'CO', '0006', 'Station', S, sp(4), sp(4)),
      ev(72, 'INCOMMING CALLER INFO', 'CO', '0006', 'Station', String(S), C, ''),
      ev(71, 'INCOMMING DID INFO', 'CO', '0006', 'Station', String(S), C, ''),
      ev(3, 'CO IN RING', 'CO', '0006', '', String(S), '0008', '0005'),
      ev(66, 'STATION RING', 'Station', String(S), 'CO', String(S), '0008', '0008'),
      ev(42, 'SEIZE ACK/CONNECT/ANSWER', 'CO', '0006', 'Station', String(S), sp(5), sp(5)),
      ev(15, 'AGENT UCD WRAP UP START', 'Station', String(S), '', sp(5), '0008', sp(4), { callRefID: '' }),
      ev(18, 'STATION IDLE', 'Station', String(S), '', String(S), '', ''),
      ev(44, 'DISCONNECT', 'Station', String(S), '', String(S), '0000', sp(4)),
      ev(2, 'CO IDLE', 'CO', String(S), 'Station', String(S), sp(4), sp(4)),
    ];
    const [ring, busy, cli, did, ringStn, stnRing, answer, wrap, idle, disc, coIdle] = seq;
    expect(ring).toMatchObject({ code: 3, callRefId: N, source: { type: 'co', number: '0006' }, data1: '', data2: '0002' });
    expect(ring?.dest).toBeUndefined();
    expect(busy).toMatchObject({ code: 1, dest: { type: 'station', number: '1806' }, data1: '', data2: '' });
    expect(cli).toMatchObject({ code: 72, data1: '447700900123', data2: '' });
    expect(did).toMatchObject({ code: 71, data1: '447700900123' });
    // Code 3's destination is a station by the table, even with a blank type field.
    expect(ringStn).toMatchObject({ dest: { type: 'station', number: '1806' }, data1: '0008', data2: '0005' });
    // Code 66: dest is either → the wire says CO.
    expect(stnRing).toMatchObject({ source: { type: 'station', number: '1806' }, dest: { type: 'co', number: '1806' } });
    expect(answer).toMatchObject({ code: 42, source: { type: 'co', number: '0006' }, dest: { type: 'station', number: '1806' }, data1: '', data2: '' });
    expect(wrap?.callRefId).toBeUndefined();
    expect(wrap).toMatchObject({ code: 15, data1: '0008', data2: '' });
    // 18's destination is N/A in the table; a number sent anyway is kept, typed by the (blank) wire field.
    expect(idle?.dest).toStrictEqual({ type: 'other', number: '1806' });
    // 44: either/either; blank dest type → other.
    expect(disc).toMatchObject({ code: 44, source: { type: 'station', number: '1806' }, dest: { type: 'other', number: '1806' }, data1: '0000', data2: '' });
    // 2: source is a trunk by the table (the simulator put a station number there).
    expect(coIdle).toMatchObject({ code: 2, source: { type: 'co', number: '1806' } });
  });

  it('the simulator DISCONNECT of the log (empty sourceNumber, integer destNumber, extra key)', () => {
    const e = ok(
      decodeAcdFrame(
        JSON.stringify({ delay: 0, event: 'acd', data: { time: '2020/11/13 19:23:43', callRefID: 5000, eventCode: 44, eventString: 'DISCONNECT', sourceType: 'Station', sourceNumber: '', destType: '', destNumber: 1809, data1: '0000', data2: '    ' } }),
        false, 1, MAX,
      ),
    );
    expect(e.source).toBeUndefined();
    expect(e.dest).toStrictEqual({ type: 'other', number: '1809' });
    expect(e.data1).toBe('0000');
  });

  it('agent_avail, agent_dnd and hold sequences', () => {
    expect(ev(13, 'AGENT UCD UNAVAIL', 'Station', String(S), '', '', '0005', '0008')).toMatchObject({ code: 13, data1: '0005', data2: '0008' });
    expect(ev(14, 'AGENT UCD AVAIL', 'Station', String(S), '', '', '0005', '0008')).toMatchObject({ code: 14, name: 'AGENT_UCD_AVAIL' });
    expect(ev(19, 'STATION DND ACTIVE', 'Station', String(S), '', '', '', '')).toMatchObject({ code: 19 });
    // The simulator's pseudo-event 999 carries only eventCode, time and sourceNumber.
    expect(ok(decode({ eventCode: 999, time: 't', sourceNumber: String(S) }))).toStrictEqual({
      at: 1000, pbxTime: 't', code: 999, name: 'UNKNOWN', eventString: '', source: { type: 'other', number: '1806' }, data1: '', data2: '',
    });
    expect(ev(49, 'HOLD', 'Station', String(S), 'CO', '0006', '', '')).toMatchObject({ code: 49, source: { type: 'station' }, dest: { type: 'co' } });
    expect(ev(50, 'HOLD Recall', 'Station', String(S), 'CO', '0006', '0', '0')).toMatchObject({ code: 50, name: 'HOLD_RECALL', data1: '0' });
  });
});

describe('decodeAcdFrame: lenient coercions', () => {
  it('accepts zero-padded numeric strings for eventCode and callRefID', () => {
    expect(ok(decode({ eventCode: '03', callRefID: ' 0042 ' }))).toMatchObject({ code: 3, name: 'CO_IN_RING', callRefId: 42 });
  });
  it('treats null, blank and missing callRefID as absent', () => {
    for (const callRefID of [null, '', '   ', undefined]) {
      expect(ok(decode({ eventCode: 18, callRefID })).callRefId).toBeUndefined();
    }
  });
  it('keeps leading zeros of station numbers and trims them', () => {
    expect(ok(decode({ eventCode: 18, sourceNumber: ' 0100  ' })).source).toStrictEqual({ type: 'station', number: '0100' });
  });
  it('ignores a byte-order mark, as text and as a Buffer', () => {
    const f = '\ufeff' + frame({ eventCode: 18 });
    expect(ok(decodeAcdFrame(f, false, 0, MAX)).code).toBe(18);
    expect(ok(decodeAcdFrame(Buffer.from(f), false, 0, MAX)).code).toBe(18);
  });
  it('accepts "event" in another case or with spaces', () => {
    expect(ok(decodeAcdFrame(frame({ eventCode: 18 }, ' ACD '), false, 0, MAX)).code).toBe(18);
  });
});

describe('decodeAcdFrame: every DecodeError reason', () => {
  it('too-large: checked on the byte length before parsing', () => {
    const text = frame({ eventCode: 18, data1: 'é'.repeat(60) });
    const bytes = Buffer.byteLength(text);
    const e = err(decodeAcdFrame(text, false, 3, bytes - 1));
    expect(e).toMatchObject({ kind: 'decode-error', reason: 'too-large', at: 3, bytes });
    expect(ok(decodeAcdFrame(text, false, 3, bytes)).code).toBe(18);
    expect(err(decodeAcdFrame('x'.repeat(100), false, 0, 99)).reason).toBe('too-large');
    expect(err(decodeAcdFrame(Buffer.alloc(100), true, 0, 99)).reason).toBe('too-large');
  });
  it('not-text: binary frames', () => {
    expect(err(decodeAcdFrame(Buffer.from(frame({ eventCode: 18 })), true, 0, MAX))).toMatchObject({ reason: 'not-text', message: 'binary frame' });
  });
  it('invalid-utf8: a text frame whose bytes are not UTF-8 (decoded once, here)', () => {
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(err(decodeAcdFrame(bad, false, 0, MAX))).toMatchObject({ reason: 'invalid-utf8', bytes: 6 });
    // An overlong encoding, a lone surrogate and a truncated sequence are refused too.
    for (const b of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
      expect(err(decodeAcdFrame(Buffer.concat([Buffer.from('{"event":"acd","data":{"eventCode":18,"data1":"'), Buffer.from(b), Buffer.from('"}}')]), false, 0, MAX)).reason).toBe('invalid-utf8');
    }
  });
  it('not-json', () => {
    expect(err(decodeAcdFrame('{"event":"acd",', false, 0, MAX)).reason).toBe('not-json');
    expect(err(decodeAcdFrame('', false, 0, MAX)).reason).toBe('not-json');
    expect(err(decodeAcdFrame('['.repeat(100_000), false, 0, MAX)).reason).toBe('not-json');
  });
  it('not-object', () => {
    for (const t of ['[]', '1', '"acd"', 'null', 'true', '[{"event":"acd","data":{"eventCode":18}}]']) expect(err(decodeAcdFrame(t, false, 0, MAX)).reason).toBe('not-object');
  });
  it('other-event: only a well-formed envelope of another kind (call, smdr, presence)', () => {
    expect(err(decodeAcdFrame('{"event":"call","data":{"type":"ringing"}}', false, 0, MAX))).toMatchObject({ reason: 'other-event', message: 'event is "call", not "acd"' });
    expect(err(decodeAcdFrame('{"event":"smdr","data":{}}', false, 0, MAX)).reason).toBe('other-event');
    expect(err(decodeAcdFrame('{"event":"presence","data":{"status":"idle"}}', false, 0, MAX)).reason).toBe('other-event');
    expect(err(decodeAcdFrame('{"event":" Call ","data":{}}', false, 0, MAX)).reason).toBe('other-event');
  });
  it('each hostile envelope has its own reason, none of them other-event', () => {
    const cases: [string, string][] = [
      ['{}', 'no-event'],
      ['{"data":{"eventCode":18}}', 'no-event'],
      ['{"event":123,"data":{}}', 'event-not-string'],
      ['{"event":null,"data":{"eventCode":18}}', 'event-not-string'],
      ['{"event":["acd"],"data":{"eventCode":18}}', 'event-not-string'],
      ['{"event":{"acd":true}}', 'event-not-string'],
      ['{"event":"cti","data":{}}', 'unknown-event'],
      ['{"event":"","data":{}}', 'unknown-event'],
      ['{"__proto__":{"event":"acd","data":{"eventCode":18}}}', 'prototype-key'],
      ['{"constructor":{"prototype":{"x":1}}}', 'prototype-key'],
      [`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`, 'too-deep'],
      [`{"event":"acd","data":{"eventCode":"x","data1":${'['.repeat(30)}${']'.repeat(30)}}}`, 'too-deep'],
      ['{"event":"call","data":"ringing"}', 'bad-shape'],
      ['{"event":"smdr"}', 'bad-shape'],
    ];
    for (const [text, reason] of cases) expect(err(decodeAcdFrame(text, false, 0, MAX)).reason, text).toBe(reason);
  });
  it('nesting alone is no fault: a decodable ACD event with a deep extra field is an event, a shallow non-envelope is no-event', () => {
    expect(ok(decodeAcdFrame(`{"event":"acd","data":{"eventCode":18,"x":${'['.repeat(30)}${']'.repeat(30)}}}`, false, 0, MAX)).code).toBe(18);
    expect(err(decodeAcdFrame(`${'{"a":'.repeat(10)}1${'}'.repeat(10)}`, false, 0, MAX)).reason).toBe('no-event');
  });
  it('no-event-code: missing, null or blank', () => {
    for (const eventCode of [undefined, null, '', '  ']) expect(err(decode({ eventCode })).reason).toBe('no-event-code');
  });
  it('bad-event-code: an eventCode that is no non-negative integer (numbers as hostile strings)', () => {
    expect(err(decode({ eventCode: 'abc' }))).toMatchObject({ reason: 'bad-event-code', message: 'data.eventCode: expected an integer or numeric string, found string' });
    for (const eventCode of [1.5, -1, '1e3', '0x12', '18abc', '-5', '18.5', '9'.repeat(20), true, [18], { v: 18 }]) {
      expect(err(decode({ eventCode })).reason, JSON.stringify(eventCode)).toBe('bad-event-code');
    }
  });
  it('bad-shape: data not an object, wrong field types', () => {
    expect(err(decodeAcdFrame('{"event":"acd","data":[1]}', false, 0, MAX)).reason).toBe('bad-shape');
    expect(err(decodeAcdFrame('{"event":"acd"}', false, 0, MAX)).reason).toBe('bad-shape');
    expect(err(decode({ eventCode: 18, callRefID: { a: 1 } })).message).toBe('data.callRefID: expected an integer or numeric string, found object');
    expect(err(decode({ eventCode: 18, destNumber: [1] })).message).toBe('data.destNumber: expected a string or number, found array');
    expect(err(decode({ eventCode: 18, data2: true })).message).toBe('data.data2: expected a string or number, found boolean');
  });
  it('excerpt: control characters escaped, truncated to 120 characters', () => {
    const e = err(decodeAcdFrame(`\u001b[2J\r\n\u2028${'x'.repeat(500)}`, false, 0, MAX));
    expect(e.reason).toBe('not-json');
    expect(e.excerpt.startsWith('\\u001b[2J\\u000d\\u000a\\u2028xxx')).toBe(true);
    expect(e.excerpt.endsWith('…')).toBe(true);
    expect(e.excerpt.length).toBeLessThan(160);
    // eslint-disable-next-line no-control-regex -- the point is to find raw control characters
    expect(e.excerpt).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
  });
});

describe('decodeAcdFrame: prototype safety', () => {
  it('__proto__ and constructor keys are refused as prototype-key and pollute nothing', () => {
    const e = err(decodeAcdFrame('{"__proto__":{"polluted":1},"event":"acd","data":{"eventCode":18}}', false, 0, MAX));
    expect(e).toMatchObject({ reason: 'prototype-key', message: 'the envelope has an own "__proto__" key' });
    const d = err(decodeAcdFrame('{"event":"acd","data":{"__proto__":{"polluted":2},"constructor":{"prototype":{"polluted":3}},"eventCode":18}}', false, 0, MAX));
    expect(d).toMatchObject({ reason: 'prototype-key', message: 'data has an own "__proto__" key' });
    expect(err(decodeAcdFrame('{"event":"acd","data":{"constructor":1,"eventCode":18}}', false, 0, MAX)).reason).toBe('prototype-key');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('a decoded event is a fresh plain object with only its own fields', () => {
    const e = ok(decodeAcdFrame('{"event":"acd","data":{"toString":"x","hasOwnProperty":1,"eventCode":18}}', false, 0, MAX));
    expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
    expect(Object.keys(e).sort()).toStrictEqual(['at', 'code', 'data1', 'data2', 'eventString', 'name', 'pbxTime']);
  });
  it('a __proto__ "event" key is not the event', () => {
    expect(err(decodeAcdFrame('{"__proto__":{"event":"acd","data":{"eventCode":18}}}', false, 0, MAX)).reason).toBe('prototype-key');
  });
});

describe('decodeAcdMessage', () => {
  it('decodes a parsed object', () => {
    expect(ok(decodeAcdMessage({ event: 'acd', data: { eventCode: 2, sourceNumber: '0001' } }, 9))).toMatchObject({ at: 9, code: 2, source: { type: 'co', number: '0001' } });
  });
});
