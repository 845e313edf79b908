// The emulator's public shapes. Other helpers' tests code against these names: keep them stable.

import type { AcdWireInput } from './format.js';
import type { ApiRequestRecord } from './http.js';
import type { SmdrRecordInput, SmdrStoredRecord } from './smdr-store.js';

/** Options of the simulated CTI devices. */
export interface CtiDeviceOptions {
  /** Number of extensions (physical indexes 1..n). Default 120 (the login's terminalCount). */
  readonly devices?: number;
  /** The first extension number. Default 1000. */
  readonly firstDevice?: number;
  /** Extensions that start unregistered. */
  readonly unregistered?: readonly string[];
  /**
   * Also send the simulated centre's SMDR records live (`{"event":"smdr"}`). Default false: they are stored (GET
   * finds them) but the centre's sockets carry ACD frames only, as before.
   */
  readonly centreSmdrLive?: boolean;
  /**
   * Spec-literal quirks, to harden clients: `" held"`, `" hold"`, `" unregistered"` with a leading space,
   * `setmuteon` for `muteon`, `"confroommember "` as the type of the conference-group member event. Default off.
   */
  readonly quirks?: boolean;
}

/** A PBX account the emulator knows: a Web API (`server`) account or a station user (`client` type). */
export interface EmulatorAccount {
  readonly userId: string;
  readonly password: string;
  readonly kind: 'server' | 'station';
  /**
   * Server accounts only; all default to true. Enforced per resource: no `acd` → no ACD frames on its socket; no
   * `cti` → 403 `serviceNotSupported` (102) for every CTI request and no `terminalCount`; no `smdr` → 403
   * `License error` (3) for SMDR and no live records.
   */
  readonly privileges?: { readonly acd?: boolean; readonly smdr?: boolean; readonly cti?: boolean };
}

/** The simulated contact centre's knobs. Times are in simulated seconds. */
export interface CentreOptions {
  /** PRNG seed; the same seed (and startTime) gives the same event sequence. Default 1. */
  readonly seed?: number;
  /** Simulated seconds per real second (60 = one hour per minute). Default 1. */
  readonly speed?: number;
  /** Stations in the building (the first `agents` of them are ACD agents). Default 12. */
  readonly stations?: number;
  /** Default 8. */
  readonly agents?: number;
  /** ACD groups (bin numbers 1..groups). Default 2. */
  readonly groups?: number;
  /** CO lines (1..trunks). Default 8. */
  readonly trunks?: number;
  /** Mean inbound arrivals per simulated hour. Default 60. */
  readonly arrivalPerHour?: number;
  /** Mean talk time. Default 180. */
  readonly handleSeconds?: number;
  /** Wrap-up time. Default 30. */
  readonly wrapSeconds?: number;
  /** Mean caller patience in the queue. Default 60. */
  readonly patienceSeconds?: number;
  /** Mean outbound calls per simulated hour. Default 12. */
  readonly outboundPerHour?: number;
  /** The first station number. Default 1000. */
  readonly firstStation?: number;
  /** Epoch ms of simulated second 0 (the PBX clock). Live default: now (whole second); generator default: 2026-01-05 08:00 local. */
  readonly startTime?: number;
  /**
   * For a run whose simulated seconds are the client's own clock (the pure generator fed to a reducer): the client's
   * `metrics.lateReportSeconds`. When set, now and then a 67 names an ended outbound call's key after that window (a
   * new outbound call by docs/metrics.md §2, counted by the ground truth). Default 0: never (live, the emulator's
   * clock can jump and the client's window is in real time).
   */
  readonly dialAfterWindowSeconds?: number;
}

/**
 * A live centre's options: the model's, and where in its day it goes live. `warm` starts it mid-day: the model first
 * runs unseen (no frame is sent, nothing waits) for `warm` simulated seconds (`true` = 3 h, an 08:00 shift start
 * going live after 11:00), then on to the first second at which a call rings, one is queued and one is connected
 * (at most 4 simulated hours more), and goes live there, its PBX clock at now. What happened before is in the
 * ground truth, the SMDR store and {@link Emulator.centreInfo}; a client connecting meets calls in progress.
 */
export interface LiveCentreOptions extends CentreOptions {
  readonly warm?: boolean | number;
}

