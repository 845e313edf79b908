// A typed builder of the SMDR query language (ipecs-webapi.md §4.2-4.4, §5.8, A-13, A-14). Pure functions that
// return plain JSON objects in the spec's own shape, e.g.
//   all(eq('StationNumber', '1003'), gt('StartTime', smdrDate(new Date(2018, 7, 10))))
//   → {"StationNumber":"1003","$>":{"StartTime":"2018-08-10 00:00:00"}}

/** The known SMDR record fields (§5.5); any other name is allowed (A-17: `DialedNumber1` may be renamed). */
export type SmdrField =
  | 'Index' | 'callRefID' | 'StationNumber' | 'CoNumber' | 'Duration' | 'StartTime' | 'Direction' | 'DialedNumber1'
  | 'Cost' | 'AccountCode' | 'DialedNumber2' | 'DisconnectCause' | (string & {});

/** A value a filter compares with. Numeric strings and numbers compare alike on the server (§4.5). */
export type SmdrValue = string | number;

/** The comparison operators (§4.2). */
export type SmdrComparison = '$>' | '$>=' | '$<' | '$<=';

/** One SMDR filter: a JSON object in the spec's form (the AND of its members). */
export type SmdrFilter = Readonly<Record<string, unknown>>;

const pair = (field: SmdrField, value: unknown): Record<string, unknown> => ({ [field]: value });

/** `field = value`: `{"field": value}`. */
export const eq = (field: SmdrField, value: SmdrValue): SmdrFilter => pair(field, value);
/** `field ≠ value`: `{"$not": {"field": value}}`. */
export const not = (field: SmdrField, value: SmdrValue): SmdrFilter => ({ $not: pair(field, value) });
/** `field > value`. */
export const gt = (field: SmdrField, value: SmdrValue): SmdrFilter => ({ '$>': pair(field, value) });
/** `field ≥ value`. */
export const gte = (field: SmdrField, value: SmdrValue): SmdrFilter => ({ '$>=': pair(field, value) });
/** `field < value`. */
export const lt = (field: SmdrField, value: SmdrValue): SmdrFilter => ({ '$<': pair(field, value) });
/** `field ≤ value`. */
export const lte = (field: SmdrField, value: SmdrValue): SmdrFilter => ({ '$<=': pair(field, value) });
/** A glob match: `*` any run, `?` one character, `\` escapes; anchored. See {@link escapeGlob}. */
export const regex = (field: SmdrField, pattern: string): SmdrFilter => ({ $regex: pair(field, pattern) });
/** Any of the filters: `{"$or": [...]}`. */
export const or = (...filters: readonly SmdrFilter[]): SmdrFilter => ({ $or: [...filters] });
/** All of the filters as an explicit list: `{"$and": [...]}`. */
export const and = (...filters: readonly SmdrFilter[]): SmdrFilter => ({ $and: [...filters] });
/** `field` equals one of `values`: `{"$or":[{"field":v1},…]}` (what §5.8 example 6 meant, A-13). */
export const anyOf = (field: SmdrField, values: readonly SmdrValue[]): SmdrFilter => or(...values.map((v) => eq(field, v)));

/**
 * All of the filters, merged into ONE object the way the spec writes them (`{"status":"normal","$>=":{…}}`).
 * When two filters use the same key (two equalities on a field, two `$or`s), an explicit `$and` list is built
 * instead, so no condition is lost.
 */
export function all(...filters: readonly SmdrFilter[]): SmdrFilter {
  const out: Record<string, unknown> = {};
  for (const f of filters) {
    for (const [k, v] of Object.entries(f)) {
      if (Object.hasOwn(out, k)) return and(...filters);
      out[k] = v;
    }
  }
  return out;
}

/** Escapes the glob characters `*`, `?` and `\` of a literal string. */
export const escapeGlob = (literal: string): string => literal.replace(/[\\*?]/g, (c) => `\\${c}`);
/** Glob for "starts with". */
export const startsWith = (literal: string): string => `${escapeGlob(literal)}*`;
/** Glob for "ends with". */
export const endsWith = (literal: string): string => `*${escapeGlob(literal)}`;
/** Glob for "contains". */
export const contains = (literal: string): string => `*${escapeGlob(literal)}*`;

const p2 = (n: number): string => String(n).padStart(2, '0');

/** A date in the query format `YYYY-MM-DD hh:mm:ss` (§4.3), from the Date's local fields (the PBX has no zone). */
export function smdrDate(d: Date): string {
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
}
