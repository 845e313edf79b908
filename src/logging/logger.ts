// The logging seam: the library depends on this interface, never on winston directly.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Structured fields of a log record. Secrets in them are redacted by the implementation. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * What every box logs through. `child()` names a component (`{ component: 'socket' }`).
 * The default implementation is winston (`createLogger` in `logging/winston-logger.ts`).
 */
export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A logger that drops everything (for hosts that bring none). */
export const silentLogger: Logger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  child: () => silentLogger,
};