/** One station of the centre at an instant. */
export interface CentreStationState {
  readonly station: string;
  /** The ACD agent id of an agent station (`0001`, …); absent for the other stations. */
  readonly agentId?: string;
  readonly inService: boolean;
  /** Busy in a call (17 … 18). */
  readonly busy: boolean;
  /** In after-call work (15 … 16). */
  readonly wrap: boolean;
  readonly dnd: boolean;
  /** ACD groups logged in to, primary first; empty when logged out (or not an agent). */
  readonly groups: readonly number[];
  /** Logged in and unavailable (13 … 14). */
  readonly unavailable: boolean;
}

/** One call in progress at an instant. */
export interface CentreCallState {
  readonly callRefId: number;
  readonly trunk: number;
  readonly direction: 'inbound' | 'outbound';
  /** The ACD group of an inbound call. */
  readonly group?: number;
  readonly state: 'queued' | 'ringing' | 'connected' | 'held';
  /** The station it rings at or talks on (absent while queued). */
  readonly station?: string;
  /** The station a transfer of it rings meanwhile. */
  readonly transferTo?: string;
  /** The far end's number. */
  readonly number: string;
}

/** What the simulated centre is doing at one instant. */
export interface CentreState {
  /** Simulated seconds since the centre's day started. */
  readonly simSeconds: number;
  /** The PBX time of that instant. */
  readonly asOf: string;
  readonly stations: readonly CentreStationState[];
  /** Ascending callRefId. */
  readonly calls: readonly CentreCallState[];
  readonly counts: {
    readonly stationsInService: number;
    readonly stationsBusy: number;
    readonly agentsLoggedIn: number;
    readonly agentsUnavailable: number;
    readonly ringing: number;
    readonly queued: number;
    readonly connected: number;
    readonly held: number;
  };
}

/** How a live centre was started, to recompute any part of its day with the pure functions of centre.ts. */
export interface CentreInfo {
  readonly running: boolean;
  /** Every option resolved (seed, speed, startTime = the PBX time of simulated second 0, …). */
  readonly options: Required<CentreOptions>;
  /** The simulated second it went live at (0 without `warm`): what came before was never sent. */
  readonly liveFrom: number;
  /** Simulated seconds now (or when it stopped). */
  readonly simSeconds: number;
}

/** How the emulator is started. */
export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8743; 0 = a free port (read `.port`). */
  readonly port?: number;
  /** Default true (HTTPS + WSS with a fresh self-signed certificate); false = plain HTTP + WS. */
  readonly tls?: boolean;
  /** Default: one server account `acd`/`acd` with every privilege. */
  readonly accounts?: readonly EmulatorAccount[];
  /** The session timeout reported as `checkConnectionTimer`. Default 120. */
  readonly sessionTimeoutSeconds?: number;
  /** Most server accounts logged in at once. Default 3. */
  readonly maxAccounts?: number;
  /** After a logout or expiry the account keeps answering "Already Login" this long. Default 0. */
  readonly alreadyLoginGraceMs?: number;
  /** Real-box style blanks (spaces) and zero-padded numbers. Default true. */
  readonly padBlanks?: boolean;
  /** Code 68 TIME & DATE every minute on the minute (while the centre is off; the centre sends its own). Default true. */
  readonly timeAndDate?: boolean;
  /** The simulated contact centre (with `warm`: already in mid-day state); default false (tests inject events). */
  readonly centre?: LiveCentreOptions | false;
  /** Receives one line per notable happening. Never receives a password or token. Default silent. */
  readonly logger?: (line: string) => void;
  /** The simulated CTI terminals (default 120 extensions from 1000, all registered). */
  readonly cti?: CtiDeviceOptions;
  /**
   * Keep a log of every frame written to a socket (`sentFrames()`, `GET /admin/sent-frames`), so a test can check a
   * client or a bridge against what the PBX really sent. Default false (the log grows with every frame).
   */
  readonly recordSent?: boolean;
  /**
   * A station (`client`) account gets no events at all (§2.4: no ACD, no CTI, no live SMDR), so its WebSocket
   * upgrade is refused with 403 `{"code":3,"message":"License error"}` (`refuse`, the default, A-47), or accepted and
   * sent nothing but what a test injects with `sendRaw` (`accept`).
   */
  readonly stationSockets?: StationSockets;
}

