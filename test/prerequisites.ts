// The system programs some tests need (README: "npm test" and its prerequisites), found once when vitest loads its
// config. A test file needs a program when its source, or a local module it imports (transitively), names it (the
// markers below), so a new test file is covered without a list to keep. Without the program, on a developer's
// machine, those files are left out and ONE loud line says what is missing and how to install it; under CI=true a
// missing program fails the run, because CI installs them (.ci/run) and they must always run there. A file that
// needs a program for a few of its tests only (the README's code blocks) checks it per test instead, and says so
// with the line `// prerequisites: checked per test`.

import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, relative, resolve } from 'node:path';

/** A system program some tests need. */
export interface Prerequisite {
  readonly name: string;
  /** How to install it (Debian). */
  readonly install: string;
  /** A test file needs it when its source matches this. */
  readonly marker: RegExp;
  /** Is it on this machine? */
  readonly found: () => boolean;
}

const runs = (bin: string, args: readonly string[]): boolean => spawnSync(bin, args, { stdio: 'ignore' }).status === 0;

export const PREREQUISITES: readonly Prerequisite[] = [
  {
    name: 'chromium',
    install: 'apt-get install -y chromium',
    marker: /['"]playwright-core['"]/,
    found: () => runs('/usr/bin/chromium', ['--version']),
  },
  {
    name: 'nats-server',
    install: 'apt-get install -y nats-server',
    marker: /['"]nats-server['"]/,
    found: () => ['nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server'].some((bin) => runs(bin, ['--version'])),
  },
  {
    name: 'promtool',
    install: 'apt-get install -y prometheus',
    marker: /['"]promtool['"]/,
    found: () => runs('promtool', ['--version']),
  },
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' || d.name === 'artifacts' ? [] : tsFiles(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

/** The test files (relative to `root`) that need each prerequisite, through their own source or a local import. */
export function filesNeeding(root: string): Map<Prerequisite, string[]> {
  const self = resolve(root, 'test', 'prerequisites.ts');
  const files = [...tsFiles(join(root, 'test')), ...tsFiles(join(root, 'marbles'))].filter((f) => f !== self);
  const source = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
  // Local imports within test/ and marbles/ (`from './x.js'` → x.ts).
  const imports = new Map(
    files.map((f) => [f, [...(source.get(f) ?? '').matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map((m) => resolve(dirname(f), `${m[1] ?? ''}.ts`)).filter((x) => source.has(x))]),
  );
  const needs = (p: Prerequisite, f: string, seen: Set<string>): boolean => {
    if (seen.has(f)) return false;
    seen.add(f);
    return p.marker.test(source.get(f) ?? '') || (imports.get(f) ?? []).some((g) => needs(p, g, seen));
  };
  // A test file that checks a program itself, per test, says so with this line and is never left out whole.
  const tests = files.filter((f) => f.endsWith('.test.ts') && !(source.get(f) ?? '').includes('// prerequisites: checked per test'));
  return new Map(PREREQUISITES.map((p) => [p, tests.filter((f) => needs(p, f, new Set())).map((f) => relative(root, f))]));
}

/** The prerequisite named `name`, for a file that checks it per test. */
export function prerequisite(name: string): Prerequisite {
  const p = PREREQUISITES.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no prerequisite ${name}`);
  return p;
}

/**
 * The test files to leave out on this machine. Prints one line per missing prerequisite; throws under CI=true
 * (`ci`), where nothing may be skipped. `pretendMissing` (env IPECS_TEST_PRETEND_MISSING, comma-separated names)
 * takes programs away, to see this path on a complete machine.
 */
export function excludedForMissingPrerequisites(root: string, ci: boolean, warn: (line: string) => void, pretendMissing: readonly string[] = []): string[] {
  const excluded: string[] = [];
  for (const [p, files] of filesNeeding(root)) {
    if (files.length === 0 || (!pretendMissing.includes(p.name) && p.found())) continue;
    const line = `${p.name} is not installed: ${files.length} test file${files.length === 1 ? '' : 's'} need${files.length === 1 ? 's' : ''} it (${files.join(', ')}). Install it with: ${p.install}`;
    if (ci) throw new Error(`CI=true: ${line}`);
    warn(`\n*** npm test: SKIPPING — ${line} ***\n`);
    excluded.push(...files);
  }
  return excluded;
}
