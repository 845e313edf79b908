// Public API of ipecs-rx. Every export is named here on purpose; nothing under src/internal is exported.

/* Client: connect() and its streams — start here */
export { connect } from './client.js';
export type { IpecsClient, ConnectInput, ConnectDeps, ClientStats } from './client.js';

/* Legacy hooks API of the original wrapper (a thin shim over connect()) */
export { IpecsAPI, ipecsAPI } from './hooks/ipecs-api.js';
export type { LegacyHook, HookCause } from './hooks/ipecs-api.js';
export { connectionPayload, fatalPayload } from './hooks/connection-payload.js';
export type { LegacyConnectionPayload } from './hooks/connection-payload.js';

/* Protocol: typed events and the catalogue */
export type { AcdEvent, Party, PartyType, DecodeError, DecodeErrorReason, MalformedReason } from './protocol/acd-event.js';
export { isDecodeError, numericField, MALFORMED_REASONS, MAX_ENVELOPE_DEPTH, OTHER_EVENT_KINDS } from './protocol/acd-event.js';
export { ACD_CODES, acdCodeInfo, acdCodeName } from './protocol/catalogue.js';
export type { AcdCodeInfo, PartyKind, CallRefKind, CodeStatus } from './protocol/catalogue.js';

/* Connection states */
export type { ConnectionState, CloseReason, RawFrame } from './socket/types.js';

/* Configuration */
export type { Config, ConfigInput, ServerConfig, TlsConfig, SessionConfig, SocketConfig, FiltersConfig, MetricsConfig, LogConfig, ResourcesConfig, JournalConfig, CtiConfig } from './config/config.js';
export { DEFAULT_CONFIG } from './config/config.js';

/* Logging */
export type { Logger, LogLevel, LogFields } from './logging/logger.js';
export { silentLogger } from './logging/logger.js';

/* Connection: session (REST), socket (WebSocket), the connection owner */
export { createConnection, socketPaths } from './socket/connection.js';
export type { PbxConnection, ConnectionStats, ConnectionDeps, SocketOpener } from './socket/connection.js';
export { retryBackoff, backoffDelay } from './retry/retry-backoff.js';
export type { RetryBackoffOptions, RetryInfo } from './retry/retry-backoff.js';
export { heartbeat } from './socket/heartbeat.js';
export type { HeartbeatOptions } from './socket/heartbeat.js';
export { webSocket$, classifyClose, classifyUpgradeStatus } from './socket/web-socket.js';
export type { SocketEvent, SocketHandle } from './socket/types.js';
export { createSession, classifyLoginResponse } from './session/session.js';
export type { Session, SessionToken, SessionStats, SessionRequest, SessionDeps } from './session/session.js';
export { createAxiosTransport } from './session/http-transport.js';
export type { HttpTransport, HttpRequest, HttpResponse, AxiosTransportOptions } from './session/http-transport.js';
export { createTlsPolicy, normaliseFingerprint } from './session/tls.js';
export type { TlsPolicy } from './session/tls.js';
export {
  PbxError,
  isPbxError,
  AuthError,
  PermissionError,
  AlreadyLoginError,
  LoginBudgetError,
  LoginResponseError,
  SessionExpiredError,
  HttpStatusError,
  NetworkError,
  TlsPinError,
  TlsConfigError,
  TlsVerifyError,
  SocketError,
  ClientClosedError,
  ALREADY_LOGIN_ADVICE,
  causeOf,
} from './session/errors.js';
export type { PbxErrorCode, ErrorDisposition } from './session/errors.js';

/* Streams */
export { decodeFrames, DECODE_LOG_INTERVAL_MS } from './streams/decode-frames.js';
export type { DecodeFramesOptions } from './streams/decode-frames.js';
export { filterEvents, compileFilters } from './streams/filter-events.js';
export { eventGroup, normalizeGroup, sameGroup } from './protocol/group.js';
export type { FilterReason, EventFilter } from './streams/filter-events.js';
export { acdPipeline } from './streams/pipeline.js';
export type { AcdPipeline, AcdPipelineOptions, PipelineStats } from './streams/pipeline.js';
export { acdEventStreams, changesOfKind } from './streams/event-streams.js';
export type { AcdEventStreams, ChangeOfKind } from './streams/event-streams.js';

