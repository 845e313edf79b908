// connect(): the composition root. It wires config → session/socket → protocol/streams → metrics and returns the
// public streams. It holds no logic of its own (architecture.md): every rule lives in a box.

import { renameSync } from 'node:fs';
import { asyncScheduler, EMPTY, filter, map, merge, mergeMap, Subject, take, takeUntil, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { Config } from './config/config.js';
import { loadConfig, type ConfigSource } from './config/load.js';
import { silentLogger, type Logger } from './logging/logger.js';
import { createLogger } from './logging/winston-logger.js';
import type { AcdEvent, DecodeError } from './protocol/acd-event.js';
import type { ConnectionState, RawFrame } from './socket/types.js';
import { createConnection, type ConnectionStats } from './socket/connection.js';
import type { HttpTransport } from './session/http-transport.js';
import { acdPipeline, type PipelineStats } from './streams/pipeline.js';
import { createSummary, type SummaryUpdate } from './metrics/summary.js';
import type { AcdSummary } from './metrics/types.js';
import { resumeAfterGap } from './metrics/reducer.js';
import { acdEventStreams, type AcdEventStreams } from './streams/event-streams.js';
import { createCti, type CtiClient, type CtiDeps } from './cti/cti.js';
import type { PeriodSummary, RestoreOutcome } from './metrics/restore.js';
import type { CheckpointStore } from './state/store.js';
import { fileCheckpointStore } from './state/file-store.js';
import { openStateContinuity } from './state/continuity.js';
import { stationSeed$ } from './cti/seed.js';
import type { GapInput, SeedInput } from './metrics/types.js';
import { warmStart, type WarmStart } from './journal/warm-start.js';
import { recordJournal, type JournalRecorder } from './journal/record.js';

/** Where the configuration comes from: a file, or an object (every key optional except host and credentials). */
export type ConnectInput = ConfigSource;

/** Optional collaborators; everything has a default. */
export interface ConnectDeps {
  /** Logger to use instead of the one built from `config.log`. */
  readonly logger?: Logger;
  /** Clock and timers of every stream (default `asyncScheduler`). Tests pass a virtual one. */
  readonly scheduler?: SchedulerLike;
  /** Jitter source for the backoff (default `Math.random`). */
  readonly random?: () => number;
  /** REST transport seam (default axios). */
  readonly transport?: HttpTransport;
  /** Environment for the `IPECS_*` overrides (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Label of the default logger (the legacy `log_id`). */
  readonly logId?: string;
  /** CTI options: the SMDR drain (delete each live record once seen) and the Get Terminal Information path. */
  readonly cti?: Pick<CtiDeps, 'smdrDrain' | 'terminalPath'>;
  /** Where the metrics checkpoint is kept, instead of the file of `state.file` (the bridge passes its KV bucket). */
  readonly checkpoint?: CheckpointStore;
  /** The journal file, over the configuration's `journal.file` (`serve --record FILE`). */
  readonly journalFile?: string;
}

/** Counters of everything the client saw: nothing is silent (received = delivered + filtered + malformed). */
export interface ClientStats extends PipelineStats, Omit<ConnectionStats, 'framesReceived'> {
  /** Calls forgotten for being older than `metrics.maxCallAgeMs`, since connect(). */
  readonly expiredCalls: number;
}

/**
 * A live connection to one PBX. Created by {@link connect}; it is already connecting.
 *
 * Every stream is hot and completes when {@link IpecsClient.close} is called.
 */
export interface IpecsClient extends AcdEventStreams {
  /** The effective configuration (secrets included: do not log it). */
  readonly config: Config;
  /**
   * The running contact-centre summary (metrics.md §3). Hot; replays the latest summary to every new subscriber;
   * emits after each burst of events that changes a figure (the frames of one socket read yield one summary, in a
   * microtask after them, equal to the per-event summary after the last; `metrics.summaryPerEvent: true` gives one
   * per event) and every `metrics.tickMs` while an interval is open; never two equal summaries in a row. Completes
   * on `close()`.
   */
  readonly summary$: Observable<AcdSummary>;
  /**
   * Every value of `summary$` with the input that caused it: the ACD event and its instant (`event` undefined for
   * the initial summary, ticks and resets). Same replay and timing as `summary$`; the legacy hooks use it.
   */
  readonly summaryUpdates$: Observable<SummaryUpdate>;
  /**
   * The closing summary of each period, emitted just before the daily reset (metrics.md §4). Hot, no replay. A
   * checkpoint of an older period found at start is emitted here once, just after `connect()` returns, marked
   * `closedBy: 'checkpoint'` (docs/state-continuity.md).
   */
  readonly periods$: Observable<PeriodSummary>;
  /**
   * What became of the checkpoint found at start (`state.file` or the `checkpoint` store): `none`, `restored` (the
   * figures go on from it), `closed` (an older period, sent to `periods$`) or `ignored` with the reason.
   */
  readonly restored: RestoreOutcome;
  /** Every decoded ACD event that passed the filters, in order. Hot, no replay: late subscribers see later events. */
  readonly events$: Observable<AcdEvent>;
  /** Every frame that did not decode, as a value (counted in `stats()`). Hot, no replay. */
  readonly errors$: Observable<DecodeError>;
  /**
   * Every raw frame as received, before decoding (journals, liveness checks). Hot, no replay; the same socket as
   * every other stream.
   */
  readonly frames$: Observable<RawFrame>;
  /** Connection states and one `gap` marker per interval without a socket. Hot; replays the latest state. */
  readonly connection$: Observable<ConnectionState>;
  /**
   * CTI call events, presence, monitor/presence subscriptions, call control, SMDR and click-to-call
   * (ipecs-webapi.md §5, §7, §8) over the same session and socket. Its streams are hot (no replay) and complete on
   * `close()`; its commands are cold Observables (`makeCall$`) or Promises (`makeCall`). The monitor and presence
   * sets are re-issued by themselves after every reconnect or re-login; `ctiGaps$` reports what may have been
   * missed. CTI needs a `server` account; click-to-call a `client` (station) one.
   */
  readonly cti: CtiClient;
  /**
   * How this client started (docs/cold-start.md): `cold` (no journal, or none of the current period: figures from
   * now on), or `warm` (the journal of the current period replayed up to its last frame, `lastAt`).
   */
  readonly start: { readonly kind: 'cold' } | { readonly kind: 'warm'; readonly lastAt: number; readonly frames: number };
  /** A snapshot of the counters. */
  stats(): ClientStats;
  /** Logs out (bounded), closes the socket, clears every timer and completes every stream. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to an iPECS PBX (or the emulator) and returns its live streams.
 *
 * @example
 * ```ts
 * const client = connect({ configFile: 'res/ipecs.conf' });
 * client.summary$.subscribe((s) => wallboard.show(s.callsInQueue, s.agentsAvailable));
 * // later
 * await client.close();
 * ```
 * @throws ConfigError when the configuration is invalid (every problem named at once).
 */
export function connect(input: ConnectInput, deps: ConnectDeps = {}): IpecsClient {
  const { config, warnings } = loadConfig(input, deps.env ?? process.env);
  // The client closes only a logger it made itself.
  const ownLogger = deps.logger ? undefined : createLogger({ label: deps.logId ?? 'ipecs-rx', ...config.log, secrets: [config.server.password] });
  const logger: Logger = deps.logger ?? ownLogger ?? silentLogger;
  for (const w of warnings) logger.warn(w);
  const scheduler = deps.scheduler ?? asyncScheduler;

  // A journal of the current period is replayed before the first socket (a warm start); an older one is set aside.
  const journalFile = deps.journalFile ?? config.journal.file;
  const warm: WarmStart | undefined = journalFile === null ? undefined : warmStart(journalFile, {
    metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, now: scheduler.now(), logger: logger.child({ component: 'journal' }),
  });
  if (warm?.kind === 'stale' && journalFile !== null) {
    renameSync(journalFile, `${journalFile}.1`);
    logger.info('journal of an earlier period set aside; cold start', { file: `${journalFile}.1` });
  }
  const resumed = warm?.kind === 'warm' ? warm : undefined;

  const connection = createConnection(config, {
    logger: logger.child({ component: 'socket' }),
    scheduler,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.transport ? { transport: deps.transport } : {}),
  });
  const pipeline = acdPipeline(connection.frames$, {
    filters: config.filters,
    maxFrameBytes: config.socket.maxFrameBytes,
    logger: logger.child({ component: 'streams' }),
    scheduler,
  });
  // State continuity (docs/state-continuity.md): the checkpoint is restored unless a journal's warm start, exact up
  // to its last frame, already gave the state; checkpoints are written either way.
  const store = deps.checkpoint ?? (config.state.file === undefined ? undefined : fileCheckpointStore(config.state.file));
  const continuity = openStateContinuity(config, store, {
    scheduler,
    logger: logger.child({ component: 'state' }),
    ...(resumed ? { notRestored: 'a journal warm start gave a newer state', restartedFrom: resumed.lastAt } : {}),
  });
  // The one restart marker, from the journal's last frame or the restored checkpoint's instant.
  const connection$ = continuity.withRestartGap(connection.connection$);

  const cti = createCti(connection, {
    logger,
    scheduler,
    account: { userId: config.server.userId, type: config.server.type, apiVersion: config.server.apiVersion },
    ...deps.cti,
  });

  // Inputs beside the events: every gap marker (coverage; a restart's is not counted), and the CTI seed once the
  // first socket is open (cti.seed, server accounts).
  const gaps$: Observable<GapInput> = connection$.pipe(
    filter((s) => s.kind === 'gap'),
    map((g): GapInput => (g.cause === 'restart' ? { kind: 'gap', at: g.at, from: g.from, to: g.to, cause: 'restart' } : { kind: 'gap', at: g.at, from: g.from, to: g.to })),
  );
  const seed$: Observable<SeedInput> = config.cti.seed && config.server.type === 'server'
    ? connection$.pipe(filter((s) => s.kind === 'open'), take(1), mergeMap(() => stationSeed$(cti, { logger: logger.child({ component: 'cti' }), scheduler })))
    : EMPTY;
  // Time from the journal's last frame to this start is counted nowhere (as a restored checkpoint's, metrics.md §4).
  let warmState = resumed ? resumeAfterGap(resumed.state, resumed.lastAt, Math.max(scheduler.now(), resumed.lastAt)) : undefined;
  const metrics = createSummary(pipeline.events$, {
    metrics: config.metrics,
    scheduler,
    logger: logger.child({ component: 'metrics' }),
    restore: continuity.restore,
    inputs$: merge(gaps$, seed$),
    initialState: () => {
      const s = warmState;
      warmState = undefined; // the journal's state starts the first core only
      return s;
    },
  });

  // Every box's streams are shared already (one socket, one decode, one summary state); the client only ends them
  // on close().
  const closed$ = new Subject<void>();
  const untilClosed = <T>(source$: Observable<T>): Observable<T> => source$.pipe(takeUntil(closed$));

  // One root subscription keeps the pipeline running from connect() on, so figures are right however late the
  // host subscribes; close() releases it.
  const root: Subscription = untilClosed(metrics.summary$).subscribe({
    error: (err: unknown) => {
      logger.error('client stopped on a fatal error', { error: err instanceof Error ? err.message : String(err) });
    },
  });
  continuity.start(metrics.state);

  // The journal: appended to after a warm start, else started with the summary's start as its `startedAt`.
  const recorder: JournalRecorder | undefined = journalFile === null ? undefined : recordJournal(connection.frames$, {
    out: journalFile,
    header: resumed?.header ?? { metrics: config.metrics, filters: config.filters, maxFrameBytes: config.socket.maxFrameBytes, source: config.server.host, startedAt: metrics.state()?.periodStart ?? scheduler.now() },
    connection$,
    scheduler,
    logger: logger.child({ component: 'journal' }),
    ...(resumed ? { append: { cutLine: resumed.cutLine } } : {}),
  });

  let closing: Promise<void> | undefined;
  return {
    config,
    summary$: untilClosed(metrics.summary$),
    summaryUpdates$: untilClosed(metrics.updates$),
    periods$: untilClosed(metrics.periods$),
    events$: untilClosed(pipeline.events$),
    errors$: untilClosed(pipeline.errors$),
    frames$: untilClosed(connection.frames$),
    connection$: untilClosed(connection$),
    restored: continuity.outcome,
    ...acdEventStreams(untilClosed(metrics.changes$)),
    cti,
    start: resumed ? { kind: 'warm', lastAt: resumed.lastAt, frames: resumed.frames } : { kind: 'cold' },
    stats: () => {
      // The pipeline's `received` is the frame count; the socket's own count of the same frames is left out.
      const { framesReceived: _sameAsReceived, ...socket } = connection.stats();
      // A restart gap marker is a gap like a socket's.
      return { ...pipeline.stats(), ...socket, gaps: socket.gaps + continuity.restartGaps(), expiredCalls: metrics.expiredCalls() };
    },
    close: () => {
      closing ??= (async () => {
        cti.close();
        await connection.close();
        await continuity.close();
        await recorder?.close();
        closed$.next();
        closed$.complete();
        root.unsubscribe();
        await ownLogger?.close();
      })();
      return closing;
    },
  };
}
