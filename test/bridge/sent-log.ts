// Test helpers for the exactly-once runs: a paced load of uniquely numbered ACD frames on an emulator, what one
// site's consumer received (events and gap markers, in the order it delivered them), and the check of that
// against the emulator's own log of sent frames (`recordSent`), not against any counter of the bridge.

import { performance } from 'node:perf_hooks';
import type { Emulator } from '../../src/emulator/index.js';
import type { MultiSiteStreams } from '../../src/multi/types.js';

/** One entry of what a consumer delivered for a site. */
export type Delivered =
  | { readonly kind: 'event'; readonly key: string; readonly at: number }
  | { readonly kind: 'gap'; readonly count: number | undefined; readonly detail: string; readonly at: number };

/** The numbered frames of a site: a ring (code 3) and a trunk idle (code 2), both with the call's id. */
export function sendNumberedCall(emu: Emulator, ref: number): void {
  const trunk = String((ref % 200) + 1);
  emu.sendAcd({ code: 3, callRefId: ref, source: trunk, data1: 1, data2: 5 });
  emu.sendAcd({ code: 2, callRefId: ref, source: trunk });
}

const keyOf = (code: number, ref: number): string => `${String(code)}:${String(ref)}`;

/** The keys (code:callRefId) of the numbered frames the emulator wrote to a socket, in sending order, with their instants. */
export function sentKeys(emu: Emulator): { readonly key: string; readonly at: number }[] {
  const out: { key: string; at: number }[] = [];
  for (const f of emu.sentFrames()) {
    if (f.binary) continue;
    const o = JSON.parse(f.text) as { event?: string; data?: { eventCode?: unknown; callRefID?: unknown } };
    if (o.event !== 'acd' || o.data === undefined) continue;
    const code = Number(o.data.eventCode);
    const ref = Number(o.data.callRefID);
    if ((code === 2 || code === 3) && Number.isInteger(ref) && ref > 0) out.push({ key: keyOf(code, ref), at: f.at });
  }
  return out;
}

/** Records what `feed` delivers for `siteId`, events and gap markers in one timeline (with receive instants). */
export function recordDelivered(feed: MultiSiteStreams, siteId: string): { readonly log: Delivered[]; stop(): void } {
  const log: Delivered[] = [];
  const a = feed.events$.subscribe((e) => {
    if (e.siteId === siteId && (e.code === 2 || e.code === 3) && e.callRefId !== undefined) log.push({ kind: 'event', key: keyOf(e.code, e.callRefId), at: Date.now() });
  });
  const b = feed.connection$.subscribe((s) => {
    if (s.siteId !== siteId || s.kind !== 'gap') return;
    const x = s as typeof s & { missing?: number; dropped?: number };
    log.push({ kind: 'gap', count: x.missing ?? x.dropped, detail: JSON.stringify(s), at: Date.now() });
  });
  return {
    log,
    stop: () => {
      a.unsubscribe();
      b.unsubscribe();
    },
  };
}

/** The delivered log accounts for `n` frames: every event plus the counts of the gap markers (undefined if a gap has no count). */
export function accountedFor(log: readonly Delivered[]): number {
  return log.reduce((n, d) => n + (d.kind === 'event' ? 1 : (d.count ?? 0)), 0);
}

/**
 * Checks that `delivered` is `sent` in order, each frame exactly once, except runs of frames each covered by a gap
 * marker placed where the run was, whose count is the run's length. Returns the problems (empty when it holds).
 */
export function exactlyOnceProblems(sent: readonly string[], delivered: readonly Delivered[]): string[] {
  const problems: string[] = [];
  let i = 0;
  for (let j = 0; j < delivered.length && problems.length < 5; j++) {
    const d = delivered[j];
    if (d === undefined) break;
    if (d.kind === 'gap') {
      if (d.count === undefined) {
        problems.push(`delivered[${String(j)}] is a gap marker without a count: ${d.detail}`);
        continue;
      }
      i += d.count;
      continue;
    }
    if (sent[i] === d.key) {
      i++;
      continue;
    }
    const at = sent.indexOf(d.key);
    problems.push(
      at === -1
        ? `delivered[${String(j)}] ${d.key} was never sent`
        : at < i
          ? `delivered[${String(j)}] ${d.key} again or out of order (sent #${String(at)}, expected #${String(i)} ${String(sent[i])})`
          : `delivered[${String(j)}] ${d.key} skips sent #${String(i)}..#${String(at - 1)} (${String(at - i)} frames) without a gap marker`,
    );
    if (at > i) i = at + 1;
  }
  if (problems.length === 0 && i !== sent.length) problems.push(`delivered accounts for ${String(i)} of ${String(sent.length)} sent frames`);
  return problems;
}

/** A load of numbered calls at `callsPerSecond` (2 frames each) until stopped, in 10 ms ticks; `boost` adds to the rate. */
export function pacedCalls(emu: Emulator, callsPerSecond: number, firstRef = 1): { stop(): Promise<void>; boost(extraCallsPerSecond: number): void; readonly next: () => number } {
  let ref = firstRef;
  let rate = callsPerSecond;
  let owed = 0;
  let last = performance.now();
  const life = { running: true };
  const done = (async () => {
    while (life.running) {
      const now = performance.now();
      owed += ((now - last) / 1000) * rate;
      last = now;
      for (; owed >= 1; owed--) sendNumberedCall(emu, ref++);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      life.running = false;
      await done;
    },
    boost: (extra) => {
      rate = callsPerSecond + extra;
    },
    next: () => ref,
  };
}

/** The p-th percentile of `xs` (nearest rank). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
