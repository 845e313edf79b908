// The typed configuration every box receives. The file format (res/ipecs.conf) decodes into this shape;
// every key has a default except the server's host and credentials. Durations are milliseconds unless the key
// says otherwise.

import type { LogLevel } from '../logging/logger.js';

/** Where and as whom to connect. */
export interface ServerConfig {
  /** PBX host name or IP address. Env `IPECS_HOST`. */
  readonly host: string;
  /** Web API service port (PGM 160 item 30). Env `IPECS_PORT`. Default 8743. */
  readonly port: number;
  /** Web API account (server) or station number (client). Env `IPECS_USER`. */
  readonly userId: string;
  /** Never logged. Env `IPECS_PASSWORD`. */
  readonly password: string;
  /** `server` for a Web API account, `client` for a station user. Default `server`. */
  readonly type: 'server' | 'client';
  /** Default `v1`. */
  readonly apiVersion: string;
  /**
   * WebSocket path after the host. `{id}` is replaced by the user id. Default `/ipxapi`; on 404 the client tries
   * the spec's other paths (`/ipxapi/server/v1/users/{id}/acd`, `…/login`) in turn.
   */
  readonly socketPath: string;
}

/** TLS trust. Verified by default; `insecure` is an explicit per-client opt-out. */
export interface TlsConfig {
  /** A PEM file of CA certificates (or the PBX's self-signed certificate) to trust. */
  readonly caFile?: string;
  /** Pin: the server certificate's SHA-256 fingerprint (hex, colons optional). Works with IP hosts. */
  readonly fingerprint256?: string;
  /** Skip verification for this client only (logs a warning). Default false. */
  readonly insecure: boolean;
}

/** The REST session. */
export interface SessionConfig {
  /** `ping` (WebSocket ping while a socket is open, check-connection otherwise), or `checkconnection` always. */
  readonly keepAlive: 'ping' | 'checkconnection';
  /**
   * With `keepAlive: 'ping'`, while a socket is open: one check-connection this often anyway, only to find out
   * whether the session still exists (a session ended under an open socket is found within this + `requestTimeoutMs`).
   * 0: never. Default 60 000.
   */
  readonly probeIntervalMs: number;
  /**
   * Failed login attempts allowed within `loginWindowMs` before the client stops and reports (never lock the
   * account): refused credentials and other failures; "Already Login" refusals have their own window
   * (`alreadyLoginGiveUpMs`). A successful login clears the count.
   */
  readonly loginBudget: number;
  readonly loginWindowMs: number;
  /** Backoff between login retries ("Already Login", refused logins). */
  readonly loginRetryBaseMs: number;
  readonly loginRetryCapMs: number;
  /**
   * Longest wait between two "Already Login" retries: the client gets in at most this long after the PBX frees the
   * session. Default 10 000.
   */
  readonly alreadyLoginRetryCapMs: number;
  /**
   * How long "Already Login" is retried (from the first refusal) before giving up: checkConnectionTimer (120 s by
   * default) + margin. A client that saw a longer checkConnectionTimer in this process waits that + 10 s.
   */
  readonly alreadyLoginGiveUpMs: number;
  /** File (mode 0600) holding the last token, so a restart can log the previous session out. */
  readonly tokenFile?: string;
  /** Timeout of one REST request. */
  readonly requestTimeoutMs: number;
  /** Bound on the logout at close. */
  readonly logoutTimeoutMs: number;
}

/** The WebSocket. */
export interface SocketConfig {
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** No reconnect sooner than this after the previous attempt. */
  readonly backoffFloorMs: number;
  /** The attempt counter resets only after a socket has stayed open this long. */
  readonly minUptimeMs: number;
  /** Ping every this often. */
  readonly heartbeatIntervalMs: number;
  /** No frame and no pong for this long after a ping: terminate and reconnect (half-open detection). */
  readonly heartbeatTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  /** Larger frames close the socket (1009) and are counted. Default 1 MiB. */
  readonly maxFrameBytes: number;
  /** How long the shared socket stays up after its last subscriber leaves. */
  readonly shareGraceMs: number;
}

/** Which events reach the metrics (metrics.md §6). Empty list = no filter. */
export interface FiltersConfig {
  /** Station numbers or `"low-high"` ranges. */
  readonly stations: readonly string[];
  /** ACD group numbers. */
  readonly groups: readonly string[];
  readonly eventsAllowed: readonly number[];
  readonly eventsBlocked: readonly number[];
}

/** The summary (metrics.md §3, §4). */
export interface MetricsConfig {
  /** Daily reset, `HH:MM`. Default `00:00`. */
  readonly resetTime: string;
  /** IANA zone of the reset. Default: the host's zone. */
  readonly timeZone: string;
  /** Tick while intervals are open. Default 1000. */
  readonly tickMs: number;
  readonly serviceLevelSeconds: number;
  readonly shortAbandonSeconds: number;
  /** A call open longer than this is expired and counted. Default 12 h. */
  readonly maxCallAgeMs: number;
  /**
   * How long an ended call's key is remembered, seconds (metrics.md §2 late reports): within it an event naming
   * the key (the final 67, 69, the other party's 44…) changes no call figure. Default 30.
   */
  readonly lateReportSeconds: number;
  /**
   * One summary per figure-changing event instead of one per burst (metrics.md §3): `summary$` and `addEventHook`
   * then emit after every event that changes a figure, at the cost of a summary per event. Default `false`: the
   * events of one socket read (one replay batch) yield one summary, equal to the per-event one after the last.
   */
  readonly summaryPerEvent?: boolean;
}

