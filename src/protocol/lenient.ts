// The lenient scalar readers of every wire shape (ipecs-webapi.md §10.2-10, §11: numbers sent as strings, strings
// sent as numbers, booleans as "true"/"false", a single value where a list is expected). Plain functions, so the
// io-ts codecs (`rest.ts`, `wire.ts`), the CTI table decoder (`cti-events.ts`) and the ACD hot path (`decode.ts`)
// share one definition. `undefined` means "cannot be read as that kind".

import * as t from 'io-ts';

/** A JSON object (not null, not an array). */
export function isJsonObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** A value's JSON type for a problem report (`null`, `array`, `string`, …), never its content. */
export function jsonTypeOf(u: unknown): string {
  if (u === null) return 'null';
  if (Array.isArray(u)) return 'array';
  return typeof u;
}

/** A string (trimmed), or a finite number as its decimal text. */
export function wireString(u: unknown): string | undefined {
  if (typeof u === 'string') return u.trim();
  return typeof u === 'number' && Number.isFinite(u) ? String(u) : undefined;
}

/** A finite number, or a numeric string (`"120"`, `" -1.5 "`) as a number. */
export function wireNumber(u: unknown): number | undefined {
  if (typeof u === 'number') return Number.isFinite(u) ? u : undefined;
  return typeof u === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(u) ? Number(u) : undefined;
}

/** A boolean, or the string `"true"`/`"false"` in any case and spacing. */
export function wireBoolean(u: unknown): boolean | undefined {
  if (typeof u === 'boolean') return u;
  const s = typeof u === 'string' ? u.trim().toLowerCase() : '';
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

/** A list of {@link wireString} values; a single value becomes a one-element list. */
export function wireStringList(u: unknown): readonly string[] | undefined {
  if (!Array.isArray(u)) {
    const s = wireString(u);
    return s === undefined ? undefined : [s];
  }
  const out: string[] = [];
  for (const x of u) {
    const s = wireString(x);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

/**
 * An io-ts codec from a reader above: decodes what `read` reads, fails where it gives `undefined`; `is` guards the
 * decoded type.
 */
export function lenientCodec<A>(name: string, is: (u: unknown) => u is A, read: (u: unknown) => A | undefined): t.Type<A> {
  return new t.Type<A, A, unknown>(
    name,
    is,
    (u, c) => {
      const v = read(u);
      return v === undefined ? t.failure(u, c) : t.success(v);
    },
    (a) => a,
  );
}
