// A size-rotating file stream for the JSON-lines log (winston writes into it through its Stream transport).
//
// Why not winston's own File transport: measured on winston 3.19 (issue 2 report), a burst of records that
// crosses `maxsize` lost every record written during the rotation, and `end()` then never emitted 'finish'.
// Log lines here are few (info and above; per-event lines are debug), so plain synchronous appends are simple,
// ordered and lose nothing. Rotation is a chain of renames: `x.log` → `x.log.1` → … → `x.log.<maxFiles-1>`.

import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';

/** Options of {@link RotatingFileStream}. */
export interface RotatingFileOptions {
  readonly filename: string;
  /** Rotate when the current file would grow past this many bytes. */
  readonly maxSize: number;
  /** Files kept, the current one included (≥ 1). */
  readonly maxFiles: number;
  /** Told about every write or rotation failure; the chunk is dropped and the stream stays usable. */
  readonly onError?: (error: unknown) => void;
}

/**
 * A Writable that appends each chunk to `filename` (mode 0600, folder created), rotating by size. It never errors
 * (a failed write is reported through `onError` and dropped; the next write reopens the file) and closes the file
 * on `end()`.
 */
export class RotatingFileStream extends Writable {
  private fd: number | undefined;
  private size = 0;
  private readonly filename: string;
  private readonly maxSize: number;
  private readonly maxFiles: number;
  private readonly onError: (error: unknown) => void;

  constructor(options: RotatingFileOptions) {
    super({ decodeStrings: true });
    this.filename = options.filename;
    this.maxSize = Math.max(1, options.maxSize);
    this.maxFiles = Math.max(1, Math.floor(options.maxFiles));
    this.onError = options.onError ?? (() => undefined);
    mkdirSync(dirname(this.filename), { recursive: true });
  }

  private open(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.filename, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
    }
    return this.fd;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }

  private rotate(): void {
    this.closeFile();
    if (this.maxFiles === 1) {
      rmSync(this.filename, { force: true });
      return;
    }
    rmSync(`${this.filename}.${this.maxFiles - 1}`, { force: true });
    for (let i = this.maxFiles - 2; i >= 1; i--) {
      const from = `${this.filename}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.filename}.${i + 1}`);
    }
    if (existsSync(this.filename)) renameSync(this.filename, `${this.filename}.1`);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    try {
      this.open();
      if (this.size > 0 && this.size + chunk.length > this.maxSize) this.rotate();
      writeSync(this.open(), chunk);
      this.size += chunk.length;
    } catch (e) {
      this.closeFile();
      this.onError(e);
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeFile();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeFile();
    callback(error);
  }
}
