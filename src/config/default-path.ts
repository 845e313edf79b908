// Where the install folder is: two levels up from this module (src/config/ in development, dist/config/ when
// built), so `res/` is found wherever the package is installed, whatever the working directory.

import { fileURLToPath } from 'node:url';
import { dirname, isAbsolute, resolve } from 'node:path';

/** The package's install folder (the one holding `res/`). */
export function installDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Resolves a path against the install folder; an absolute path is returned unchanged. */
export function installPath(rel: string): string {
  return isAbsolute(rel) ? rel : resolve(installDir(), rel);
}

/** The default configuration file: `res/ipecs.conf` of the install folder. */
export function defaultConfigPath(): string {
  return installPath('res/ipecs.conf');
}
