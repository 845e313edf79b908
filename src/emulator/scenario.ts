// Scenario files: NDJSON in res/scenarios, one `{"delayMs": n, "acd": {code, …}}` per line (see its README.md).

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import type { AcdWireInput } from './format.js';

/** One scripted event: wait `delayMs` after the previous one, then send `acd`. */
export interface ScenarioLine {
  readonly delayMs: number;
  readonly acd: AcdWireInput;
}

/** The folder holding the bundled scenarios (`res/scenarios` at the package root, from src/ or dist/). */
export function scenariosDir(): string {
  return fileURLToPath(new URL('../../res/scenarios/', import.meta.url));
}

/** Resolves a bundled scenario name (`inbound-answered`) or a path to a file. */
export function resolveScenario(nameOrPath: string): string {
  if (/^[a-z0-9-]+$/i.test(nameOrPath)) return path.join(scenariosDir(), `${nameOrPath}.ndjson`);
  return path.resolve(nameOrPath);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Parses scenario text; blank lines and lines starting with `//` are skipped. Throws on a bad line, naming it. */
export function parseScenario(text: string, name = 'scenario'): ScenarioLine[] {
  const out: ScenarioLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${name}:${i + 1}: not JSON`);
    }
    if (!isRecord(v) || !isRecord(v['acd']) || typeof v['acd']['code'] !== 'number') {
      throw new Error(`${name}:${i + 1}: expected {"delayMs": n, "acd": {"code": n, …}}`);
    }
    const delay = v['delayMs'];
    out.push({ delayMs: typeof delay === 'number' && delay > 0 ? delay : 0, acd: v['acd'] as unknown as AcdWireInput });
  });
  return out;
}

/** Reads and parses a scenario by name or path. */
export async function loadScenario(nameOrPath: string): Promise<ScenarioLine[]> {
  const file = resolveScenario(nameOrPath);
  return parseScenario(await readFile(file, 'utf8'), path.basename(file));
}
