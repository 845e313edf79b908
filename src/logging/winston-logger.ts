// The default Logger: winston, one root logger per client, `child()` per component. JSON lines to a size-rotated
// file (our RotatingFileStream: winston's File transport loses records while rotating), readable lines on stderr,
// and an optional stream (tests capture through it). Every record passes the redaction and escaping format before
// any transport sees it. The library never sets handleExceptions.

import { once } from 'node:events';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { LogFields, LogLevel, Logger } from './logger.js';
import { escapeForLog } from './escape.js';
import { REDACTED, redactString, redactWith } from './redact.js';
import { RotatingFileStream } from './rotating-file.js';

/** Longest message kept in a record (characters of the original, before escaping). */
export const MAX_MESSAGE_CHARS = 2_000;
/** Longest string field kept in a record (stacks get more room). */
export const MAX_FIELD_CHARS = 1_000;
const MAX_STACK_CHARS = 4_000;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The log id: every record carries it as `label`. */
  readonly label: string;
  readonly level: LogLevel;
  /** JSON-lines file (its folder is created), or `null` for none. */
  readonly file: string | null;
  /** Readable output on stderr. */
  readonly console: boolean;
  /** Rotate the file at this many bytes… */
  readonly maxSize: number;
  /** …keeping this many files. */
  readonly maxFiles: number;
  /** Extra JSON-lines destination (tests capture output through it). */
  readonly stream?: NodeJS.WritableStream;
  /** Literal secret values (the password) scrubbed from every string, whatever key or text carries them. */
  readonly secrets?: readonly string[];
}

/** Shortest literal secret scrubbed (shorter values would censor ordinary text). */
const MIN_SECRET_CHARS = 4;

