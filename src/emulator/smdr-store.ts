// The emulator's SMDR store and its query engine (ipecs-webapi.md §4.5, §5, §10.1 items 30-32, A-13, A-14):
// records numbered by `Index` (a numeric string), a filter is the AND of its members, equality and ordering
// coerce numeric strings, `$regex` is an anchored glob, dates compare as strings, answers are in ascending Index.

/** One stored record: every field a string except `callRefID` (§5.5). */
export type SmdrStoredRecord = Readonly<Record<string, string | number>>;

/** What a caller gives to add a record (the store assigns `Index`). */
export type SmdrRecordInput = Readonly<Record<string, string | number>>;

/** A filter the engine cannot evaluate (unknown operator, wrong operand shape): answered with code 1. */
export class SmdrFilterError extends Error {}

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const asNumber = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : undefined;

/** Compares a record value with a filter value: numerically when both are numeric, else as strings. */
function compare(a: unknown, b: unknown): number | undefined {
  if (a === undefined || a === null) return undefined;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if ((typeof b !== 'string' && typeof b !== 'number') || (typeof a !== 'string' && typeof a !== 'number')) return undefined;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** An anchored glob: `*` any run, `?` one character, `\` escapes the next character. Case-sensitive. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '\\' && i + 1 < glob.length) re += (glob[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

const COMPARISONS: Readonly<Record<string, (c: number) => boolean>> = {
  '$>': (c) => c > 0,
  '$>=': (c) => c >= 0,
  '$<': (c) => c < 0,
  '$<=': (c) => c <= 0,
};

/** True when `rec` matches `filter`. Options `countOnly`/`maxCount` inside a filter are ignored here. */
export function matches(rec: SmdrStoredRecord, filter: unknown): boolean {
  if (!isObject(filter)) throw new SmdrFilterError('a filter must be an object');
  for (const [key, operand] of Object.entries(filter)) {
    if (key === 'countOnly' || key === 'maxCount') continue;
    if (!key.startsWith('$')) {
      if (compare(rec[key], operand) !== 0) return false;
      continue;
    }
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(operand)) throw new SmdrFilterError(`${key} needs a list`);
      const hits = operand.map((f) => matches(rec, f));
      if (key === '$or' ? !hits.some(Boolean) : !hits.every(Boolean)) return false;
      continue;
    }
    if (!isObject(operand)) throw new SmdrFilterError(`${key} needs an object`);
    for (const [field, value] of Object.entries(operand)) {
      const have = rec[field];
      if (key === '$not') {
        if (compare(have, value) === 0) return false;
      } else if (key === '$regex') {
        if (typeof value !== 'string') throw new SmdrFilterError('$regex needs a string pattern');
        if (have === undefined || !globToRegExp(value).test(String(have))) return false;
      } else {
        const test = COMPARISONS[key];
        if (test === undefined) throw new SmdrFilterError(`unknown operator ${key}`);
        const c = compare(have, value);
        if (c === undefined || !test(c)) return false;
      }
    }
  }
  return true;
}

/** Throws {@link SmdrFilterError} when `filter` uses an unknown operator or a wrong operand shape. */
export function validateFilter(filter: unknown): void {
  if (!isObject(filter)) throw new SmdrFilterError('a filter must be an object');
  for (const [key, operand] of Object.entries(filter)) {
    if (!key.startsWith('$')) continue;
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(operand)) throw new SmdrFilterError(`${key} needs a list`);
      for (const f of operand) validateFilter(f);
    } else if (key !== '$not' && key !== '$regex' && COMPARISONS[key] === undefined) {
      throw new SmdrFilterError(`unknown operator ${key}`);
    } else if (!isObject(operand)) {
      throw new SmdrFilterError(`${key} needs an object`);
    }
  }
}

/** The SMDR store of one emulator. */
export class SmdrStore {
  private readonly records: SmdrStoredRecord[] = [];
  private next = 1;

  /** Adds a record (assigns the next `Index`) and returns it as stored. */
  add(input: SmdrRecordInput): SmdrStoredRecord {
    const rec: SmdrStoredRecord = { ...input, Index: String(this.next++) };
    this.records.push(rec);
    return rec;
  }

  /** Every record, ascending Index. */
  all(): readonly SmdrStoredRecord[] {
    return [...this.records];
  }

  /** GET: matching records in ascending Index; at most `maxCount` (default 50); `countOnly` → the total only. */
  query(filter: unknown, opts: { readonly maxCount?: number; readonly countOnly?: boolean; readonly station?: string }): { count: number; items?: SmdrStoredRecord[] } {
    validateFilter(filter ?? {});
    const hits = this.records.filter((r) => (opts.station === undefined || r['StationNumber'] === opts.station) && matches(r, filter ?? {}));
    if (opts.countOnly === true) return { count: hits.length };
    const items = hits.slice(0, opts.maxCount ?? 50);
    return { count: items.length, items };
  }

  /** DELETE: removes the matching records; returns how many went. */
  delete(filter: unknown): number {
    validateFilter(filter);
    const keep = this.records.filter((r) => !matches(r, filter));
    const removed = this.records.length - keep.length;
    this.records.splice(0, this.records.length, ...keep);
    return removed;
  }
}
