// Allocations per event, per stage (bench/run.ts).
//
// Method: V8 has no cumulative "bytes allocated" counter that Node 20 exposes (v8.getHeapStatistics() has
// none), but new objects are bump-allocated in the young generation, so between two scavenges the growth of
// heapUsed IS the bytes allocated (nothing is freed without a GC). The child (bench/allocations-child.ts) runs
// with a 512 MB semi-space so a window of thousands of frames needs no scavenge, takes heapUsed after a full GC,
// feeds the frames through one contender (the in-process contenders, batched the same way), reads heapUsed again,
// and checks with a PerformanceObserver('gc') that no GC started inside the window (else it retries with half
// the frames). Each contender is warmed up on the same frames first, so optimised code is measured. Stage
// allocations are the differences between cumulative contenders (decode, + filter, + reducer, + summary).
// The socket's own allocations (ws, TLS) are not in these figures: see the bare client's CPU in the end-to-end part.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./allocations-child.ts', import.meta.url));

/** Bytes allocated per frame by each cumulative contender, and the frames of the window that measured it. */
export type Allocations = Record<string, { bytesPerFrame: number; frames: number }>;

/** Runs the child (killed after `timeoutMs`); `onChild` sees it, so the caller can kill it on exit. */
export function measureAllocations(env: NodeJS.ProcessEnv, timeoutMs: number, onChild: (kill: () => void) => void): Promise<Allocations> {
  const child = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=512', '--min-semi-space-size=512', '--import', 'tsx', CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onChild(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => { out += d; });
  return new Promise<Allocations>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`allocations child: no result after ${String(Math.round(timeoutMs / 1000))} s`));
    }, timeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('ALLOC '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`allocations child exited with ${String(code ?? signal)}`));
        return;
      }
      resolve(JSON.parse(line.slice('ALLOC '.length)) as Allocations);
    });
  });
}
