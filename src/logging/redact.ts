// Secret redaction for log records (reliability-anchors.md §4.2). A pure function over plain data: keys that name a
// secret are censored whatever their value, and credentials inside strings (`Basic …`, `Bearer …`, `access_token=`
// in URLs, `"password":"…"` in JSON text) are censored in place. Error objects become plain data first, so an
// axios error's `config.headers.Authorization` is caught by the key rule.

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Keys whose value is a secret (case-insensitive, anywhere in the key: `password`, `userPw`, `Authorization`). */
export const SECRET_KEY = /password|passwd|pw|token|authorization|secret/i;

const MAX_DEPTH = 8;
const MAX_ARRAY = 200;
const MAX_KEYS = 200;

// `Basic <b64>` / `Bearer <token>` (any case: the spec writes `bearer`), then the rest of an `Authorization:` header.
const AUTH_SCHEME = /\b(basic|bearer)(\s+)[^\s"',;]+/gi;
const AUTH_HEADER = /(authorization["']?\s*[:=]\s*["']?)(?!basic\b|bearer\b|\[REDACTED\])[^\s"',;]+/gi;
// `name=value` pairs (URL query parameters, form bodies, "password=…" in prose) and JSON text carrying secrets.
const URL_PARAM = /(\b(?:access_token|token|password|passwd|pw|secret)=)[^&#\s"']*/gi;
const JSON_PAIR = /("[^"]*(?:password|passwd|pw|token|authorization|secret)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** Censors credentials inside a string: auth schemes, `Authorization:` values, secret URL parameters, JSON pairs. */
export function redactString(s: string): string {
  // Fast path: most log strings hold none of the trigger words.
  if (!/basic|bearer|authorization|token|password|passwd|pw|secret/i.test(s)) return s;
  return s
    .replace(JSON_PAIR, `$1"${REDACTED}"`)
    .replace(AUTH_SCHEME, `$1$2${REDACTED}`)
    .replace(AUTH_HEADER, `$1${REDACTED}`)
    .replace(URL_PARAM, `$1${REDACTED}`);
}

function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  // `out[key] = v` with key `__proto__` would set the prototype; define an own property instead.
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function errorToPlain(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  if (e.stack !== undefined) out['stack'] = e.stack;
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) out['code'] = code;
  if (e.cause !== undefined) out['cause'] = e.cause;
  for (const k of Object.keys(e)) if (!(k in out)) setOwn(out, k, (e as unknown as Record<string, unknown>)[k]);
  return out;
}

/**
 * How the copy's strings and keys are finished after redaction. {@link redact} keeps them; the logger escapes,
 * scrubs and truncates them here, in the same walk (one copy of a record, not two).
 */
export interface RedactFinish {
  /** A string value (already redacted), found under `key` (`''` inside an array). */
  string(s: string, key: string): string;
  /** An object key. */
  key(k: string): string;
}

const KEEP: RedactFinish = { string: (s) => s, key: (k) => k };

function walk(v: unknown, key: string, depth: number, ancestors: unknown[], fin: RedactFinish): unknown {
  if (typeof v === 'string') return fin.string(redactString(v), key);
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'function') return '[function]';
    if (typeof v === 'bigint' || typeof v === 'symbol') return fin.string(v.toString(), key);
    return v;
  }
  if (ancestors.includes(v)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[depth limit]';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (Buffer.isBuffer(v)) return `[Buffer ${v.length} bytes]`;
  ancestors.push(v);
  try {
    if (Array.isArray(v)) {
      const out: unknown[] = v.slice(0, MAX_ARRAY).map((x) => walk(x, '', depth + 1, ancestors, fin));
      if (v.length > MAX_ARRAY) out.push(`[${v.length - MAX_ARRAY} more]`);
      return out;
    }
    if (v instanceof Map) return walk(Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x])), key, depth, ancestors.slice(0, -1), fin);
    if (v instanceof Set) return walk([...v], key, depth, ancestors.slice(0, -1), fin);
    const src: Record<string, unknown> = v instanceof Error ? errorToPlain(v) : (v as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const k of Object.keys(src)) {
      if (n++ >= MAX_KEYS) {
        out['…'] = `${Object.keys(src).length - MAX_KEYS} more keys`;
        break;
      }
      let x: unknown;
      try {
        x = src[k];
      } catch {
        x = '[unreadable]';
      }
      setOwn(out, fin.key(k), SECRET_KEY.test(k) && x !== undefined && x !== null && x !== '' ? REDACTED : walk(x, k, depth + 1, ancestors, fin));
    }
    return out;
  } finally {
    ancestors.pop();
  }
}

/**
 * Returns a copy of `value` with every secret censored to `[REDACTED]`: values under keys matching
 * {@link SECRET_KEY} (nested objects and arrays included), and credentials inside strings ({@link redactString}).
 * Errors become `{name, message, stack, code?, …own props}`. Cycles, depth (8), wide arrays and objects are cut.
 * Pure: the input is not modified. Never throws.
 */
export function redact(value: unknown): unknown {
  return redactWith(value, KEEP);
}

/** {@link redact}, with every string value and key of the copy passed through `finish`. Never throws. */
export function redactWith(value: unknown, finish: RedactFinish): unknown {
  try {
    return walk(value, '', 0, [], finish);
  } catch {
    return '[unredactable value]';
  }
}
