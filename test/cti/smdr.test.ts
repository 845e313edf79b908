// SMDR: the query builder reproduces every example of the spec byte for byte (§4.4, §5.8; example 6 built as the
// intended `$or`, A-13), the emulator evaluates them over a seeded record set (a table), and the client's query,
// count, delete, live `smdr$` and the "receive, then delete" drain work end to end over real HTTPS + WSS.
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { all, and, anyOf, endsWith, eq, escapeGlob, gt, gte, lt, lte, not, or, regex, smdrDate, startsWith, contains, type SmdrFilter } from '../../src/cti/smdr-query.js';
import { CtiError } from '../../src/cti/errors.js';
import { rig, waitFor, type Rig } from './harness.js';

/** [spec JSON as normalised in §4.4/§5.8, the builder's expression, Indexes of the seeded records it selects]. */
const EXAMPLES: readonly (readonly [string, SmdrFilter, readonly number[]])[] = [
  ['{"status":"normal","age":"20"}', all(eq('status', 'normal'), eq('age', '20')), [1]],
  ['{"$or":[{"status":"normal","age":20},{"status":"idle","age":30}]}', or(all(eq('status', 'normal'), eq('age', 20)), all(eq('status', 'idle'), eq('age', 30))), [1, 2]],
  ['{"code":"XYZ","$or":[{"status":"normal","age":20},{"status":"idle","age":30}]}',
    all(eq('code', 'XYZ'), or(all(eq('status', 'normal'), eq('age', 20)), all(eq('status', 'idle'), eq('age', 30)))), [1, 2]],
  ['{"status":"normal","$>=":{"age":20},"$<=":{"age":30},"$not":{"age":25}}', all(eq('status', 'normal'), gte('age', 20), lte('age', 30), not('age', 25)), [1, 7]],
  ['{"$regex":{"status":"*L"}}', regex('status', endsWith('L')), [4]],
  ['{"$regex":{"status":"n????l"}}', regex('status', 'n????l'), [1, 3, 6, 7]],
  ['{"StationNumber":"1003"}', eq('StationNumber', '1003'), [1, 3, 5, 8]],
  ['{"$regex":{"StationNumber":"*3"}}', regex('StationNumber', '*3'), [1, 2, 3, 5, 6, 8]],
  ['{"StationNumber":"1003","$>":{"StartTime":"2018-08-10"}}', all(eq('StationNumber', '1003'), gt('StartTime', '2018-08-10')), [3, 5, 8]],
  ['{"$or":[{"Index":1},{"Index":3},{"Index":5}]}', anyOf('Index', [1, 3, 5]), [1, 3, 5]],
  ['{"$>=":{"Index":2},"$<":{"Index":6}}', all(gte('Index', 2), lt('Index', 6)), [2, 3, 4, 5]],
];

const SEED: readonly Record<string, string | number>[] = [
  { StationNumber: '1003', StartTime: '2018-08-09 10:00', status: 'normal', age: '20', code: 'XYZ' },
  { StationNumber: '1013', StartTime: '2018-08-10 09:15', status: 'idle', age: '30', code: 'XYZ' },
  { StationNumber: '1003', StartTime: '2018-08-10 11:00', status: 'normal', age: '25', code: 'ABC' },
  { StationNumber: '1004', StartTime: '2018-08-11 08:00', status: 'normaL', age: '22', code: 'XYZ' },
  { StationNumber: '1003', StartTime: '2018-08-12 12:00', status: 'idle', age: '31', code: 'XYZ' },
  { StationNumber: '2023', StartTime: '2018-08-12 13:00', status: 'nxxxxl', age: '20', code: 'ABC' },
  { StationNumber: '1005', StartTime: '2018-08-13 14:00', status: 'normal', age: '30', code: 'ABC' },
  { StationNumber: '1003', StartTime: '2018-08-13 15:00', status: 'busy', age: 20, code: 'XYZ' },
];

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('SMDR query builder', () => {
  it('reproduces every spec example byte for byte', () => {
    for (const [json, built] of EXAMPLES) expect(JSON.stringify(built)).toBe(json);
  });

  it('glob helpers escape *, ? and \\; all() keeps colliding keys in an explicit $and; dates in the query format', () => {
    expect(regex('AccountCode', contains('***'))).toEqual({ $regex: { AccountCode: '*\\*\\*\\**' } });
    expect(startsWith('a?b')).toBe('a\\?b*');
    expect(escapeGlob('\\')).toBe('\\\\');
    expect(all(eq('Index', 1), eq('Index', 2))).toEqual(and(eq('Index', 1), eq('Index', 2)));
    expect(smdrDate(new Date(2018, 7, 10, 9, 5, 3))).toBe('2018-08-10 09:05:03');
  });
});

