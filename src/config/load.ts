// Loads and validates the configuration: file (JSON) → environment → explicit input → defaults. Every problem is
// reported at once, each naming the file, the JSON path, what was expected and what was found; a password value
// is never echoed. Unknown keys are warnings (a typo guard), not errors.
//
// Precedence, lowest first: DEFAULT_CONFIG < the file < IPECS_* environment variables < an explicit input
// (`resolveConfig`'s `input` as a host passes it to `connect()`; reliability-anchors.md §4.1).

import { readFileSync, statSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { ArrayType, IntersectionType } from 'io-ts';
import type { Config, ConfigInput } from './config.js';
import { DEFAULT_CONFIG } from './config.js';
import { ConfigFileCodec, SECTION_KEYS, SECTION_NAMES } from './codec.js';
import type { ConfigFile } from './codec.js';
import { escapeForLog } from '../logging/escape.js';
import { SECRET_KEY } from '../logging/redact.js';
import { statePath } from './state-dir.js';

/** One configuration problem. */
export interface ConfigProblem {
  /** The file (or `(env IPECS_PORT)`, or `(options)` for an explicit input). */
  readonly file: string;
  /** The JSON path, e.g. `socket.heartbeatIntervalMs`, `filters.stations[2]`. */
  readonly path: string;
  readonly expected: string;
  /** What was found, described safely (a secret's value is never shown). */
  readonly found: string;
}

/** Stable codes of {@link ConfigError}. */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_NOT_JSON';

/** The configuration cannot be used. `message` lists every problem, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  readonly problems: readonly ConfigProblem[];

  constructor(code: ConfigErrorCode, problems: readonly ConfigProblem[], summary?: string) {
    const head = summary ?? `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})`;
    super([head + ':', ...problems.map((p) => `  - ${p.file}: ${p.path}: expected ${p.expected}, found ${p.found}`)].join('\n'));
    this.code = code;
    this.problems = problems;
  }
}

/** The result of loading: the full configuration and the warnings to log. */
export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

const OPTIONS_SOURCE = '(options)';

/** Describes a value for a problem report: type and a short escaped excerpt, or only the type for a secret. */
function describeFound(u: unknown, secret: boolean): string {
  if (u === undefined) return 'nothing (missing)';
  if (u === null) return 'null';
  if (secret) return Array.isArray(u) ? 'an array' : `a ${typeof u} (value hidden)`;
  if (Array.isArray(u)) return `an array of ${u.length}`;
  if (typeof u === 'object') return 'an object';
  if (typeof u === 'string') return `the string ${JSON.stringify(escapeForLog(u, 40))}`;
  if (typeof u === 'number' || typeof u === 'boolean' || typeof u === 'bigint') return `the ${typeof u} ${String(u)}`;
  return `a ${typeof u}`;
}

function isSecretPath(path: string): boolean {
  const last = path.split('.').pop() ?? path;
  return SECRET_KEY.test(last);
}

/**
 * Turns io-ts errors into problems: one per JSON path (the first failure at that path). Array items read
 * `list[2]`; the members of an intersection add nothing to the path. Shared with `resources.ts`.
 */
export function toProblems(errors: t.Errors, file: string): ConfigProblem[] {
  const byPath = new Map<string, ConfigProblem>();
  for (const e of errors) {
    let path = '';
    e.context.forEach((c, i) => {
      const parent = e.context[i - 1]?.type;
      if (c.key === '' || parent instanceof IntersectionType) return;
      path += parent instanceof ArrayType ? `[${c.key}]` : path === '' ? c.key : `.${c.key}`;
    });
    if (path === '') path = '(root)';
    if (byPath.has(path)) continue;
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid value';
    byPath.set(path, { file, path, expected, found: describeFound(e.value, isSecretPath(path)) });
  }
  return [...byPath.values()];
}

/** Line and column of a character offset, for JSON syntax errors. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/** What {@link readJsonFile} gives: the parsed value, or why there is none. */
export type JsonFileResult =
  | { readonly ok: true; readonly raw: unknown }
  | { readonly ok: false; readonly code: 'CONFIG_NOT_FOUND' | 'CONFIG_NOT_JSON'; readonly problem: ConfigProblem };

/**
 * Reads and parses a JSON file (a leading BOM is dropped). A failure is a problem naming the file: unreadable
 * (`found` is the system code, e.g. `ENOENT`) or not JSON (with line and column). Shared with `resources.ts`.
 */
export function readJsonFile(file: string): JsonFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return { ok: false, code: 'CONFIG_NOT_FOUND', problem: { file, path: '(file)', expected: 'a readable JSON file', found: typeof code === 'string' ? code : 'an unreadable file' } };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, raw: JSON.parse(text) as unknown };
  } catch (e) {
    const msg = e instanceof Error ? e.message : '';
    const pos = /position (\d+)/.exec(msg)?.[1];
    const where = pos === undefined ? '' : ` at ${lineCol(text, Number(pos))}`;
    return { ok: false, code: 'CONFIG_NOT_JSON', problem: { file, path: '(file)', expected: 'valid JSON', found: `a syntax error${where}` } };
  }
}

