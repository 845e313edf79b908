// Subjects and message ids: what the bridge writes, its consumers read back; the consumer's duplicate rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSubject, gapSubject, parseSubject, siteFilter, stateSubject } from '../../src/bridge/subjects.js';
import { compareMessageIds, formatMessageId, parseMessageId } from '../../src/bridge/message-id.js';
import { admit, createSiteOrder } from '../../src/bridge/reorder.js';

const siteId = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);

describe('subjects', () => {
  it('names one site’s events by code, its gaps and states, and reads them back', () => {
    expect(eventSubject('leeds', 3)).toBe('ipecs.leeds.acd.3');
    expect(gapSubject('leeds')).toBe('ipecs.leeds.gap');
    expect(siteFilter('leeds')).toBe('ipecs.leeds.>');
    fc.assert(
      fc.property(siteId, fc.nat(99), (site, code) => {
        expect(parseSubject(eventSubject(site, code))).toEqual({ siteId: site, what: { kind: 'acd', code } });
        expect(parseSubject(gapSubject(site))).toEqual({ siteId: site, what: { kind: 'gap' } });
        expect(parseSubject(stateSubject(site, 'x'), 'x')).toEqual({ siteId: site, what: { kind: 'state' } });
      }),
    );
  });

  it('reads nothing from a foreign subject', () => {
    for (const s of ['other.leeds.gap', 'ipecs.leeds', 'ipecs.leeds.acd.x', 'ipecs.leeds.acd.3.extra', 'ipecs..gap']) expect(parseSubject(s)).toBeUndefined();
  });
});

describe('message ids', () => {
  it('round-trip and order by (epoch, seq)', () => {
    fc.assert(
      fc.property(siteId, fc.nat(), fc.nat(), (site, epoch, seq) => {
        expect(parseMessageId(formatMessageId({ siteId: site, epoch, seq }))).toEqual({ siteId: site, epoch, seq });
      }),
    );
    expect(compareMessageIds({ siteId: 'a', epoch: 1, seq: 99 }, { siteId: 'a', epoch: 2, seq: 1 })).toBeLessThan(0);
    expect(parseMessageId('not an id')).toBeUndefined();
  });

  it('a consumer delivers a site’s id once: the same id again is a redelivery; a newer run follows on (reorder.test.ts has the rest)', () => {
    const id = (epoch: number, seq: number) => ({ siteId: 's', epoch, seq });
    const o = createSiteOrder<string>({ maxHeld: 10, maxHoldMs: 1000 });
    expect(admit(o, id(1, 1), 'a', 0)).toEqual([{ kind: 'deliver', value: 'a' }]);
    expect(admit(o, id(1, 1), 'a', 0)).toEqual([{ kind: 'duplicate', value: 'a' }]);
    expect(admit(o, id(1, 2), 'b', 0)).toEqual([{ kind: 'deliver', value: 'b' }]);
    expect(admit(o, id(2, 1), 'c', 0)).toEqual([{ kind: 'deliver', value: 'c' }]); // a newer bridge run
    expect(admit(o, undefined, 'd', 0)).toEqual([{ kind: 'deliver', value: 'd' }]); // no id: not the bridge's, as it comes
  });
});
