// Warm start from a journal (issue 17): a client child process with `journal.file` is killed (SIGKILL) in the middle
// of an emulator day, while the centre keeps sending; 5 s later a new child with the same journal starts. Before any
// live frame, its figures are those of every frame the emulator sent up to the last one journaled (the emulator's
// own log of sent frames, replayed through a fresh pipeline, and its ground truth at that instant); its first socket
// is preceded by a gap marker with `cause: 'restart'` from that frame.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Subject } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type SentFrame } from '../../src/emulator/index.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeEntry } from '../../src/journal/format.js';
import { VirtualClock } from '../../src/journal/virtual-clock.js';
import { acdPipeline } from '../../src/streams/pipeline.js';
import { createSummary } from '../../src/metrics/summary.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import type { RawFrame } from '../../src/socket/types.js';

interface Child {
  readonly proc: ChildProcess;
  readonly lines: string[];
  waitFor(prefix: string, ms: number): Promise<string>;
}

function child(emu: Emulator, journal: string, env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/journal/fixtures/journal-child.ts'], {
    env: { ...process.env, EMU_PORT: String(emu.port), EMU_FP: emu.fingerprint256, JOURNAL: journal, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  const seen = new Subject<string>();
  const onData = (d: Buffer): void => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      seen.next(l);
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  return {
    proc,
    lines,
    waitFor: (prefix, ms) =>
      new Promise((resolve, reject) => {
        const hit = lines.find((l) => l.startsWith(prefix));
        if (hit !== undefined) {
          resolve(hit);
          return;
        }
        const timer = setTimeout(() => { sub.unsubscribe(); reject(new Error(`no ${prefix} line within ${ms} ms:\n${lines.join('\n')}`)); }, ms);
        const sub = seen.subscribe((l) => {
          if (!l.startsWith(prefix)) return;
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(l);
        });
      }),
  };
}

/** The figures of the frames the emulator sent, replayed through a fresh pipeline on their own instants. */
function figuresOf(sent: readonly SentFrame[]): AcdSummary {
  const first = sent[0]?.at ?? 0;
  const clock = new VirtualClock(first);
  const frames$ = new Subject<RawFrame>();
  const pipeline = acdPipeline(frames$, { filters: DEFAULT_CONFIG.filters, maxFrameBytes: DEFAULT_CONFIG.socket.maxFrameBytes, logger: silentLogger, scheduler: clock });
  const metrics = createSummary(pipeline.events$, { metrics: DEFAULT_CONFIG.metrics, scheduler: clock });
  let last: AcdSummary | undefined;
  const sub = metrics.summary$.subscribe((s) => (last = s));
  for (const f of sent) {
    clock.advance(f.at, false);
    frames$.next({ at: Math.max(f.at, clock.now()), data: Buffer.from(f.text, 'utf8'), isBinary: false });
  }
  metrics.flush(); // the frames above are one synchronous burst: its summary is pending until flushed (metrics.md §3)
  sub.unsubscribe();
  if (last === undefined) throw new Error('no summary');
  return last;
}

const COUNTS = ['totalInboundCalls', 'totalAnsweredCalls', 'totalAbandonedCalls', 'totalOutboundCalls', 'stationsConnected', 'agentsLoggedIn', 'busyStations', 'activeCalls', 'callsInQueue'] as const;
const countsOf = (s: AcdSummary): Record<string, number> => Object.fromEntries(COUNTS.map((k) => [k, s[k]]));

describe('warm start from a journal after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-warm-'));
  const journal = join(dir, 'client.ndjson');
  let emu: Emulator | undefined;
  const procs: ChildProcess[] = [];
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts 5 s later with the figures of every frame up to the last one journaled, and a restart gap', async () => {
    // A centre already mid-day; the session of a killed client expires 2 s after its socket went (no "Already Login").
    const e = await startEmulator({ port: 0, recordSent: true, sessionTimeoutSeconds: 2, centre: { seed: 5, speed: 30, warm: true, arrivalPerHour: 240 } });
    emu = e;
    const first = child(e, journal);
    procs.push(first.proc);
    await first.waitFor('READY', 30_000);
    expect(await first.waitFor('START', 1000)).toBe('START {"kind":"cold"}');
    // Let it record a while, then kill it in the middle of the stream (the centre keeps sending).
    const sentBefore = e.sentFrames().length;
    const deadline = Date.now() + 30_000;
    while (e.sentFrames().length - sentBefore < 60 && Date.now() < deadline) await sleep(100);
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    const killedAt = Date.now();

    // What the dead client journaled is exactly a prefix of what the emulator sent.
    const entries = readFileSync(journal, 'utf8').split('\n').slice(1).map((l) => decodeEntry(l));
    const journaled = entries.flatMap((x) => (x?.kind === 'frame' ? [x.frame.data.toString('utf8')] : []));
    const sentAtKill = e.sentFrames();
    expect(journaled.length).toBeGreaterThan(50);
    expect(sentAtKill.slice(0, journaled.length).map((f) => f.text)).toEqual(journaled);
    const reference = figuresOf(sentAtKill.slice(0, journaled.length));
    const truthAtKill = e.groundTruth();

    await sleep(Math.max(0, 5000 - (Date.now() - killedAt)));
    const second = child(e, journal, { RESTART_EXIT: '1' });
    procs.push(second.proc);
    const start = JSON.parse((await second.waitFor('START', 30_000)).slice(6)) as { kind: string; lastAt?: number; frames?: number };
    const warm = JSON.parse((await second.waitFor('SUMMARY', 5000)).slice(8)) as AcdSummary;
    const gap = JSON.parse((await second.waitFor('GAP', 30_000)).slice(4)) as { from: number; to: number; cause?: string };
    await second.waitFor('CLOSED', 10_000);

    console.log(`warm start: ${journaled.length} frames journaled of ${sentAtKill.length} sent at the kill; restart gap ${((gap.to - gap.from) / 1000).toFixed(1)} s; counts ${JSON.stringify(countsOf(warm))}`);
    expect(start).toMatchObject({ kind: 'warm', frames: journaled.length });
    expect(countsOf(warm)).toEqual(countsOf(reference));
    expect(warm.totalInboundCalls).toBeGreaterThan(0);
    // The emulator's own ground truth: what it did since it went live, up to the kill, bounds the counts.
    const history = e.groundTruth({ atSimSeconds: e.centreInfo()?.liveFrom ?? 0 });
    for (const [k, t] of [['totalInboundCalls', 'offered'], ['totalAnsweredCalls', 'answered'], ['totalOutboundCalls', 'outbound']] as const) {
      expect(warm[k]).toBeLessThanOrEqual(truthAtKill[t] - history[t]);
    }
    expect(gap).toMatchObject({ cause: 'restart', from: start.lastAt });
    expect(gap.to - gap.from).toBeGreaterThanOrEqual(5000);
    // The restart is marked in the journal too, and the figures say it.
    expect(readFileSync(journal, 'utf8')).toContain('"cause":"restart"');
  }, 120_000);
});