/** Replaces every occurrence of the literal secrets in `s`. */
function scrub(s: string, secrets: ReadonlySet<string>): string {
  let out = s;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Keys winston and our record layout own; a field of the same name is kept under `field.<name>`. */
const RESERVED = new Set(['level', 'message', 'label', 'timestamp', 'splat']);

/** Builds one record: redacted, escaped and truncated fields, then the message, label and level on top. */
function buildRecord(level: LogLevel, label: string, message: string, fields: LogFields, secrets: ReadonlySet<string>): Record<string, unknown> {
  const clean = redactWith(fields, {
    string: (v, key) => escapeForLog(scrub(v, secrets), key === 'stack' ? MAX_STACK_CHARS : MAX_FIELD_CHARS),
    key: (k) => escapeForLog(scrub(k, secrets), 100),
  });
  const rec: Record<string, unknown> = {};
  if (typeof clean === 'object' && clean !== null && !Array.isArray(clean)) {
    for (const [k, v] of Object.entries(clean)) {
      const key = RESERVED.has(k) ? `field.${k}` : k;
      if (key === '__proto__') Object.defineProperty(rec, key, { value: v, enumerable: true, writable: true, configurable: true });
      else rec[key] = v;
    }
  }
  rec['level'] = level;
  rec['message'] = escapeForLog(scrub(redactString(typeof message === 'string' ? message : String(message)), secrets), MAX_MESSAGE_CHARS);
  rec['label'] = label;
  return rec;
}

/** The readable console line: `time level [label/component] message key=value …`. */
const consoleLine = winston.format.printf((info) => {
  const { level, message, label, timestamp, component, ...rest } = info as Record<string, unknown>;
  const where = typeof component === 'string' ? `${String(label)}/${component}` : String(label);
  const extra = Object.entries(rest)
    .filter(([k]) => typeof k === 'string')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(timestamp)} ${String(level).toUpperCase().padEnd(5)} [${where}] ${String(message)}${extra === '' ? '' : ` ${extra}`}`;
});

class WinstonLogger implements Logger {
  constructor(
    private readonly w: winston.Logger,
    private readonly label: string,
    private readonly base: LogFields,
    private readonly secrets: ReadonlySet<string>,
  ) {}

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.w.isLevelEnabled(level)) return;
    try {
      const merged = fields === undefined ? this.base : { ...this.base, ...fields };
      this.w.log(buildRecord(level, this.label, message, merged, this.secrets) as winston.LogEntry);
    } catch {
      // Logging must never break the caller (a closed logger, a hostile getter in fields).
    }
  }

  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  child(fields: LogFields): Logger {
    return new WinstonLogger(this.w, this.label, { ...this.base, ...fields }, this.secrets);
  }
}

/**
 * Creates the default logger (winston). JSON lines go to `file` (folder created; rotated at `maxSize` bytes keeping
 * `maxFiles`) and to `stream`; readable lines go to stderr when `console` is set. Every record is redacted
 * ({@link redact}) and every string escaped and truncated ({@link escapeForLog}) before any transport sees it.
 * File errors (disk full, permissions) are reported once on stderr and never thrown. `close()` flushes and ends
 * every transport. `options.secrets` and `addSecret(value)` (e.g. each new session token) add literal values scrubbed
 * from every string of every record, whatever key or text carries them.
 */
export function createLogger(options: LoggerOptions): Logger & { close(): Promise<void>; addSecret(value: string): void } {
  const json = winston.format.combine(winston.format.timestamp(), winston.format.json());
  const transports: winston.transports.StreamTransportInstance[] = [];
  let fileStream: RotatingFileStream | undefined;
  if (options.file !== null && options.file !== '') {
    const fileName = options.file;
    let reported = false;
    fileStream = new RotatingFileStream({
      filename: fileName,
      maxSize: options.maxSize,
      maxFiles: options.maxFiles,
      onError: (e) => {
        // Reported once: the logger has no other channel, and a full disk must not flood stderr.
        if (reported) return;
        reported = true;
        const why = e instanceof Error ? e.message : String(e);
        process.stderr.write(`ipecs-rx: log file ${escapeForLog(fileName, 200)} failed: ${escapeForLog(why, 200)}\n`);
      },
    });
    const file = new winston.transports.Stream({ stream: fileStream, format: json });
    file.on('error', () => undefined);
    transports.push(file);
  }
  if (options.stream !== undefined) {
    const s = new winston.transports.Stream({ stream: options.stream, format: json });
    s.on('error', () => undefined);
    transports.push(s);
  }
  if (options.console) {
    // Through a forwarding stream rather than winston's Console transport (which writes through the global console's stderr) or a
    // Stream on process.stderr itself (which would change the global stream's listener limit).
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        process.stderr.write(chunk);
        callback();
      },
    });
    const con = new winston.transports.Stream({ stream: stderr, format: winston.format.combine(winston.format.timestamp(), consoleLine) });
    con.on('error', () => undefined);
    transports.push(con);
  }
  const w = winston.createLogger({
    level: options.level,
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    // winston's typings declare transports as interfaces, which this rule cannot match to the class.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports,
    exitOnError: false,
    // With no transport winston warns on every write; a silent logger is a legitimate configuration here.
    silent: transports.length === 0,
  });
  w.on('error', () => undefined);
  // Per logger, shared with its children: `addSecret` (e.g. a new session token) covers every component at once.
  const secrets = new Set<string>();
  const addSecret = (value: string): void => {
    if (value.length >= MIN_SECRET_CHARS) secrets.add(value);
  };
  for (const s of options.secrets ?? []) addSecret(s);
  const root = new WinstonLogger(w, options.label, {}, secrets);
  let closing: Promise<void> | undefined;
  return Object.assign(root, {
    addSecret,
    close(): Promise<void> {
      closing ??= (async () => {
        const finished = transports.map((t) => once(t, 'finish').then(() => undefined, () => undefined));
        w.end();
        await Promise.all(finished);
        if (fileStream !== undefined && !fileStream.writableFinished) {
          const fileClosed = once(fileStream, 'finish').then(() => undefined, () => undefined);
          fileStream.end();
          await fileClosed;
        }
      })();
      return closing;
    },
  });
}
