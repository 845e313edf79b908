// State continuity (docs/state-continuity.md) on virtual time: the restart gap marker of a restored checkpoint and
// the checkpoints' rhythm. The store is a plain object holding text, as a host's own store would.
//
//   checkpoint found: savedAt = -5 s (same period: the reset is at 12:00 UTC)
//   connection$    --c--o-----b--c--o      (c connecting, o open, b backoff)
//   withRestartGap --c--(go)--b--c--o      (g: gap from -5 s to the first open, cause 'restart'; once)
//
//   connection$   c 99ms o 1399ms b        (open at 100 ms, lost at 1.5 s)
//   checkpoints   0 ms, 1 s, 2 s, and on close at 2.5 s
//   their savedAt -5 s (no socket yet: the restored figures are complete up to the old checkpoint only),
//                 1 s (open), then 1.5 s twice (lost: nothing after it was seen)
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../src/config/config.js';
import { silentLogger } from '../src/logging/logger.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/metrics/checkpoint.js';
import { initialMetricsState } from '../src/metrics/reducer.js';
import type { ConnectionState } from '../src/socket/types.js';
import { openStateContinuity } from '../src/state/continuity.js';
import type { CheckpointStore } from '../src/state/store.js';
import { runMarbles } from './helpers/run-marbles.js';

const metrics = { ...DEFAULT_CONFIG.metrics, resetTime: '12:00', timeZone: 'UTC' };
const config: Config = {
  ...DEFAULT_CONFIG,
  server: { ...DEFAULT_CONFIG.server, host: 'pbx', userId: 'acd', password: 'acd' },
  metrics,
  state: { file: 'unused', checkpointMs: 1000 },
};
const identity = { host: 'pbx', port: config.server.port, userId: 'acd' };

function storeWith(text: string | undefined): CheckpointStore & { readonly saved: string[] } {
  const saved: string[] = [];
  return { name: 'memory', load: () => text, save: (t) => { saved.push(t); }, saved };
}

const old = encodeCheckpoint(initialMetricsState(metrics, -60_000), identity, -5_000);
const c: ConnectionState = { kind: 'connecting', at: 0, attempt: 1 };

describe('state continuity', () => {
  it('puts one restart gap, from the checkpoint to the first open, before that open', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const states = {
        c: { ...c, at: 2 },
        o: { kind: 'open', at: 5, url: 'wss://pbx/ipxapi' },
        b: { kind: 'backoff', at: 11, attempt: 1, delayMs: 1, reason: 'network', detail: 'lost' },
        C: { ...c, at: 14, attempt: 2 },
        O: { kind: 'open', at: 17, url: 'wss://pbx/ipxapi' },
      } satisfies Record<string, ConnectionState>;
      const continuity = openStateContinuity(config, storeWith(old), { scheduler, logger: silentLogger });
      expect(continuity.outcome).toEqual({ kind: 'restored', savedAt: -5_000, periodStart: -60_000 });
      const connection$ = continuity.withRestartGap(cold<ConnectionState>('--c--o-----b--C--O', states));
      expectObservable(connection$).toBe('--c--(go)--b--C--O', { ...states, g: { kind: 'gap', at: 5, from: -5_000, to: 5, cause: 'restart' } });
    });
  });

  it('writes a checkpoint at once, every checkpointMs and on close; one with no socket open is complete up to the loss', async () => {
    const store = storeWith(old);
    runMarbles(({ cold, scheduler }) => {
      const continuity = openStateContinuity(config, store, { scheduler, logger: silentLogger });
      const state = continuity.restore.state;
      const states = {
        c,
        o: { kind: 'open', at: 100, url: 'wss://pbx/ipxapi' },
        b: { kind: 'backoff', at: 1500, attempt: 1, delayMs: 1000, reason: 'network', detail: 'lost' },
      } satisfies Record<string, ConnectionState>;
      continuity.withRestartGap(cold<ConnectionState>('c 99ms o 1399ms b', states)).subscribe();
      continuity.start(() => state);
      scheduler.schedule(() => void continuity.close(), 2500);
    });
    await new Promise((r) => setImmediate(r));
    const savedAt = store.saved.map((t) => {
      const d = decodeCheckpoint(t, metrics);
      return d.ok ? d.checkpoint.savedAt : NaN;
    });
    expect(savedAt).toEqual([-5_000, 1000, 1500, 1500]);
  });

  it('a fatal error stops the checkpoints at once (one last checkpoint, then none)', async () => {
    const store = storeWith(undefined);
    runMarbles(({ cold, scheduler }) => {
      const continuity = openStateContinuity(config, store, { scheduler, logger: silentLogger });
      const states = {
        c,
        o: { kind: 'open', at: 100, url: 'wss://pbx/ipxapi' },
        f: { kind: 'closed', at: 1500, reason: 'login-failed', detail: 'refused', fatal: true },
      } satisfies Record<string, ConnectionState>;
      continuity.withRestartGap(cold<ConnectionState>('c 99ms o 1399ms f', states)).subscribe();
      const fresh = initialMetricsState(metrics, 0);
      continuity.start(() => fresh);
    }); // runs to the 24 h limit: a timer still running would write 86 400 more
    await new Promise((r) => setImmediate(r));
    const savedAt = store.saved.map((t) => {
      const d = decodeCheckpoint(t, metrics);
      return d.ok ? d.checkpoint.savedAt : NaN;
    });
    expect(savedAt).toEqual([0, 1000, 1500]);
  });

  it('a store without a checkpoint: nothing restored, no marker, the first checkpoint at once', async () => {
    const store = storeWith(undefined);
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const continuity = openStateContinuity(config, store, { scheduler, logger: silentLogger });
      expect(continuity.outcome).toEqual({ kind: 'none' });
      const o: ConnectionState = { kind: 'open', at: 3, url: 'wss://pbx/ipxapi' };
      expectObservable(continuity.withRestartGap(cold<ConnectionState>('c--o', { c, o }))).toBe('c--o', { c, o });
      const fresh = initialMetricsState(metrics, 0);
      continuity.start(() => fresh);
      scheduler.schedule(() => void continuity.close(), 1);
    });
    await new Promise((r) => setImmediate(r));
    expect(store.saved).toHaveLength(2); // at once and on close
  });
});
