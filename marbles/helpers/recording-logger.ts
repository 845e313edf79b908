// A Logger that records what it is given (with the virtual time), for asserting what a stream logs.
import type { LogFields, Logger } from '../../src/logging/logger.js';
import type { SchedulerLike } from 'rxjs';

/** One recorded log line. */
export interface LogRecord {
  readonly at: number;
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly message: string;
  readonly fields: LogFields;
}

/** A Logger writing into `records`, stamped with `scheduler.now()`. */
export function recordingLogger(scheduler: SchedulerLike, records: LogRecord[] = []): Logger & { readonly records: LogRecord[] } {
  const at = (level: LogRecord['level']) => (message: string, fields: LogFields = {}): void => {
    records.push({ at: scheduler.now(), level, message, fields });
  };
  const logger: Logger & { readonly records: LogRecord[] } = {
    records,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}