function isPlainObject(u: unknown): u is Record<string, unknown> {
  return typeof u === 'object' && u !== null && !Array.isArray(u);
}

/** Case-insensitive, one-edit-away or one-swap-away match, for "did you mean". */
function closest(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  const exact = known.find((x) => x.toLowerCase() === k);
  if (exact !== undefined) return exact;
  return known.find((x) => editDistanceAtMost1(x.toLowerCase(), k) || isTransposition(x.toLowerCase(), k));
}

/** `a` and `b` differ by one swap of adjacent characters (`sokcet` / `socket`). */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

function editDistanceAtMost1(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** Warnings for keys the configuration does not know (typo guard). */
function unknownKeyWarnings(raw: Record<string, unknown>, file: string): string[] {
  const out: string[] = [];
  const sections = SECTION_NAMES as readonly string[];
  for (const key of Object.keys(raw)) {
    if (!sections.includes(key)) {
      const hint = closest(key, sections);
      out.push(`${file}: unknown section "${escapeForLog(key, 60)}" ignored${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`);
      continue;
    }
    const section = raw[key];
    if (!isPlainObject(section)) continue;
    const known = SECTION_KEYS[key as keyof typeof SECTION_KEYS];
    for (const k of Object.keys(section)) {
      if (known.includes(k)) continue;
      const hint = closest(k, known);
      out.push(`${file}: unknown key "${key}.${escapeForLog(k, 60)}" ignored${hint === undefined ? '' : ` (did you mean "${key}.${hint}"?)`}`);
    }
  }
  return out;
}

/**
 * Drops `undefined` values (an explicit input may carry them; they must not override a default), and with
 * `dropNull` also `null` ("not set" for optional keys such as `tls.caFile`).
 */
function defined<T extends object>(o: T | undefined, dropNull = false): Partial<T> {
  const out: Record<string, unknown> = {};
  if (o === undefined) return out as Partial<T>;
  // `__proto__` would set the copy's prototype (and leak values through it): never copied.
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || k === '__proto__' || (dropNull && v === null)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}

/**
 * Merges decoded layers over the defaults, section by section (decoded layers hold known keys only); `env` places
 * a relative log file in the per-user state folder.
 */
function merge(layers: readonly ConfigFile[], env: NodeJS.ProcessEnv): Config {
  // `log.file: null` means "no file"; elsewhere `null` means "not set".
  const pick = <S extends keyof Config>(s: S): Config[S] =>
    Object.assign({}, DEFAULT_CONFIG[s], ...layers.map((l) => defined(l[s] as object | undefined, s !== 'log'))) as Config[S];
  const metrics = pick('metrics');
  return {
    server: pick('server'),
    tls: pick('tls'),
    session: pick('session'),
    socket: pick('socket'),
    filters: pick('filters'),
    metrics: metrics.timeZone === 'local' ? { ...metrics, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } : metrics,
    log: withStatePath(pick('log'), env),
    resources: pick('resources'),
    state: pick('state'),
    journal: pick('journal'),
    cti: pick('cti'),
  };
}

/** A relative log file is in the per-user state folder, never in the working directory (state-dir.ts). */
function withStatePath(log: Config['log'], env: NodeJS.ProcessEnv): Config['log'] {
  return log.file === null || log.file === '' ? log : { ...log, file: statePath(log.file, env) };
}

/** The server keys the environment can set, and how to read each. */
const ENV_KEYS = [
  ['IPECS_HOST', 'host'],
  ['IPECS_PORT', 'port'],
  ['IPECS_USER', 'userId'],
  ['IPECS_PASSWORD', 'password'],
] as const;

/** Reads IPECS_* into a server section (port parsed as a number); problems for unusable values. */
function envLayer(env: NodeJS.ProcessEnv, problems: ConfigProblem[]): Record<string, unknown> {
  const server: Record<string, unknown> = {};
  for (const [name, key] of ENV_KEYS) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    if (key === 'port') {
      const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > 65_535) {
        problems.push({ file: `(env ${name})`, path: 'server.port', expected: 'an integer 1-65535 (port)', found: describeFound(v, false) });
        continue;
      }
      server[key] = n;
    } else {
      server[key] = v;
    }
  }
  return Object.keys(server).length === 0 ? {} : { server };
}

/** Decodes one layer; problems are appended. */
function decodeLayer(raw: unknown, file: string, problems: ConfigProblem[]): ConfigFile {
  const r = ConfigFileCodec.decode(raw);
  if (E.isLeft(r)) {
    problems.push(...toProblems(r.left, file));
    return {};
  }
  return r.right;
}

