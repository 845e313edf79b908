// A checkpoint in a file: written to a temporary file beside it, fsynced, renamed over it (and the folder fsynced),
// so a crash at any instant leaves the old checkpoint or the new one, never a torn file.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CheckpointStore } from './store.js';

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can open a folder (Windows): the rename is still atomic there.
  }
}

/** The checkpoint store of `path` (mode 0600; its folder is created when missing). */
export function fileCheckpointStore(path: string): CheckpointStore {
  const tmp = `${path}.${String(process.pid)}.tmp`;
  return {
    name: path,
    load: () => {
      try {
        return readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    save: (text) => {
      mkdirSync(dirname(path), { recursive: true });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      fsyncDir(dirname(path));
    },
    setAside: () => {
      try {
        renameSync(path, `${path}.rejected`);
      } catch {
        // Gone already: nothing to keep.
      }
    },
  };
}
