// trackSerials: evtSerialNum is tracked per socket. Consecutive serials pass; a jump forward is a `serial`
// gap; a socket `open` restarts the tracking (a new session starts again at 1: no gap); the connection's own gap
// marker passes through as a `socket` gap.
import { map } from 'rxjs';
import { describe, it } from 'vitest';
import { trackSerials, type CtiGap, type CtiItem } from '../src/cti/serial-gaps.js';
import { runMarbles } from './helpers/run-marbles.js';

const ev = (serial: number, at = 0): CtiItem => ({
  k: 'frame', at, f: { kind: 'call', event: { type: 'registered', deviceNumber: '1000', evtSerialNum: serial } },
});
const open: CtiItem = { k: 'open', at: 0 };
const socketGap: CtiGap = { kind: 'socket', at: 9, from: 5, to: 9 };
const gapsOnly = map((o: { gaps: readonly CtiGap[] }) => o.gaps);

describe('trackSerials', () => {
  it('1 2 3 pass; 3 → 7 is a gap (expected 4, received 7); then 8 follows 7 without a gap', () => {
    runMarbles(({ cold, expectObservable }) => {
      //  items:  o  1  2  3  7  8
      //  gaps:   -  -  -  -  G  -
      const items = cold<CtiItem>('o12378|', { o: open, 1: ev(1), 2: ev(2), 3: ev(3), 7: ev(7), 8: ev(8) });
      expectObservable(items.pipe(trackSerials(), gapsOnly)).toBe('abcdef|', {
        a: [], b: [], c: [], d: [], e: [{ kind: 'serial', at: 0, expected: 4, received: 7, deviceNumber: '1000' }], f: [],
      });
    });
  });

  it('a new socket restarts at 1 without a gap; the socket gap marker passes through', () => {
    runMarbles(({ cold, expectObservable }) => {
      //  items:  o  1  2  x(socket gap)  o  1  2
      //  gaps:   -  -  -  S              -  -  -
      const items = cold<CtiItem>('o12xo12|', { o: open, 1: ev(1), 2: ev(2), x: { k: 'gap', gap: socketGap } });
      expectObservable(items.pipe(trackSerials(), gapsOnly)).toBe('abcdefg|', { a: [], b: [], c: [], d: [socketGap], e: [], f: [], g: [] });
    });
  });

  it('events without evtSerialNum pass and do not disturb the tracking', () => {
    runMarbles(({ cold, expectObservable }) => {
      const noSerial: CtiItem = { k: 'frame', at: 0, f: { kind: 'smdr', record: { Index: '1' } } };
      //  items:  1  s(smdr)  2
      //  frames: 1  s        2   (no gap)
      const items = cold<CtiItem>('1s2|', { 1: ev(1), s: noSerial, 2: ev(2) });
      expectObservable(items.pipe(trackSerials(), map((o) => [o.f?.kind, o.gaps.length]))).toBe('abc|', { a: ['call', 0], b: ['smdr', 0], c: ['call', 0] });
    });
  });
});