/** Logging. */
export interface LogConfig {
  /**
   * JSON-lines log file; `null` for none. A relative path is in the per-user state folder (state-dir.ts:
   * `$XDG_STATE_HOME/ipecs-rx`, else `~/.local/state/ipecs-rx`); the loaded configuration holds it resolved.
   * Default `ipecsapi.log` there.
   */
  readonly file: string | null;
  readonly level: LogLevel;
  /** Readable output on stderr. */
  readonly console: boolean;
  /** Rotate at this size (bytes), keeping `maxFiles`. */
  readonly maxSize: number;
  readonly maxFiles: number;
}

/** Resource files. Relative paths resolve against the install folder. */
export interface ResourcesConfig {
  /** Language code, e.g. `en-GB`; selects `res/lang/<language>.json` unless `languageFile` is set. */
  readonly language: string;
  readonly languageFile: string;
  readonly commandsFile: string;
}

/** State continuity across restarts (docs/state-continuity.md). */
export interface StateConfig {
  /**
   * Checkpoint file of the metrics state: written every `checkpointMs` and on close (atomically: write, fsync,
   * rename) and restored at start when it is of the same PBX, account and period. Unset: no checkpoint.
   */
  readonly file?: string;
  /** How often the checkpoint is written. Default 10 000. */
  readonly checkpointMs: number;
}

/**
 * The journal of a client (docs/cold-start.md): every raw frame recorded as NDJSON while it runs, and replayed at the
 * next start (a warm start), so figures are exact up to the last recorded frame.
 */
export interface JournalConfig {
  /**
   * The journal file, `null` for none (default). A journal of the current period is replayed at start and appended
   * to; one of an older period is moved to `<file>.1` and a new one started.
   */
  readonly file: string | null;
}

/** The CTI side at start (docs/cold-start.md). */
export interface CtiConfig {
  /**
   * At start, ask the Web API what it can tell about the stations (the terminal list, each station's call status,
   * DND and forwarding) and set the stations no event has named yet. Needs a `server` account with the CTI privilege
   * (without it the seed is skipped, with one warning). Never logs an agent in. Default false.
   */
  readonly seed: boolean;
}

/** The whole configuration. */
export interface Config {
  readonly server: ServerConfig;
  readonly tls: TlsConfig;
  readonly session: SessionConfig;
  readonly socket: SocketConfig;
  readonly filters: FiltersConfig;
  readonly metrics: MetricsConfig;
  readonly log: LogConfig;
  readonly resources: ResourcesConfig;
  readonly state: StateConfig;
  readonly journal: JournalConfig;
  readonly cti: CtiConfig;
}

/** A partial configuration, as a host passes it to `connect()` (every section optional and partial). */
export type ConfigInput = {
  readonly [K in keyof Config]?: Partial<Config[K]>;
};

/** Every default (host and credentials have none: they are `''` here and required by the loader). */
export const DEFAULT_CONFIG: Config = {
  server: { host: '', port: 8743, userId: '', password: '', type: 'server', apiVersion: 'v1', socketPath: '/ipxapi' },
  tls: { insecure: false },
  session: {
    keepAlive: 'ping',
    probeIntervalMs: 60_000,
    loginBudget: 10,
    loginWindowMs: 600_000,
    loginRetryBaseMs: 2_000,
    loginRetryCapMs: 30_000,
    alreadyLoginRetryCapMs: 10_000,
    alreadyLoginGiveUpMs: 130_000,
    requestTimeoutMs: 10_000,
    logoutTimeoutMs: 2_000,
  },
  socket: {
    backoffBaseMs: 1_000,
    backoffCapMs: 30_000,
    backoffFloorMs: 500,
    minUptimeMs: 30_000,
    heartbeatIntervalMs: 20_000,
    heartbeatTimeoutMs: 10_000,
    handshakeTimeoutMs: 10_000,
    maxFrameBytes: 1_048_576,
    shareGraceMs: 5_000,
  },
  filters: { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] },
  metrics: {
    resetTime: '00:00',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    tickMs: 1_000,
    serviceLevelSeconds: 20,
    shortAbandonSeconds: 5,
    maxCallAgeMs: 12 * 3_600_000,
    lateReportSeconds: 30,
    summaryPerEvent: false,
  },
  log: { file: 'ipecsapi.log', level: 'info', console: false, maxSize: 5_000_000, maxFiles: 5 },
  resources: { language: 'en-GB', languageFile: 'res/lang/en-GB.json', commandsFile: 'res/ipecs-commands.json' },
  state: { checkpointMs: 10_000 },
  journal: { file: null },
  cti: { seed: false },
};
