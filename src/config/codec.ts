// io-ts codec of the configuration file (res/ipecs.conf) and of `connect()`'s ConfigInput. Every section and key is
// optional (defaults come from DEFAULT_CONFIG); unknown keys are stripped here and reported as warnings by the
// loader. Range rules live in the codecs themselves, so one decode reports every problem at once, each with a
// readable `expected` (the codec's name).

import * as t from 'io-ts';

/** A custom codec from a predicate; `name` is what a problem report says was expected. */
function refined<A>(name: string, is: (u: unknown) => u is A): t.Type<A, A> {
  return new t.Type<A, A, unknown>(name, is, (u, c) => (is(u) ? t.success(u) : t.failure(u, c)), (a) => a);
}

/** An integer in `[min, max]`. */
function intIn(min: number, max: number, name = `an integer ${min}-${max}`): t.Type<number, number> {
  return refined(name, (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max);
}

// Timers in Node accept at most 2^31-1 ms.
const MAX_TIMER = 2_147_483_647;

/** A duration in milliseconds, > 0. */
const PositiveMs = intIn(1, MAX_TIMER, 'a positive integer (milliseconds)');
/** A duration in milliseconds, ≥ 0. */
const NonNegativeMs = intIn(0, MAX_TIMER, 'an integer ≥ 0 (milliseconds)');
/** A TCP port. */
const Port = intIn(1, 65_535, 'an integer 1-65535 (port)');

const Str = refined('a string', (u): u is string => typeof u === 'string');
const NonEmpty = refined('a non-empty string', (u): u is string => typeof u === 'string' && u.trim() !== '');
const Bool = refined('true or false', (u): u is boolean => typeof u === 'boolean');

function oneOf<const L extends readonly string[]>(values: L): t.Type<L[number], L[number]> {
  return refined(`one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (u): u is L[number] => typeof u === 'string' && values.includes(u));
}

/** `HH:MM`, 00:00-23:59. */
const HourMinute = refined('a time "HH:MM" (00:00-23:59)', (u): u is string => typeof u === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(u));

/** An IANA time zone the runtime knows (checked through Intl), or `"local"` for the host's zone. */
const TimeZone = refined('an IANA time zone (e.g. "Europe/London") or "local"', (u): u is string => {
  if (typeof u !== 'string' || u.trim() === '') return false;
  if (u === 'local') return true;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: u });
    return true;
  } catch {
    return false;
  }
});

/** A URL path beginning with `/`. */
const UrlPath = refined('a path starting with "/"', (u): u is string => typeof u === 'string' && u.startsWith('/') && !/\s/.test(u));

/** An optional setting: a non-empty string, or `null` for "not set" (so the example file can list every key). */
const OptionalString = refined('a non-empty string or null', (u): u is string | null => u === null || (typeof u === 'string' && u.trim() !== ''));

/** An optional fingerprint, `null` for none. */
const OptionalFingerprint = refined('a SHA-256 fingerprint (64 hex digits, colons optional) or null', (u): u is string | null => u === null || (typeof u === 'string' && /^[0-9a-f]{64}$/i.test(u.replace(/:/g, ''))));

/** A file path or `null`. */
const FileOrNull = refined('a file path or null', (u): u is string | null => u === null || (typeof u === 'string' && u.trim() !== ''));

/** A station filter entry: a station number (JSON number or digit string) or a `"low-high"` range (low ≤ high). */
const StationEntry = new t.Type<string, string, unknown>(
  'a station number or a "low-high" range',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u === 'number' && Number.isInteger(u) && u >= 0) return t.success(String(u));
    if (typeof u === 'string') {
      const s = u.trim();
      if (/^\d+$/.test(s)) return t.success(s);
      const m = /^(\d+)\s*-\s*(\d+)$/.exec(s);
      if (m !== null && Number(m[1]) <= Number(m[2])) return t.success(`${m[1] ?? ''}-${m[2] ?? ''}`);
    }
    return t.failure(u, c);
  },
  (s) => s,
);

/** A group number (JSON number or digit string), kept as a string. */
const GroupEntry = new t.Type<string, string, unknown>(
  'a group number',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u === 'number' && Number.isInteger(u) && u >= 0) return t.success(String(u));
    if (typeof u === 'string' && /^\d+$/.test(u.trim())) return t.success(u.trim());
    return t.failure(u, c);
  },
  (s) => s,
);

/** An ACD event code. */
const EventCode = intIn(0, 999, 'an event code (integer 0-999)');

/** The sections of the file, each key optional; `t.exact` strips unknown keys. */
const configSections = {
  server: t.exact(
    t.partial({
      host: NonEmpty,
      port: Port,
      userId: NonEmpty,
      password: Str,
      type: oneOf(['server', 'client'] as const),
      apiVersion: NonEmpty,
      socketPath: UrlPath,
    }),
  ),
  tls: t.exact(t.partial({ caFile: OptionalString, fingerprint256: OptionalFingerprint, insecure: Bool })),
  session: t.exact(
    t.partial({
      keepAlive: oneOf(['ping', 'checkconnection'] as const),
      probeIntervalMs: NonNegativeMs,
      loginBudget: intIn(1, 1_000, 'an integer 1-1000'),
      loginWindowMs: PositiveMs,
      loginRetryBaseMs: PositiveMs,
      loginRetryCapMs: PositiveMs,
      alreadyLoginRetryCapMs: PositiveMs,
      alreadyLoginGiveUpMs: PositiveMs,
      tokenFile: OptionalString,
      requestTimeoutMs: PositiveMs,
      logoutTimeoutMs: PositiveMs,
    }),
  ),
  socket: t.exact(
    t.partial({
      backoffBaseMs: PositiveMs,
      backoffCapMs: PositiveMs,
      backoffFloorMs: NonNegativeMs,
      minUptimeMs: NonNegativeMs,
      heartbeatIntervalMs: PositiveMs,
      heartbeatTimeoutMs: PositiveMs,
      handshakeTimeoutMs: PositiveMs,
      maxFrameBytes: intIn(1_024, 256 * 1_048_576, 'an integer 1024-268435456 (bytes)'),
      shareGraceMs: NonNegativeMs,
    }),
  ),
  filters: t.exact(
    t.partial({
      stations: t.array(StationEntry, 'a list of station numbers or "low-high" ranges'),
      groups: t.array(GroupEntry, 'a list of group numbers'),
      eventsAllowed: t.array(EventCode, 'a list of event codes'),
      eventsBlocked: t.array(EventCode, 'a list of event codes'),
    }),
  ),
  metrics: t.exact(
    t.partial({
      resetTime: HourMinute,
      timeZone: TimeZone,
      tickMs: PositiveMs,
      serviceLevelSeconds: intIn(0, 86_400, 'an integer 0-86400 (seconds)'),
      shortAbandonSeconds: intIn(0, 86_400, 'an integer 0-86400 (seconds)'),
      maxCallAgeMs: PositiveMs,
      lateReportSeconds: intIn(0, 3_600, 'an integer 0-3600 (seconds)'),
      summaryPerEvent: Bool,
    }),
  ),
  log: t.exact(
    t.partial({
      file: FileOrNull,
      level: oneOf(['error', 'warn', 'info', 'debug'] as const),
      console: Bool,
      maxSize: intIn(1_024, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1024 (bytes)'),
      maxFiles: intIn(1, 1_000, 'an integer 1-1000'),
    }),
  ),
  resources: t.exact(t.partial({ language: NonEmpty, languageFile: NonEmpty, commandsFile: NonEmpty })),
  state: t.exact(t.partial({ file: OptionalString, checkpointMs: PositiveMs })),
  journal: t.exact(t.partial({ file: FileOrNull })),
  cti: t.exact(t.partial({ seed: Bool })),
} as const;

/** The section names, in file order. */
export const SECTION_NAMES = Object.keys(configSections) as (keyof typeof configSections)[];

/** The keys each section knows (for the unknown-key warning). */
export const SECTION_KEYS: Readonly<Record<keyof typeof configSections, readonly string[]>> = Object.fromEntries(
  SECTION_NAMES.map((s) => [s, Object.keys(configSections[s].type.props)]),
) as unknown as Record<keyof typeof configSections, readonly string[]>;

/** io-ts codec of the whole file: every section optional, unknown sections stripped. */
export const ConfigFileCodec = t.exact(t.partial(configSections), 'a configuration object');

/** The decoded file: partial sections of known keys only. */
export type ConfigFile = t.TypeOf<typeof ConfigFileCodec>;
