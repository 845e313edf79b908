// The CTI event decoder against every normalised example of the spec (§7.5.3, 36 types) and the quirks of A-19,
// spaced/aliased types, booleans as strings, single strings for lists, numbers as strings.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CTI_EVENT_FIELDS, decodeCtiEventData, decodeCtiFrame } from '../../src/protocol/cti-events.js';
import { CTI_EVENT_TYPES } from '../../src/protocol/wire.js';

const lines = readFileSync(new URL('./spec-events.ndjson', import.meta.url), 'utf8').trim().split('\n');

describe('decodeCtiFrame: the spec examples', () => {
  it('decodes all 36 examples, one per event type, with every field of the table', () => {
    const seen = new Set<string>();
    for (const line of lines) {
      const f = decodeCtiFrame(line);
      expect(f.kind, line).toMatch(/^(call|presence)$/);
      if (f.kind !== 'call' && f.kind !== 'presence') continue;
      seen.add(f.event.type);
      const data = (JSON.parse(line) as { data: Record<string, unknown> }).data;
      for (const [field, kind] of Object.entries(CTI_EVENT_FIELDS[f.event.type])) {
        if (kind.endsWith('?') && (data[field] === undefined || data[field] === '')) continue;
        expect(f.event, `${f.event.type}.${field}`).toHaveProperty(field);
      }
      expect(f.event.evtSerialNum).toBe(data['evtSerialNum']);
    }
    expect([...seen].sort()).toEqual([...CTI_EVENT_TYPES].sort());
  });

  it('types the fields: lists, booleans from strings, numbers', () => {
    const by = new Map(lines.map((l) => {
      const f = decodeCtiFrame(l);
      return [f.kind === 'call' || f.kind === 'presence' ? f.event.type : '', f] as const;
    }));
    expect(by.get('mwi')).toMatchObject({ kind: 'call', event: { msgStatus: true, newMsg: 34 } });
    expect(by.get('conferenced')).toMatchObject({ event: { memberDN: ['601206', '601207', '601208'], masterDN: '601207' } });
    expect(by.get('setmuteon')).toMatchObject({ event: { type: 'setmuteon', muteOn: false, groupIndex: 10 } });
    expect(by.get('confgroupmember')).toMatchObject({ event: { groupUsage: true, memberDN: '601207' } });
    expect(by.get('numbering')).toMatchObject({ event: { deviceINFO: [{ devicePhy: '1', deviceNumber: '701003', deviceType: 'lip' }, {}, {}], systemINFO: [{ parkStartNumber: '1' }, { groupEndNumber: '200' }] } });
    expect(by.get('presence')).toMatchObject({ kind: 'presence', event: { deviceNumber: '1003', status: 'busy', deviceType: 'ext' } });
    expect(by.get('connected')).not.toHaveProperty('event.diversionNum'); // blank optional → absent
  });
});

describe('decodeCtiEventData: tolerance (A-19, A-23, A-24, A-42)', () => {
  it('accepts the spec-literal spellings', () => {
    expect(decodeCtiEventData({ type: ' held', deviceNumber: '1', serviceDN: '1', holdDN: '2', callRefID: '29' })).toMatchObject({ kind: 'call', event: { type: 'held', callRefID: 29 } });
    expect(decodeCtiEventData({ type: 'confroommember ', groupIndex: 10, groupUsage: 'true', memberIndex: 2, memberDN: 601207, memberState: 'idle' }))
      .toMatchObject({ event: { type: 'confgroupmember', memberDN: '601207' } });
    expect(decodeCtiEventData({ type: 'conferencing', deviceNumber: '1', serviceDN: '1', memberDN: '601206', newConfMemberDN: '2', callRefID: 1 }))
      .toMatchObject({ event: { memberDN: ['601206'] } });
    expect(decodeCtiEventData({ type: 'presence', deviceNumber: '1', status: 'cfwd_all' })).toMatchObject({ kind: 'presence', event: { status: 'fwd_all' } });
  });

  it('reports a missing mandatory field or an unknown type as a value, naming fields only', () => {
    expect(decodeCtiEventData({ type: 'hold', deviceNumber: '1', serviceDN: '1', callRefID: 1 })).toEqual({ kind: 'cti-decode-error', type: 'hold', message: 'holdDN missing' });
    expect(decodeCtiEventData({ type: 'bogus' })).toMatchObject({ kind: 'cti-decode-error', message: 'unknown CTI event type' });
    expect(decodeCtiEventData('x')).toMatchObject({ kind: 'cti-decode-error' });
    expect(decodeCtiFrame('{"event":"acd","data":{}}')).toEqual({ kind: 'other', event: 'acd' });
    expect(decodeCtiFrame('{"event":"smdr","data":{"Index":7,"callRefID":"12","CLI Number":"0123"}}'))
      .toEqual({ kind: 'smdr', record: { Index: '7', callRefID: 12, 'CLI Number': '0123' } });
  });
});
