// The labels of `ipecs_build_info`: the installed package's version and the Node.js runtime.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installDir } from '../config/default-path.js';

/** `{ version, nodejs }` of this install; `version` is `unknown` if package.json cannot be read. */
export function buildInfo(): Readonly<Record<'version' | 'nodejs', string>> {
  let version = 'unknown';
  try {
    const pkg: unknown = JSON.parse(readFileSync(join(installDir(), 'package.json'), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') version = pkg.version;
  } catch {
    // An install without package.json still serves its figures.
  }
  return { version, nodejs: process.version };
}
