// How the emulator writes ACD frames: real-box padding, the clean mode, callRefID rules, key order.
import { describe, expect, it } from 'vitest';
import { acdWireData, formatAcdFrame, formatPbxTime } from '../../src/emulator/index.js';

describe('ACD wire format', () => {
  it('writes the spec example exactly (STATION IDLE with a callRefID given)', () => {
    const text = formatAcdFrame({ code: 18, callRefId: 2, source: '1004', time: '2020/01/07 14:47:04' }, { padBlanks: true });
    expect(text).toBe(
      '{"event":"acd","data":{"time":"2020/01/07 14:47:04","callRefID":2,"eventCode":18,"eventString":"STATION IDLE",' +
        '"sourceType":"Station","sourceNumber":"1004","destType":"","destNumber":" ","data1":"    ","data2":"    "}}',
    );
  });

  it('pads CO numbers and numeric data to 4 digits in padBlanks mode, and not in the clean mode', () => {
    const input = { code: 3, callRefId: 5, source: '6', data1: 8, data2: 5, time: 't' } as const;
    expect(acdWireData(input, { padBlanks: true })).toMatchObject({ sourceType: 'CO', sourceNumber: '0006', data1: '0008', data2: '0005', destNumber: ' ' });
    expect(acdWireData(input, { padBlanks: false })).toMatchObject({ sourceType: 'CO', sourceNumber: '6', data1: '8', data2: '5', destNumber: '' });
    // Strings are verbatim.
    expect(acdWireData({ code: 69, callRefId: 1, source: '1003', dest: '2', data1: '000008', data2: '0312' }, { padBlanks: true }))
      .toMatchObject({ destType: 'CO', destNumber: '0002', data1: '000008', data2: '0312' });
  });

  it('omits callRefID for N/A codes and blanks it for codes that carry one', () => {
    expect(acdWireData({ code: 43, source: '6', sourceType: 'CO' }, { padBlanks: true })).not.toHaveProperty('callRefID');
    expect(acdWireData({ code: 44, source: '1001' }, { padBlanks: true }).callRefID).toBe('');
    expect(Object.keys(acdWireData({ code: 42, callRefId: 9, source: '1001' }, { padBlanks: false }))).toEqual([
      'time', 'callRefID', 'eventCode', 'eventString', 'sourceType', 'sourceNumber', 'destType', 'destNumber', 'data1', 'data2',
    ]);
  });

  it('keeps the spec spelling of eventString and passes unknown codes through', () => {
    expect(acdWireData({ code: 24, source: '1' }, { padBlanks: true }).eventString).toBe('UCD SUOERVISOR LOGOUT');
    expect(acdWireData({ code: 99, eventString: 'FUTURE' }, { padBlanks: true })).toMatchObject({ eventCode: 99, eventString: 'FUTURE' });
  });

  it('formats local time as YYYY/MM/DD hh:mm:ss', () => {
    expect(formatPbxTime(new Date(2026, 0, 5, 8, 3, 9))).toBe('2026/01/05 08:03:09');
  });
});
