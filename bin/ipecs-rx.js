#!/usr/bin/env node
// The ipecs-rx command. It runs the built library in dist/: `npm install` in a clone builds it (the `prepare`
// script), an installed package ships it. In a clone where src/ changed after the last build, it says so in one
// line and runs the source through tsx (a dev dependency) instead of old code; `npm run build` refreshes dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
const source = join(root, 'src');

/** The newest modification time under `dir` (ms). */
function newest(dir) {
  let t = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    t = Math.max(t, d.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let entry = built;
if (existsSync(source) && (!existsSync(built) || newest(source) > statSync(built).mtimeMs)) {
  try {
    const { register } = await import('tsx/esm/api');
    register();
    entry = join(source, 'cli', 'main.ts');
    process.stderr.write(`ipecs-rx: running from src/ (${existsSync(built) ? 'it changed after the last build' : 'dist/ is not built'}; npm run build makes dist/)\n`);
  } catch {
    if (!existsSync(built)) {
      process.stderr.write('ipecs-rx: dist/ is not built and tsx is not installed: run npm install (or npm run build)\n');
      process.exit(1);
    }
  }
}

const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now, so the process ends by itself; this unref'd timer only makes sure a stray handle
// in a host environment cannot keep a finished command alive.
setTimeout(() => process.exit(code), 3000).unref();