/* Metrics */
export { initialMetricsState, reduceMetrics } from './metrics/reducer.js';
export { summarize, sameFigures, meanSeconds, abandonRateOf, serviceLevelOf, serviceLevelDivisor } from './metrics/summarize.js';
export { combinePeriods, partsOf, addParts, ratiosOf, emptySummary, NO_PARTS } from './metrics/combine.js';
export type { RatioParts, Ratios } from './metrics/combine.js';
export { createSummary } from './metrics/summary.js';
export type { SummaryOptions, SummaryStreams, SummaryUpdate } from './metrics/summary.js';
export { toLegacySummary, legacyHookPayload } from './metrics/legacy.js';
export type { LegacySummary, LegacyHookPayload, LegacyHookPayloads } from './metrics/legacy.js';
export { resetClock, parseResetTime } from './metrics/reset-time.js';
// State continuity (docs/state-continuity.md): the checkpoint codec, the restore decision and the stores.
export { encodeCheckpoint, decodeCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './metrics/checkpoint.js';
export type { Checkpoint, CheckpointIdentity, CheckpointProblem, DecodedCheckpoint } from './metrics/checkpoint.js';
export { planRestore } from './metrics/restore.js';
export type { PeriodSummary, RestoreOutcome, RestorePlan } from './metrics/restore.js';
export { fileCheckpointStore } from './state/file-store.js';
export type { CheckpointStore } from './state/store.js';
export type {
  AcdSummary,
  GroupSummary,
  StationSummary,
  MetricsState,
  MetricsInput,
  Change,
  ChangeKind,
  CallEntity,
  StationEntity,
  AgentEntity,
  CallDirection,
  CallRecord,
  StationRecord,
  TrunkRecord,
  GroupRecord,
  CoverageSummary,
  CoverageRecord,
  SeedInput,
  SeedStation,
  GapInput,
} from './metrics/types.js';
export { resumeAfterGap } from './metrics/reducer.js';
export { coverageNote, describeCoverage } from './serve/coverage-note.js';

/* Protocol: wire shapes and decoders (issue 2) */
export { decodeAcdFrame, decodeAcdMessage, EXCERPT_CHARS } from './protocol/decode.js';
export { decodeLoginResponse, decodeApiError, LoginResponseCodec, ApiErrorBodyCodec, NumberFromWire } from './protocol/rest.js';
export type { LoginResponse, ApiErrorBody } from './protocol/rest.js';
export {
  AcdEnvelope,
  CallEventEnvelope,
  CtiEventData,
  CtiEventTypeFromWire,
  PresenceEventData,
  PresenceEventEnvelope,
  SmdrRecord,
  SmdrResponse,
  SmdrEventEnvelope,
  DeviceResultList,
  StringFromWire,
  BooleanFromWire,
  StringListFromWire,
  CTI_EVENT_TYPES,
  PRESENCE_STATUSES,
  normaliseCtiType,
  normalisePresenceStatus,
} from './protocol/wire.js';
export type { CtiEventType, CtiEventDataT, PresenceStatus } from './protocol/wire.js';
export {
  RINGING_TYPES,
  FORWARD_TYPES,
  CONFERENCE_ACTIONS,
  SMDR_CALL_TYPES,
  DISCONNECT_KINDS,
  SMDR_DISCONNECT_CAUSES,
  CTI_CAUSE_CODES,
  ERROR_CODES,
  CTI_ERROR_NAMES,
  errorCodeName,
  ctiErrorCode,
  dialledDigit,
  disconnectCause,
} from './protocol/catalogue.js';
export type { ErrorResource, CodeName } from './protocol/catalogue.js';

/* Configuration: loading and resources (issue 2) */
export { loadConfig, loadConfigFile, resolveConfig, ConfigError } from './config/load.js';
export type { ConfigProblem, ConfigErrorCode, LoadedConfig, ConfigSource } from './config/load.js';
export { defaultConfigPath, installPath, installDir } from './config/default-path.js';
export { loadResources, createMessages, expandTemplate } from './config/resources.js';
export type { Messages, CommandTemplate, CommandTemplates } from './config/resources.js';

/* Logging: winston logger, redaction, escaping (issue 2) */
export { createLogger } from './logging/winston-logger.js';
export type { LoggerOptions } from './logging/winston-logger.js';
export { redact, redactString, REDACTED } from './logging/redact.js';
export { escapeForLog } from './logging/escape.js';

/* Serve */
export { createWallboardServer, defaultWallboardDir } from './serve/server.js';
export type { WallboardServer, WallboardServerOptions, WallboardAddress } from './serve/server.js';
export { createPrometheusRegistry } from './serve/prometheus.js';
export type { PrometheusSources, FeedStats } from './serve/prometheus.js';
export { healthOf, DEFAULT_FRESHNESS_MS } from './serve/health.js';
export type { HealthInput, HealthReport } from './serve/health.js';
export { DEFAULT_THRESHOLDS, decodeThresholds, levelOf } from './serve/thresholds.js';
export type { Threshold, ThresholdKey, WallboardThresholds, Level } from './serve/thresholds.js';
export { decodeServeSettings, DEFAULT_SERVE_SETTINGS } from './serve/settings.js';
export type { ServeSettings } from './serve/settings.js';
export { wallboardView, agentRows, agentBoardState, countAgents } from './serve/view.js';
export type { WallboardView, AgentRow, AgentBoardState, AgentCounts, GroupRow } from './serve/view.js';

/* Journal */
export { recordJournal } from './journal/record.js';
export type { RecordJournalOptions, JournalRecorder, JournalRecordStats, JournalRecordResult, JournalHeaderInput } from './journal/record.js';
export { replayJournal, JournalFormatError } from './journal/replay.js';
export { VirtualClock } from './journal/virtual-clock.js';
export { warmStart } from './journal/warm-start.js';
export type { WarmStart, WarmStartOptions } from './journal/warm-start.js';
export type { ReplayJournalOptions, ReplayResult, ReplayProgress } from './journal/replay.js';
export { JOURNAL_VERSION, encodeFrame, decodeEntry, decodeHeader } from './journal/format.js';
export type { JournalHeader, JournalEntry } from './journal/format.js';

/* CTI */
export { createCti } from './cti/cti.js';
export type { CtiClient, CtiDeps, CtiCommands, DeviceResult, SmdrClient, SmdrQueryOptions } from './cti/cti.js';
export { trackSerials } from './cti/serial-gaps.js';
export type { CtiGap, CtiItem, CtiTracked } from './cti/serial-gaps.js';
export { stationSeed$, stationOfStatus } from './cti/seed.js';
export { CTI_COMMANDS } from './cti/commands.js';
export type { CtiCommandName, CtiCommandSpec, CtiParams, CtiResult, Terminal } from './cti/commands.js';
export { CtiError, CtiRequestError, CtiResponseError } from './cti/errors.js';
/** The SMDR query builder (`smdrQuery.eq('StationNumber', '1003')`, `smdrQuery.or(…)`, …), as one namespace. */
export * as smdrQuery from './cti/smdr-query.js';
export type { SmdrComparison, SmdrField, SmdrFilter, SmdrValue } from './cti/smdr-query.js';
export { CTI_EVENT_FIELDS, ctiCauseMessage, decodeCtiEventData, decodeCtiFrame } from './protocol/cti-events.js';
export type { CallEvent, CallEventOf, CtiDecodeFailure, CtiFieldKind, CtiFrame, PresenceEvent } from './protocol/cti-events.js';

/* Multi-site and NATS */
export { connectMany, siteIdProblems, SITE_ID_PATTERN } from './multi/connect-many.js';
export type { MultiSiteClient, ConnectManyDeps } from './multi/connect-many.js';
export { combineSummaries, summaryParts, overallConnection, siteKey, withSite } from './multi/combine.js';
export type { SummaryParts } from './multi/combine.js';
export { deriveStreams, periodRounds } from './multi/assemble.js';
export type { DerivedStreams } from './multi/assemble.js';
export { wallboardFeed } from './multi/wallboard-source.js';
export type { WallboardFeed } from './multi/wallboard-source.js';
export type { SiteEvent, SiteConnectionState, SiteSummary, MultiSiteSummary, MultiSitePeriod, MultiSiteStats, SiteStats, MultiSiteStreams, SiteInput } from './multi/types.js';
export { startBridge } from './bridge/bridge.js';
export { fatalErrors, fatalLine, healthKey } from './bridge/site-health.js';
export type { SiteFatal, SiteHealth, FatalSource } from './bridge/site-health.js';
export { natsUrlProblems, splitNatsUrls } from './bridge/nats-url.js';
export type { Bridge, BridgeOptions, BridgeStats, BridgeSiteStats } from './bridge/bridge.js';
export { fromJetStream } from './bridge/consumer.js';
export type { FromJetStreamOptions, JetStreamFeed, SiteOrderStats, MissingGap } from './bridge/consumer.js';
export { createSiteOrder, admit, caughtUp, expireHeld, restartHoldClock, heldCount } from './bridge/reorder.js';
export type { SiteOrder, ReorderPolicy, Release } from './bridge/reorder.js';
export { createPublisher } from './bridge/publisher.js';
export type { AsyncPublisher, PublisherOptions, PublishOutcome } from './bridge/publisher.js';
export { natsSourceOptions } from './bridge/serve-source.js';
export { resolveNames, ensureStream, ensureBucket } from './bridge/setup.js';
export type { JetStreamNames, ResolvedNames } from './bridge/setup.js';
export { eventSubject, gapSubject, stateSubject, periodSubject, siteFilter, streamSubjects, parseSubject, DEFAULT_STREAM, DEFAULT_BUCKET, DEFAULT_PREFIX } from './bridge/subjects.js';
export type { SubjectKind } from './bridge/subjects.js';
export { checkpointKey } from './bridge/kv-checkpoint.js';
export { formatMessageId, parseMessageId, compareMessageIds } from './bridge/message-id.js';
export type { MessageId } from './bridge/message-id.js';
export { createOutbox, offer, restore, flushDrops, takeToSend, ackSent, failSent, failAll, canSend, pendingCount, pendingMessages } from './bridge/outbox.js';
export type { Outbox, OutboxPolicy, OutMessage, Draft, DropRun, Sent } from './bridge/outbox.js';
export { openSpool, readSpool, spoolPath, nextEpoch } from './bridge/spool.js';
export type { Spool } from './bridge/spool.js';