/** One frame the emulator wrote (see {@link EmulatorOptions.recordSent}). */
export interface SentFrame {
  /** 1-based, in sending order. */
  readonly seq: number;
  /** Wall-clock instant of the write (epoch ms). */
  readonly at: number;
  /** The frame as written: text, or base64 for a binary or non-UTF-8 frame. */
  readonly text: string;
  readonly binary: boolean;
  /** How many sockets it was written to (a frame with no open socket is not logged). */
  readonly sockets: number;
}

/**
 * How `faults.refuseLogins` refuses: `already-login` (401 "Already Login", the spec's "web server still cleaning
 * up", §1.5), `too-many-logins` (401 code 99, the three-account limit, A-39), or `unavailable` (503: not in the
 * spec, for a test that wants a web server in trouble).
 */
export type LoginRefusal = 'already-login' | 'too-many-logins' | 'unavailable';

/** What a station (`client`) account's WebSocket upgrade gets: refused with 403 (default), or accepted and sent nothing. */
export type StationSockets = 'refuse' | 'accept';

/** What `faults.expireSessions` does to the sockets of the sessions it ends. */
export type ExpireSocketsMode = 'drop' | 'close' | 'keep';

/** Seconds per state of one station (simulated seconds). */
export interface StationTruth {
  inService: number;
  idle: number;
  busy: number;
  wrap: number;
}

/** Seconds per state of one agent (simulated seconds). */
export interface AgentTruth {
  loggedIn: number;
  available: number;
  unavailable: number;
}

/**
 * What the simulated centre really did, by the definitions of docs/metrics.md, over the centre's events so
 * far, open intervals included up to `simSeconds`. Times are simulated seconds (a client clocked on wall
 * time measures them divided by `speed`).
 */
export interface GroundTruth {
  readonly running: boolean;
  readonly seed: number;
  readonly speed: number;
  /** Simulated seconds since the centre started (the instant open intervals are closed at). */
  readonly simSeconds: number;
  /** The PBX time of that instant. */
  readonly asOf: string;
  /** Centre events emitted (TIME & DATE included). */
  readonly events: number;
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly outbound: number;
  readonly stationsInService: number;
  readonly agentsLoggedIn: number;
  readonly callsInQueue: number;
  /** Sums, as the summary's `total…Time` fields. */
  readonly totals: {
    readonly loggedIn: number;
    readonly available: number;
    readonly unavailable: number;
    readonly idle: number;
    readonly busy: number;
    readonly wrap: number;
    readonly hold: number;
  };
  readonly stations: Readonly<Record<string, StationTruth>>;
  readonly agents: Readonly<Record<string, AgentTruth>>;
}

/** Server-side counters, for reliability tests. */
export interface EmulatorCounters {
  logins: number;
  loginFailures: number;
  alreadyLogin: number;
  logouts: number;
  socketsOpened: number;
  socketsOpen: number;
  upgradesRefused: number;
  framesSent: number;
  sessionsExpired: number;
}

/** Kinds of hostile frame `faults.sendMalformed` can send. */
export type MalformedKind = 'invalid-json' | 'not-object' | 'no-event-code' | 'oversized' | 'binary' | 'invalid-utf8';

/** Fault injection. */
export interface EmulatorFaults {
  /** Kills every open WebSocket abruptly (the client sees 1006). Sessions stay. */
  dropSockets(): void;
  /** On: open sockets (and new ones) get nothing, and pings go unanswered; TCP stays open. Off: back to normal. */
  halfOpen(on: boolean): void;
  /**
   * Every login is refused for this many seconds (of the emulator's clock), by default as the spec's PBX refuses a
   * login for a while: 401 `{"error":{"code":99,"message":"Already Login"}}` (§1.5). `as` picks another refusal
   * (see {@link LoginRefusal}); a 503 only with `as: 'unavailable'`. Bad credentials are still answered code 2,
   * except under `unavailable`.
   */
  refuseLogins(seconds: number, opts?: { readonly as?: LoginRefusal }): void;
  /** On: every login gets 401 "Already Login". */
  alreadyLogin(on: boolean): void;
  /**
   * "Log out other users" (§1.5): ends every session. Its sockets are dropped (`drop`, the default: no close frame),
   * closed with a close frame (`close`: 1000 "Forced Logout", the logout type of the PBX's HTTP log), or left open
   * (`keep`: the socket stays up while every REST call of that session answers "Invalid Token").
   */
  expireSessions(opts?: { readonly sockets?: ExpireSocketsMode }): void;
  /** One hostile frame to every open socket. `size` is the oversized frame's byte length (default 2 MiB). */
  sendMalformed(kind: MalformedKind, size?: number): void;
}

