// Issue 17, from the outside: a client process with `state.file` is killed (SIGKILL) in the middle of an emulator
// day and started again 5 s later. Afterwards its summary equals what the emulator sent it, i.e. the emulator's
// ground truth minus exactly the events of the marked restart gap; the counts are exact. The expected figures are
// computed from the emulator's own log of sent frames (`recordSent`), decoded and reduced in this test, never from
// the client's counters; the gap's share is the ground truth minus them.
//
// The centre runs at speed 0.001 (a real second is a simulated millisecond) and the test moves it on with
// `advanceClock`, so every frame is sent in a burst the test waits for: none is in flight at the kill.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { decodeAcdFrame } from '../../src/protocol/decode.js';
import { isDecodeError } from '../../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../../src/metrics/reducer.js';
import { summarize } from '../../src/metrics/summarize.js';
import { decodeCheckpoint } from '../../src/metrics/checkpoint.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import { waitFor } from '../connection/helpers.js';

const SPEED = 0.001;
/** Advances the centre by simulated seconds. */
const advance = (emu: Emulator, simSeconds: number): void => {
  emu.advanceClock(simSeconds / SPEED);
};
const metrics = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };

interface Child {
  readonly proc: ChildProcessByStdio<null, Readable, Readable>;
  out(): string;
  /** The lines starting with `tag `, parsed (the caller names what they hold). */
  all<T>(tag: string): T[];
}

const children: Child[] = [];
let emu: Emulator | undefined;
afterEach(async () => {
  for (const c of children.splice(0)) c.proc.kill('SIGKILL');
  await emu?.stop();
  emu = undefined;
});

