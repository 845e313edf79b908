// `npm run soak`: the accelerated day (test/soak/soak.ts) with the full criteria. Prints the report; exit code 0
// when every check passed and post-GC heap grew less than 1 MiB over the last 80% of the run.
//
// Options: --seed N (default 1), --sim-seconds N (default 86400), --speed N (default 400),
// --fault-every MIN,MAX (simulated seconds, default 60,180), --only KIND,KIND (fault kinds, default all). Run with --expose-gc (the npm script does).

import { formatSoakReport, runSoak, type SoakFault } from './soak.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string, dflt: number): number => {
  const v = opt(name);
  return v === undefined ? dflt : Number(v);
};
const every = (opt('--fault-every') ?? '60,180').split(',').map(Number);
const HEAP_LIMIT = 1024 * 1024;

const seed = num('--seed', 1);
console.log(`soak: seed ${String(seed)} (replay with --seed ${String(seed)})`);
const report = await runSoak({
  seed,
  simSeconds: num('--sim-seconds', 86_400),
  speed: num('--speed', 400),
  faultEvery: [every[0] ?? 60, every[1] ?? 180],
  log: (line) => { console.log(line); },
  ...(opt('--only') === undefined ? {} : { only: (opt('--only') ?? '').split(',') as SoakFault[] }),
});
console.log('');
console.log(formatSoakReport(report, HEAP_LIMIT));
const failures = [...report.failures];
if (report.reconnects < 500) failures.push(`only ${String(report.reconnects)} reconnects (at least 500 wanted)`);
if (Math.max(report.heapGrowthLast80, report.heapDeltaLast80) >= HEAP_LIMIT) failures.push('heap grew 1 MiB or more over the last 80% of the run');
console.log(failures.length === 0 ? '\nsoak PASSED' : `\nsoak FAILED (seed ${String(seed)}):\n  ${failures.join('\n  ')}`);
process.exitCode = failures.length === 0 ? 0 : 1;