/**
 * A ready client configuration for this emulator: its address, an account and the certificate pin. Plain data in
 * the shape of the client's config file (the emulator imports nothing of the client), so it can be passed to
 * `connect()` as is, spread into a larger config, or written to a file (`ipecs-rx emulate --write-config`).
 */
export interface EmulatorClientConfig {
  readonly server: { readonly host: string; readonly port: number; readonly userId: string; readonly password: string; readonly type: 'server' | 'client' };
  /** The pin of the emulator's self-signed certificate; empty for a plain (`tls: false`) emulator. */
  readonly tls: { readonly fingerprint256?: string };
}

/** A running emulator. */
export interface Emulator {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** `https://127.0.0.1:PORT` (or `http://…` when tls is false). */
  readonly baseUrl: string;
  /** The self-signed certificate (PEM), '' when tls is false. Pin it with `ca`. */
  readonly certificatePem: string;
  /** SHA-256 fingerprint as node's `X509Certificate.fingerprint256` (`AA:BB:…`), '' when tls is false. */
  readonly fingerprint256: string;
  /**
   * A client configuration that reaches this emulator in one step (host, port, account, pin). `userId` picks an
   * account (default: the first server account, `acd`/`acd` unless `accounts` was set).
   */
  clientConfig(opts?: { readonly userId?: string }): EmulatorClientConfig;
  /** One ACD event to every open socket of an ACD-privileged server account. */
  sendAcd(event: AcdWireInput): void;
  /** A frame, verbatim, to every open socket. */
  sendRaw(frame: string | Buffer, opts?: { binary?: boolean }): void;
  /** Plays an NDJSON scenario (a name in res/scenarios or a path); resolves when the last event is sent. */
  playScenario(nameOrPath: string, opts?: { speed?: number }): Promise<void>;
  /** Starts the simulated centre (stopping a running one); `warm` starts it mid-day ({@link LiveCentreOptions}). */
  startCentre(opts?: LiveCentreOptions): void;
  /**
   * Moves the emulator's clock forward by `seconds` at once (§10.1 item 17): the session timers see the time pass
   * (an idle session with no open socket expires, the Already-Login grace and refused logins end), the PBX time of
   * later frames moves on, and a running centre runs the simulated time those seconds stand for (seconds × speed),
   * sending its events now, in order. Nothing waits for real time. Also `POST /admin/clock/advance?seconds=N`.
   */
  advanceClock(seconds: number): void;
  stopCentre(): void;
  /**
   * What the centre really did, from the start of its day (a warm start's unseen history included) to now, or to
   * `atSimSeconds` (recomputed from the same seed and start: any instant, past or still to come).
   */
  groundTruth(opts?: { readonly atSimSeconds?: number }): GroundTruth;
  /** What the centre is doing now, or at `atSimSeconds` (recomputed); undefined when no centre ran. */
  centreState(opts?: { readonly atSimSeconds?: number }): CentreState | undefined;
  /** How the centre was started and where it is; undefined when no centre ran. */
  centreInfo(): CentreInfo | undefined;
  counters(): EmulatorCounters;
  /** Every frame written so far, oldest first; empty unless started with `recordSent: true`. */
  sentFrames(): readonly SentFrame[];
  /**
   * Every CTI, SMDR and click-to-call request received with a valid token on a known endpoint and method (refused
   * ones included): method, path, query, parsed body; oldest first.
   */
  apiRequests(): readonly ApiRequestRecord[];
  /** Adds an SMDR record (Index assigned) and sends it live to SMDR-privileged server sockets. */
  smdrAdd(record: SmdrRecordInput): SmdrStoredRecord;
  /** The SMDR store, ascending Index. */
  smdrRecords(): readonly SmdrStoredRecord[];
  /** Registers/unregisters a CTI device: `registered`/`unregistered` events to its monitors, presence `block`. */
  setRegistered(deviceNumber: string, registered: boolean): void;
  readonly faults: EmulatorFaults;
  /** n ACD events as fast as the sockets drain. */
  burst(n: number): Promise<{ sent: number; ms: number }>;
  /** Kills every socket, drops every session, stops listening for `downMs`, then listens on the same port. */
  restart(opts?: { downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}
