// Public API of ipecs-rx. Every export is named here on purpose; nothing under src/internal is exported.

/* Protocol: typed events and the catalogue */
export type { AcdEvent, Party, PartyType, DecodeError, DecodeErrorReason } from './protocol/acd-event.js';
export { isDecodeError, numericField } from './protocol/acd-event.js';
export { ACD_CODES, acdCodeInfo, acdCodeName } from './protocol/catalogue.js';
export type { AcdCodeInfo, PartyKind, CallRefKind, CodeStatus } from './protocol/catalogue.js';

/* Connection states */
export type { ConnectionState, CloseReason, RawFrame } from './socket/types.js';

/* Configuration */
export type { Config, ConfigInput, ServerConfig, TlsConfig, SessionConfig, SocketConfig, FiltersConfig, MetricsConfig, LogConfig, ResourcesConfig } from './config/config.js';
export { DEFAULT_CONFIG } from './config/config.js';

/* Logging */
export type { Logger, LogLevel, LogFields } from './logging/logger.js';
export { silentLogger } from './logging/logger.js';