function startChild(e: Emulator, dir: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/state/fixtures/checkpointed-client.ts'], {
    env: { ...process.env, EMU_PORT: String(e.port), EMU_FP: e.fingerprint256, STATE_FILE: join(dir, 'state.json'), TOKEN_FILE: join(dir, 'token'), CHECKPOINT_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const all = <T,>(tag: string): T[] =>
    out
      .split('\n')
      .filter((l) => l.startsWith(`${tag} `))
      .map((l) => JSON.parse(l.slice(tag.length + 1)) as T);
  const child: Child = { proc, out: () => out, all };
  children.push(child);
  return child;
}

type Printed = Omit<AcdSummary, 'groups' | 'stations'> & { received: number };

/** The counts compared: exact. */
const counts = (s: Omit<AcdSummary, 'groups' | 'stations'>) => ({
  inbound: s.totalInboundCalls,
  answered: s.totalAnsweredCalls,
  abandoned: s.totalAbandonedCalls,
  outbound: s.totalOutboundCalls,
  shortAbandons: s.shortAbandons,
  answeredWithinServiceLevel: s.answeredWithinServiceLevel,
  stations: s.stationsConnected,
  agents: s.agentsLoggedIn,
  queue: s.callsInQueue,
  active: s.activeCalls,
  busy: s.busyStations,
});

describe('a client process killed mid-day and restarted 5 s later', () => {
  it('goes on from its checkpoint: ground truth minus exactly the marked gap, counts exact', async () => {
    emu = await startEmulator({ port: 0, timeAndDate: false, recordSent: true });
    const e = emu;
    const dir = mkdtempSync(join(tmpdir(), 'ipecs-kill-'));
    const stateFile = join(dir, 'state.json');

    // Morning: the first process sees two simulated hours.
    const a = startChild(e, dir);
    await waitFor('the first socket', () => a.all<unknown>('STATE').at(-1) !== undefined, 20_000);
    e.startCentre({ seed: 11, speed: SPEED });
    advance(e, 2 * 3600);
    const sentBeforeKill = e.sentFrames().length;
    expect(sentBeforeKill).toBeGreaterThan(300);
    await waitFor('the morning on the first process', () => a.all<Printed>('SUMMARY').at(-1)?.received === sentBeforeKill, 20_000);
    const allSeenAt = Date.now();
    await waitFor('a checkpoint after the last frame', () => {
      try {
        const d = decodeCheckpoint(readFileSync(stateFile, 'utf8'), metrics);
        return d.ok && d.checkpoint.savedAt > allSeenAt;
      } catch {
        return false;
      }
    }, 10_000);
    const beforeKill = a.all<Printed>('SUMMARY').at(-1);

    // SIGKILL: no close(), no last checkpoint; then half an hour of the centre that nobody sees.
    a.proc.kill('SIGKILL');
    await new Promise((r) => a.proc.once('exit', r));
    const checkpoint = decodeCheckpoint(readFileSync(stateFile, 'utf8'), metrics);
    if (!checkpoint.ok) throw new Error(checkpoint.problem.detail);
    const savedAt = checkpoint.checkpoint.savedAt;
    const atCheckpoint = summarize(checkpoint.checkpoint.state, savedAt);
    advance(e, 1800);
    expect(e.sentFrames().length).toBe(sentBeforeKill); // no socket: nothing went out
    await new Promise((r) => setTimeout(r, 5_000)); // the restart comes 5 s later (the scenario, not a timer wait)

    // The second process restores the checkpoint and marks the restart as a gap.
    const b = startChild(e, dir);
    await waitFor('the second socket', () => b.all<{ kind: string }>('STATE').some((s) => s.kind === 'open'), 20_000);
    expect(b.all<{ kind: string }>('RESTORED').at(-1)).toMatchObject({ kind: 'restored', savedAt });
    const [gap, opened] = b.all<{ kind: string; at: number; from?: number; to?: number; cause?: string }>('STATE');
    expect(gap).toEqual({ kind: 'gap', at: opened?.at, from: savedAt, to: opened?.at, cause: 'restart' });
    expect((opened?.at ?? 0) - savedAt).toBeGreaterThanOrEqual(5_000);
    // Time across the gap is not counted: the first figures of the restarted process hold the checkpoint's times.
    await waitFor('the first summary of the second process', () => b.all<unknown>('SUMMARY').at(-1) !== undefined, 10_000);
    const first = b.all<Printed>('SUMMARY')[0];
    expect(first?.totalLoggedInTime ?? 0).toBeLessThan(atCheckpoint.totalLoggedInTime + atCheckpoint.agentsLoggedIn * 1.5);
    expect(first?.totalLoggedInTime ?? 0).toBeGreaterThanOrEqual(atCheckpoint.totalLoggedInTime);
    expect(counts(first ?? atCheckpoint)).toEqual(counts(atCheckpoint));
    expect(counts(atCheckpoint)).toEqual(counts(beforeKill ?? atCheckpoint)); // nothing was lost between checkpoint and kill

    // Afternoon: an hour more on the second process.
    advance(e, 3600);
    const sentTotal = e.sentFrames().length;
    expect(sentTotal).toBeGreaterThan(sentBeforeKill + 100);
    await waitFor('the afternoon on the second process', () => b.all<Printed>('SUMMARY').at(-1)?.received === sentTotal - sentBeforeKill, 20_000);
    const after = b.all<Printed>('SUMMARY').at(-1);
    if (after === undefined) throw new Error('no summary');

    // Expected: every frame the emulator sent (both processes), decoded and reduced here in sending order.
    let state = initialMetricsState(metrics, 0);
    for (const f of e.sentFrames()) {
      const ev = decodeAcdFrame(Buffer.from(f.text), f.binary, f.at, DEFAULT_CONFIG.socket.maxFrameBytes);
      if (isDecodeError(ev)) throw new Error(`frame ${String(f.seq)} did not decode: ${ev.message}`);
      state = reduceMetrics(state, ev);
    }
    const expected = summarize(state, state.at);
    expect(counts(after)).toEqual(counts(expected));

    // The gap's share: the ground truth minus what was sent. The gap did hold events, and only the gap did.
    const truth = e.groundTruth();
    const gapShare = { offered: truth.offered - expected.totalInboundCalls, answered: truth.answered - expected.totalAnsweredCalls, outbound: truth.outbound - expected.totalOutboundCalls };
    console.log(`frames: ${String(sentBeforeKill)} before the kill, ${String(sentTotal - sentBeforeKill)} after; gap share ${JSON.stringify(gapShare)}; truth offered ${String(truth.offered)}, client ${String(after.totalInboundCalls)}`);
    expect(gapShare.offered).toBeGreaterThan(0);
    expect(after.totalInboundCalls).toBe(truth.offered - gapShare.offered);
    expect(after.totalInboundCalls).toBeGreaterThan((beforeKill?.totalInboundCalls ?? 0) + 10); // the morning is in it
  }, 120_000);
});