describe('SMDR against the emulator', () => {
  it('evaluates every example over the seeded records (GET q=, ascending Index)', async () => {
    r = await rig();
    for (const rec of SEED) r.emu.smdrAdd(rec);
    for (const [json, built, want] of EXAMPLES) {
      const items = await r.cti.smdr.query(built, { maxCount: 10 });
      expect(items.map((x) => Number(x.Index)), json).toEqual(want);
      expect(r.emu.apiRequests().at(-1)?.query).toEqual({ maxCount: '10', q: json });
    }
    expect(await r.cti.smdr.count()).toBe(8); // §5.8 example 1: countOnly=true
    expect(r.emu.apiRequests().at(-1)?.query).toEqual({ countOnly: 'true' });
    expect((await r.cti.smdr.query(undefined, { maxCount: 3 })).map((x) => x.Index)).toEqual(['1', '2', '3']); // example 2
    expect(await r.cti.smdr.count(and(eq('Index', 1), eq('Index', 3), eq('Index', 5)))).toBe(0); // example 6 as printed
  }, 30_000);

  it('deletes by the intended $or and by a range (§5.8 examples 6 and 7); an unknown operator is a typed error', async () => {
    r = await rig();
    for (const rec of SEED) r.emu.smdrAdd(rec);
    await r.cti.smdr.delete(anyOf('Index', [1, 3, 5]));
    expect(r.emu.apiRequests().at(-1)).toMatchObject({ method: 'DELETE', query: { q: '{"$or":[{"Index":1},{"Index":3},{"Index":5}]}' } });
    expect(r.emu.smdrRecords().map((x) => x['Index'])).toEqual(['2', '4', '6', '7', '8']);
    await r.cti.smdr.delete(all(gte('Index', 2), lt('Index', 6)));
    expect(r.emu.smdrRecords().map((x) => x['Index'])).toEqual(['6', '7', '8']);
    const err: unknown = await r.cti.smdr.query({ $like: { Index: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CtiError);
    expect(err).toMatchObject({ resource: 'smdr', status: 403, apiCode: 1, name: 'Parameter error' });
  }, 30_000);

  it('delivers live records on smdr$ from finished CTI calls, and the drain deletes each one by Index', async () => {
    r = await rig({}, {}, { smdrDrain: true });
    await r.opened();
    const { callRefID } = await r.cti.commands.makeCall({ deviceNumber: '1000', calledDN: '0123456789' });
    await r.cti.commands.clearConnection({ deviceNumber: '1000', callRefID });
    await waitFor('live record', () => r?.smdr.length === 1);
    expect(r.smdr[0]).toMatchObject({ Index: '1', callRefID, StationNumber: '1000', DialedNumber1: '0123456789', Direction: 'O', CoNumber: '01' });
    await waitFor('drained', () => r?.emu.smdrRecords().length === 0);
    expect(r.emu.apiRequests().at(-1)).toMatchObject({ method: 'DELETE', query: { q: '{"Index":1}' } });
    expect(await firstValueFrom(r.cti.smdr.count$())).toBe(0);
  }, 30_000);
});
