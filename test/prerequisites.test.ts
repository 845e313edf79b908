// npm test's system prerequisites (test/prerequisites.ts): found from the test files' own sources (and their local
// imports), left out with one loud line each on a machine without them, a failure under CI=true.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { excludedForMissingPrerequisites, filesNeeding } from './prerequisites.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm test prerequisites', () => {
  it('knows which test files need chromium, nats-server and promtool, through their imports too', () => {
    const needs = Object.fromEntries([...filesNeeding(root)].map(([p, files]) => [p.name, files]));
    expect(needs.chromium).toContain('test/serve/wallboard-browser.test.ts');
    // bridge-e2e names no program itself: it imports the nats-server helper.
    expect(needs['nats-server']).toContain('test/bridge/bridge-e2e.test.ts');
    expect(needs.promtool).toContain('test/serve/monitoring.test.ts');
    expect(needs.chromium).not.toContain('test/serve/rules.test.ts');
  });

  it('without a program: its files are left out, with one line naming it and its install command', () => {
    const lines: string[] = [];
    const excluded = excludedForMissingPrerequisites(root, false, (l) => lines.push(l), ['chromium', 'promtool']);
    expect(excluded).toContain('test/serve/wallboard-browser.test.ts');
    expect(excluded).toContain('test/serve/monitoring.test.ts');
    expect(excluded).not.toContain('test/bridge/bridge-e2e.test.ts');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/SKIPPING — chromium is not installed: .*Install it with: apt-get install -y chromium/);
    expect(lines[1]).toMatch(/SKIPPING — promtool is not installed: .*Install it with: apt-get install -y prometheus/);
  });

  it('under CI=true a missing program fails the run', () => {
    expect(() => excludedForMissingPrerequisites(root, true, () => undefined, ['nats-server'])).toThrow(/^CI=true: nats-server is not installed: .*apt-get install -y nats-server/);
    expect(excludedForMissingPrerequisites(root, true, () => undefined, [])).toEqual([]);
  });
});
