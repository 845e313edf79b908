// CPU profile of the full client (bench/run.ts): one burst of n events from the emulator process to `connect()`
// with every stream subscribed (bench/e2e.ts's fullRun), sampled by V8's profiler through node:inspector in
// this process (the emulator's own CPU is in its process, not here). Self time is summed per function (name +
// file) and per file, from the samples and their time deltas; `(idle)` (waiting for the socket) is left out of
// the shares. The profiler slows the client (more µs per event than without it): read the shares, not the times.
// Written to bench/profile.txt with the machine's load.

import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorProcess } from './emulator-client.js';
import { fullRun } from './e2e.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Self time of one function or file. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) samples, %. */
  readonly share: number;
}

/** What {@link profileFullClient} found. */
export interface ProfileSummary {
  readonly events: number;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly usPerEvent: number;
  readonly topFunctions: readonly SelfTime[];
  readonly topFiles: readonly SelfTime[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function where(url: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  const nm = rel.lastIndexOf('node_modules/');
  return nm >= 0 ? rel.slice(nm + 'node_modules/'.length) : rel;
}

function top(by: Map<string, number>, busyUs: number, n: number): SelfTime[] {
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((1000 * us) / busyUs) / 10 }));
}

/** Samples the full client over one burst of n events. */
export async function profileFullClient(emu: EmulatorProcess, n: number): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await fullRun(emu, n);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const byFunction = new Map<string, number>();
    const byFile = new Map<string, number>();
    let busyUs = 0;
    let idleUs = 0;
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (const [i, id] of samples.entries()) {
      // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
      const us = deltas[i + 1] ?? 0;
      const node = byId.get(id);
      if (node === undefined) continue;
      const { functionName, url } = node.callFrame;
      if (functionName === '(idle)') {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const file = where(url);
      // No line: tsx hands V8 each module on one line, so a line number names nothing.
      const fn = `${functionName === '' ? '(anonymous)' : functionName}${file === '' ? '' : ` ${file}`}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const f = file === '' ? functionName : file;
      byFile.set(f, (byFile.get(f) ?? 0) + us);
    }
    return {
      events: n,
      busyMs: Math.round(busyUs / 1000),
      idleMs: Math.round(idleUs / 1000),
      usPerEvent: Math.round((busyUs / n) * 1000) / 1000,
      topFunctions: top(byFunction, busyUs, 10),
      topFiles: top(byFile, busyUs, 10),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/** The profile as text for bench/profile.txt. */
export function profileText(p: ProfileSummary, header: readonly string[]): string {
  const row = (s: SelfTime): string => `${s.ms.toFixed(1).padStart(9)} ms ${s.share.toFixed(1).padStart(5)} %  ${s.name}`;
  return [
    ...header,
    `Full client (connect(), every stream subscribed), one burst of ${p.events.toLocaleString('en-GB')} events over WSS from the emulator process.`,
    `Sampled every 100 µs with node:inspector (the sampling slows the client: read the shares); busy ${String(p.busyMs)} ms (${String(p.usPerEvent)} µs per event), idle ${String(p.idleMs)} ms (left out of the shares).`,
    '',
    'Top 10 functions by self time:',
    ...p.topFunctions.map(row),
    '',
    'Top 10 files by self time:',
    ...p.topFiles.map(row),
    '',
    ...(p.topFunctions.some((f) => f.name.startsWith('__name') || f.name === 'set name')
      ? ['`__name` and `set name` are the helper tsx (esbuild, keepNames) calls where a named closure is created: the bench runs src/ through tsx; dist/ (tsc) has no such call.', '']
      : []),
  ].join('\n');
}
