import { describe, it, expect } from 'vitest';
import {
  RINGING_TYPES, FORWARD_TYPES, CONFERENCE_ACTIONS, SMDR_CALL_TYPES, DISCONNECT_KINDS, CTI_CAUSE_CODES, ERROR_CODES,
  SMDR_DISCONNECT_CAUSES, errorCodeName, ctiErrorCode, dialledDigit, disconnectCause,
} from '../../src/protocol/catalogue.js';

describe('catalogue sub-tables (ipecs-webapi.md §6.4, §7.4, §9)', () => {
  it('have the sizes of the spec', () => {
    expect(RINGING_TYPES.size).toBe(6);
    expect(RINGING_TYPES.has(1)).toBe(false);
    expect(FORWARD_TYPES.size).toBe(20);
    expect(CONFERENCE_ACTIONS.size).toBe(3);
    expect(SMDR_CALL_TYPES.size).toBe(16);
    expect(DISCONNECT_KINDS.size).toBe(3);
    expect(CTI_CAUSE_CODES.size).toBe(34);
    expect(SMDR_DISCONNECT_CAUSES.size).toBe(42);
    const rows = Object.values(ERROR_CODES).reduce((n, m) => n + m.size, 0);
    expect(rows).toBe(46);
  });
  it('forward types follow target + condition', () => {
    for (const [target, name] of [[1, 'Station'], [6, 'UCD'], [7, 'Hunt'], [8, 'Voice Mail']] as const) {
      expect(FORWARD_TYPES.get(target + 16)).toBe(`${name} No Answer`);
      expect(FORWARD_TYPES.get(target + 32)).toBe(`${name} Busy`);
      expect(FORWARD_TYPES.get(target + 48)).toBe(`${name} No Answer or Busy`);
    }
  });
  it('errorCodeName: one map per resource (A-5)', () => {
    expect(errorCodeName('cti', 101)).toBe('generic');
    expect(errorCodeName('clickcall', 101)).toBe('Authentication failure');
    expect(errorCodeName('cti', 110)).toBe('invalidHeldDeviceIdentifier');
    expect(errorCodeName('clickcall', 110)).toBe('Caller busy');
    expect(errorCodeName('smdr', 201)).toBeUndefined();
    expect(errorCodeName('cti', 201)).toBe('NoHeldCall');
    expect(errorCodeName('smdr', 3)).toBe('License error');
    expect(errorCodeName('common', 4)).toBe('Login information mismatch');
    expect(errorCodeName('common', 5)).toBeUndefined();
  });
  it('ctiErrorCode: §9.3 names, spellings and category prefixes', () => {
    expect(ctiErrorCode('invalidParameterValue')).toBe(111);
    expect(ctiErrorCode('accessDeny')).toBe(143);
    expect(ctiErrorCode('invalidState')).toBe(147);
    expect(ctiErrorCode('stateIncompatability (NoHeldCall)')).toBe(201);
    expect(ctiErrorCode('operation (invalidConnectionState)')).toBe(203);
    expect(ctiErrorCode('invalidDeviceReferenceIdentifier')).toBeUndefined();
  });
  it('disconnectCause reads two hex digits (A-18)', () => {
    expect(['10', '1F', 'ff', '5', '102', '', 'xyz'].map(disconnectCause)).toStrictEqual([16, 31, 255, 5, 102, undefined, undefined]);
  });
  it('dialledDigit decodes 10/11/12 (A-18)', () => {
    expect([1, 9, 0, 10, 11, 12, 13].map(dialledDigit)).toStrictEqual(['1', '9', '0', '0', '*', '#', undefined]);
  });
});