/** Final checks on the merged configuration: required keys and cross-field rules. */
function finalChecks(config: Config, source: string, problems: ConfigProblem[]): void {
  const s = config.server;
  const need = (path: string, value: string, how: string): void => {
    if (value.trim() === '') problems.push({ file: source, path, expected: `a non-empty string (${how})`, found: 'nothing (missing)' });
  };
  need('server.host', s.host, 'or env IPECS_HOST');
  need('server.userId', s.userId, 'or env IPECS_USER');
  if (s.password === '') problems.push({ file: source, path: 'server.password', expected: 'a non-empty string (or env IPECS_PASSWORD)', found: 'nothing (missing)' });
  if (config.socket.backoffBaseMs > config.socket.backoffCapMs) {
    problems.push({ file: source, path: 'socket.backoffBaseMs', expected: `at most socket.backoffCapMs (${config.socket.backoffCapMs})`, found: `${config.socket.backoffBaseMs}` });
  }
  if (config.session.loginRetryBaseMs > config.session.loginRetryCapMs) {
    problems.push({ file: source, path: 'session.loginRetryBaseMs', expected: `at most session.loginRetryCapMs (${config.session.loginRetryCapMs})`, found: `${config.session.loginRetryBaseMs}` });
  }
}

function resolveLayers(fileLayer: { raw: unknown; file: string } | undefined, input: ConfigInput | undefined, env: NodeJS.ProcessEnv, source: string): LoadedConfig {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const layers: ConfigFile[] = [];
  if (fileLayer !== undefined) {
    if (isPlainObject(fileLayer.raw)) warnings.push(...unknownKeyWarnings(fileLayer.raw, fileLayer.file));
    layers.push(decodeLayer(fileLayer.raw, fileLayer.file, problems));
  }
  layers.push(decodeLayer(envLayer(env, problems), '(environment)', problems));
  if (input !== undefined) {
    if (isPlainObject(input)) warnings.push(...unknownKeyWarnings(input, source));
    // `undefined` values of an explicit input mean "not set": the codec lets them through and `merge` drops them.
    layers.push(decodeLayer(input, source, problems));
  }
  const config = merge(layers, env);
  if (problems.length === 0) finalChecks(config, source, problems);
  if (problems.length > 0) throw new ConfigError('CONFIG_INVALID', problems);
  if (config.tls.insecure) warnings.push(`${source}: tls.insecure is true: the PBX certificate will not be verified`);
  return { config, warnings };
}

/**
 * Validates a configuration passed in code (as `connect()` receives it) over the defaults and the IPECS_*
 * environment variables (the input wins over the environment). Throws {@link ConfigError} (`CONFIG_INVALID`)
 * listing every problem.
 *
 * @param source names the input in problems and warnings (default `(options)`).
 */
export function resolveConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env, source = OPTIONS_SOURCE): LoadedConfig {
  return resolveLayers(undefined, input, env, source);
}

/**
 * Loads a JSON configuration file, applies the IPECS_* environment variables over it and the defaults under it.
 * Throws {@link ConfigError}: `CONFIG_NOT_FOUND` (cannot read), `CONFIG_NOT_JSON` (syntax, with line and column),
 * `CONFIG_INVALID` (every problem at once). Warns about unknown keys and about a password in a file that group or
 * others can read.
 */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env, overrides?: ConfigInput): LoadedConfig {
  const read = readJsonFile(path);
  if (!read.ok) {
    throw new ConfigError(read.code, [read.problem], read.code === 'CONFIG_NOT_FOUND' ? 'Configuration file not found' : 'Configuration file is not JSON');
  }
  const raw = read.raw;
  const loaded = resolveLayers({ raw, file: path }, overrides, env, path);
  const warnings = [...loaded.warnings];
  const fileHasPassword = isPlainObject(raw) && isPlainObject(raw['server']) && typeof raw['server']['password'] === 'string' && raw['server']['password'] !== '';
  if (fileHasPassword && process.platform !== 'win32') {
    try {
      const mode = statSync(path).mode & 0o777;
      if ((mode & 0o077) !== 0) {
        warnings.push(`${path}: holds a password but is readable by group or others (mode ${mode.toString(8).padStart(3, '0')}); run chmod 600 or use IPECS_PASSWORD`);
      }
    } catch {
      // The file was just read; a failing stat is not worth an error.
    }
  }
  return { config: loaded.config, warnings };
}

/**
 * Where a configuration comes from: a file (with `overrides` over it, as the CLI's flags give them), or an object
 * (as `connect()` and the CLI take it).
 */
export type ConfigSource = { readonly configFile: string; readonly overrides?: ConfigInput } | ConfigInput;

/** {@link loadConfigFile} for `{ configFile }`, {@link resolveConfig} for an object. */
export function loadConfig(source: ConfigSource, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return 'configFile' in source ? loadConfigFile(source.configFile, env, source.overrides) : resolveConfig(source, env);
}
