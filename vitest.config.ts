import { configDefaults, defineConfig } from 'vitest/config';
import { excludedForMissingPrerequisites } from './test/prerequisites.js';

// Test files that need a system program this machine lacks (chromium, nats-server, promtool) are left out with
// one loud line each; under CI=true a missing program fails the run instead (test/prerequisites.ts).
const missing = excludedForMissingPrerequisites(
  import.meta.dirname,
  process.env.CI === 'true',
  (line) => {
    process.stderr.write(`${line}\n`);
  },
  (process.env.IPECS_TEST_PRETEND_MISSING ?? '').split(',').filter((x) => x !== ''),
);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'marbles/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...missing],
    setupFiles: ['test/setup/no-unhandled.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
