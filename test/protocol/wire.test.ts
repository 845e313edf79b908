import { describe, it, expect } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import {
  AcdEnvelope, CallEventEnvelope, PresenceEventEnvelope, SmdrResponse, SmdrRecord, DeviceResultList, CTI_EVENT_TYPES,
  normaliseCtiType, normalisePresenceStatus, StringListFromWire, BooleanFromWire,
} from '../../src/protocol/wire.js';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';

// The 36 normalised examples of ipecs-webapi.md §7.5.3 (type, then the fields that matter here).
const examples: [string, Record<string, unknown>][] = [
  ['dialing', { deviceNumber: '601206', serviceDN: '601206', callRefID: 10, evtSerialNum: 42 }],
  ['proceeding', { deviceNumber: '601206', serviceDN: '601206', dialDigit: '903180551204#', callRefID: 14, evtSerialNum: 57 }],
  ['alerting', { deviceNumber: '601206', causeCode: 22, causeMsg: 'new_call', callRefID: 14, evtSerialNum: 58 }],
  ['ringing', { deviceNumber: '605108', causeCode: 22, causeMsg: 'new_call', callRefID: 17, evtSerialNum: 68 }],
  ['connected', { deviceNumber: '601207', diversionNum: '', callRefID: 17, evtSerialNum: 71 }],
  ['released', { deviceNumber: '601206', releasedDN: '601206', causeCode: 48, causeMsg: 'normal_clearing', callRefID: 16, evtSerialNum: 65 }],
  ['releasedasc', { deviceNumber: '601206', releasedAscDN: '605001', callRefID: 17, evtSerialNum: 74 }],
  ['rerouted', { deviceNumber: '601206', reroutingDN: '601206', callRefID: 18, evtSerialNum: 83 }],
  ['rerouting', { deviceNumber: '601206', reroutingDN: '601206', callRefID: 18, evtSerialNum: 83 }],
  ['fail', { deviceNumber: '601207', busySvcList: ['intrusion', 'callback', 'callwait'], causeCode: 3, callRefID: 26, evtSerialNum: 143 }],
  [' held', { deviceNumber: '601206', holdDN: '601207', callRefID: 29, evtSerialNum: 170 }],
  [' hold', { deviceNumber: '601207', holdDN: '601207', callRefID: 29, evtSerialNum: 169 }],
  ['retrieved', { deviceNumber: '601206', retrieveDN: '601207', callRefID: 29, evtSerialNum: 172 }],
  ['retrieve', { deviceNumber: '601207', retrieveDN: '601207', callRefID: 29, evtSerialNum: 171 }],
  ['transferred', { deviceNumber: '601206', transferToDN: '605008', transferorDN: '605001', callRefID: 31, evtSerialNum: 197 }],
  ['transferring', { deviceNumber: '601207', transferedDN: '605006', callType: 'screened', callRefID: 31, evtSerialNum: 194 }],
  ['conferenced', { deviceNumber: '601206', memberDN: ['601206', '601207'], masterDN: '601207', callRefID: 34, evtSerialNum: 219 }],
  ['conferencing', { deviceNumber: '601207', memberDN: ['601206', '601207'], callRefID: 34, evtSerialNum: 217 }],
  ['dnd', { deviceNumber: '601207', svcType: 'enable', evtSerialNum: 228 }],
  ['forwarding', { deviceNumber: '601207', destination: '1208', svcType: 'no_answer', evtSerialNum: 230 }],
  ['registered', { deviceNumber: '601207', evtSerialNum: 242 }],
  [' unregistered', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['mwi', { deviceNumber: '601207', msgStatus: 'true', newMsg: 34, oldMsg: 2, newUrgentMsg: 4, evtSerialNum: 242 }],
  ['agent_logon', { deviceNumber: '601207', primaryAgentId: '1207', evtSerialNum: 241 }],
  ['agent_logoff', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['agent_ready', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['agent_notready', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['agent_work', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['agent_busy', { deviceNumber: '601207', evtSerialNum: 241 }],
  ['queueing', { deviceNumber: '60304', qCount: 90, causeCode: 23, causeMsg: 'no_available_agents', evtSerialNum: 241 }],
  ['queued', { deviceNumber: '601207', qCount: 90, evtSerialNum: 241 }],
  ['confroommember ', { groupIndex: 10, groupUsage: 'true', memberIndex: 2, memberDN: '601207', memberState: 'idle', evtSerialNum: 241 }],
  ['muteon', { deviceNumber: '60700', groupIndex: 10, memberIndex: 2, muteOn: 'false', evtSerialNum: 241 }],
  ['confroommember ', { deviceNumber: '603000', roomIndex: 10, roomUsage: 'true', memberCount: 2, member: ['601207'], evtSerialNum: 241 }],
  ['numbering', { deviceINFO: [{ devicePhy: '1', deviceNumber: '701003', deviceType: 'lip' }], systemINFO: [{ parkStartNumber: '1', parkEndNumber: '100' }], evtSerialNum: 251 }],
  ['presence', { deviceNumber: '1003', deviceType: 'ext', status: 'busy', evtSerialNum: 1 }],
];

describe('CallEventEnvelope (§7.4-7.5)', () => {
  it('decodes every one of the 36 spec examples, quirks included, to the 36 distinct canonical types', () => {
    const seen = examples.map(([type, rest]) => {
      const r = CallEventEnvelope.decode({ event: 'call', data: { type, ...rest } });
      if (E.isLeft(r)) throw new Error(`type ${type} did not decode`);
      return r.right.data.type;
    });
    expect(new Set(seen).size).toBe(36);
    expect([...seen].sort()).toStrictEqual([...CTI_EVENT_TYPES].sort());
  });
  it('coerces the common fields and keeps the others', () => {
    const r = CallEventEnvelope.decode({ event: 'call', data: { type: 'RINGING', deviceNumber: 605108, callRefID: '17', evtSerialNum: '68', callingDN: '601206' } });
    expect(r).toStrictEqual(E.right({ event: 'call', data: { type: 'ringing', deviceNumber: '605108', callRefID: 17, evtSerialNum: 68, callingDN: '601206' } }));
  });
  it('refuses unknown types and non-objects, and drops __proto__ keys', () => {
    expect(E.isLeft(CallEventEnvelope.decode({ event: 'call', data: { type: 'nope' } }))).toBe(true);
    expect(E.isLeft(CallEventEnvelope.decode({ event: 'call', data: [] }))).toBe(true);
    const r = CallEventEnvelope.decode(JSON.parse('{"event":"call","data":{"type":"dnd","__proto__":{"polluted":1}}}'));
    expect(E.isRight(r) && Object.getPrototypeOf(r.right.data) === Object.prototype).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
  it('normaliseCtiType tells confgroupmember from confroommember by fields', () => {
    expect(normaliseCtiType('confgroupmember', { roomIndex: 1 })).toBe('confroommember');
    expect(normaliseCtiType('confroommember ', { groupIndex: 1 })).toBe('confgroupmember');
    expect(normaliseCtiType(' MuteOn ')).toBe('setmuteon');
    expect(normaliseCtiType(3)).toBeUndefined();
  });
});

describe('PresenceEventEnvelope (§7.7)', () => {
  it('decodes the spec example and normalises the status (A-24)', () => {
    const r = PresenceEventEnvelope.decode({ event: 'call', data: { type: 'presence', deviceNumber: '1003', deviceType: 'ext', status: 'busy', evtSerialNum: 1 } });
    expect(r).toStrictEqual(E.right({ event: 'call', data: { type: 'presence', deviceNumber: '1003', deviceType: 'ext', status: 'busy', evtSerialNum: 1 } }));
    expect(normalisePresenceStatus('cfwd_all')).toBe('fwd_all');
    expect(normalisePresenceStatus(' dnd ')).toBe('DND');
    expect(normalisePresenceStatus('talk')).toBe('talk');
    expect(E.isLeft(PresenceEventEnvelope.decode({ event: 'call', data: { type: 'ringing', deviceNumber: '1', status: 'x' } }))).toBe(true);
  });
});

describe('SMDR (§5.4-5.5)', () => {
  it('decodes the example with a renamed key (A-17) and a numeric Index', () => {
    const body = { count: 1, items: [{ Index: 1, callRefID: 123, StationNumber: '1003', CoNumber: '01', Duration: '00:01:23', StartTime: '2018-08-10 09:15', Direction: 'O', 'CLI Number': '0123456789', Cost: '0', AccountCode: '', DisconnectCause: '16-Normal Call Clearing' }] };
    const r = SmdrResponse.decode(body);
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) {
      const rec = r.right.items?.[0];
      expect(rec?.Index).toBe('1');
      expect(rec?.['CLI Number']).toBe('0123456789');
    }
    expect(E.isRight(SmdrResponse.decode({ count: '3' }))).toBe(true);
    expect(E.isLeft(SmdrRecord.decode({ callRefID: 'x' }))).toBe(true);
    expect(E.isLeft(SmdrResponse.decode({ items: [] }))).toBe(true);
  });
  it('DeviceResultList', () => {
    expect(E.isRight(DeviceResultList.decode({ result: [{ 1000: 'OK' }, { 9999: 'invalidParameterValue' }] }))).toBe(true);
  });
});

describe('lenient scalars', () => {
  it('StringListFromWire and BooleanFromWire (A-23, A-42)', () => {
    expect(StringListFromWire.decode('601207')).toStrictEqual(E.right(['601207']));
    expect(StringListFromWire.decode(['1', 2])).toStrictEqual(E.right(['1', '2']));
    expect(BooleanFromWire.decode('TRUE')).toStrictEqual(E.right(true));
    expect(E.isLeft(BooleanFromWire.decode('yes'))).toBe(true);
  });
});

describe('AcdEnvelope agrees with decodeAcdFrame', () => {
  it('every frame the hot decoder accepts, the io-ts envelope accepts', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 99999 }), fc.constant(null), fc.constantFrom(' ', '03', '0006'));
    fc.assert(
      fc.property(
        fc.record({ eventCode: fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom('03', ' 18 ', 'x', -1, ' ')), callRefID: scalar, sourceNumber: scalar, destNumber: scalar, data1: scalar }, { requiredKeys: ['eventCode'] }),
        (data) => {
          const msg = { event: 'acd', data };
          const hot = decodeAcdFrame(JSON.stringify(msg), false, 0, 1 << 20);
          if (!isDecodeError(hot)) expect(E.isRight(AcdEnvelope.decode(msg))).toBe(true);
          // …and refuses every frame it refuses: one rule, not two.
          expect(E.isRight(AcdEnvelope.decode(msg))).toBe(!isDecodeError(hot));
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
  it('normalises the spelling of event and keeps the data as it came', () => {
    const data = { eventCode: '03', callRefID: ' ', sourceNumber: 1004 };
    expect(AcdEnvelope.decode({ event: ' ACD ', data })).toStrictEqual(E.right({ event: 'acd', data }));
    expect(E.isLeft(AcdEnvelope.decode({ event: 'acd', data: { eventCode: 'x' } }))).toBe(true);
  });
});
