import { describe, expect, it } from 'vitest';
import { ACD_CODES, acdCodeName } from '../src/protocol/catalogue.js';
import { runMarbles } from './helpers/run-marbles.js';
import { map } from 'rxjs';

describe('catalogue', () => {
  it('holds the 67 codes of the spec', () => {
    expect(ACD_CODES).toHaveLength(67);
    expect(new Set(ACD_CODES.map((c) => c.code)).size).toBe(67);
  });
  it('names codes, and UNKNOWN for undefined ones (as a stream map)', () => {
    runMarbles(({ cold, expectObservable }) => {
      const codes = cold('a-b-c|', { a: 18, b: 5, c: 3 });
      expectObservable(codes.pipe(map(acdCodeName))).toBe('a-b-c|', { a: 'STATION_IDLE', b: 'UNKNOWN', c: 'CO_IN_RING' });
    });
  });
});
