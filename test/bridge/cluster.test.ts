// The bridge and fromJetStream() against a three-node JetStream cluster (stream and bucket with 3 replicas) on
// loopback: the bridge and the consumer list every seed URL; the stream leader is SIGKILLed mid-burst and started
// again, twice. Every frame the emulator wrote (its own log) reaches the consumer exactly once and in order: nothing
// lost, nothing doubled, no gap marker. The publish pause (how long acks stopped) is measured and printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { connectMany } from '../../src/multi/connect-many.js';
import { startBridge } from '../../src/bridge/bridge.js';
import { fromJetStream } from '../../src/bridge/consumer.js';
import { startNatsCluster, type NatsCluster } from './nats-cluster.js';
import { accountedFor, exactlyOnceProblems, pacedCalls, percentile, recordDelivered, sentKeys } from './sent-log.js';

let cluster: NatsCluster | undefined;
let emu: Emulator | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  emu = await startEmulator({ port: 0, timeAndDate: false, recordSent: true });
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  await cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('bridge on a three-node JetStream cluster', () => {
  it('delivers every frame exactly once, in order, while the stream leader is SIGKILLed and restarted twice mid-burst', async () => {
    if (cluster === undefined || emu === undefined) throw new Error('setup failed');
    const nats = cluster;
    const pbx = emu;
    const names = { stream: 'CLUSTER', bucket: 'cluster-summary', prefix: 'cluster', replicas: 3 };
    const spoolDir = mkdtempSync(join(tmpdir(), 'ipecs-cluster-spool-'));
    dirs.push(spoolDir);
    const many = connectMany([{ id: 'east', config: { ...pbx.clientConfig(), log: { file: null } } }], { logger: silentLogger, env: {} });
    const bridge = startBridge({ source: many, servers: nats.urls, spoolDir, publishTimeoutMs: 2000, retryMs: 200, ...names });
    const feed = fromJetStream({ url: nats.urls, sites: ['east'], durable: 'cluster', ...names });
    const got = recordDelivered(feed, 'east');
    const state = (): string => JSON.stringify({ delivered: got.log.length, accounted: accountedFor(got.log), sent: sentKeys(pbx).length, bridge: bridge.stats().sites['east'], feed: feed.stats().sites['east'], order: feed.orderStats()['east'] });

    // The publish pause: how long the bridge's acked count stood still while something was pending.
    const stalls: { from: number; ms: number }[] = [];
    const watch = { on: true };
    const watching = (async () => {
      let lastAcked = -1;
      let since = Date.now();
      while (watch.on) {
        const s = bridge.stats().sites['east'];
        const now = Date.now();
        if (s !== undefined && (s.acked !== lastAcked || s.pending === 0)) {
          if (now - since > 50) stalls.push({ from: since, ms: now - since });
          lastAcked = s.acked;
          since = now;
        }
        await sleep(10);
      }
    })();

    try {
      await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
      // The bridge set the R3 stream and bucket up and publishes (the pauses measured are the kills', not that).
      for (let i = 0; i < 600 && (bridge.stats().sites['east']?.acked ?? 0) === 0; i++) await sleep(50);
      const load = pacedCalls(pbx, 250); // 500 events/s
      const kills: { leader: string; at: number; back: number; electedMs: number }[] = [];
      for (let round = 0; round < 2; round++) {
        await sleep(2000);
        load.boost(750); // 2,000 events/s
        await sleep(400);
        const leader = await nats.streamLeader(names.stream);
        expect(leader, 'the stream has a leader').toBeDefined();
        const node = nats.node(leader ?? '');
        const at = Date.now();
        await node.kill();
        // How long the stream had no leader (the cluster's own election), to set the bridge's pause against.
        // (Any leader once the node is back: it may win the election itself.)
        const elected = (async () => {
          while (Date.now() - at < 60_000) {
            const now = await nats.streamLeader(names.stream).catch(() => undefined);
            if (now !== undefined && (now !== leader || node.running())) return Date.now() - at;
            await sleep(100);
          }
          return NaN;
        })();
        await sleep(600);
        load.boost(0);
        await sleep(1000);
        await node.start();
        kills.push({ leader: leader ?? '', at, back: Date.now(), electedMs: await elected });
      }
      await sleep(2000);
      await load.stop();
      const sent = sentKeys(pbx);
      expect(sent.length).toBeGreaterThan(6000);
      let seen = -1;
      let quietSince = Date.now();
      await (async () => {
        const t0 = Date.now();
        while (Date.now() - t0 < 120_000) {
          if (got.log.length !== seen || (bridge.stats().sites['east']?.pending ?? 1) > 0) [seen, quietSince] = [got.log.length, Date.now()];
          if (accountedFor(got.log) >= sent.length || Date.now() - quietSince > 10_000) return;
          await sleep(25);
        }
      })();
      await sleep(500);
      watch.on = false;
      await watching;

      // Nothing lost, nothing doubled, in order: no gap marker at all.
      expect(
        exactlyOnceProblems(
          sent.map((s) => s.key),
          got.log,
        ),
        state(),
      ).toEqual([]);
      expect(got.log.filter((d) => d.kind === 'gap'), state()).toEqual([]);

      const sentAt = new Map(sent.map((s) => [s.key, s.at]));
      const latencies = got.log.flatMap((d) => (d.kind === 'event' ? [d.at - (sentAt.get(d.key) ?? d.at)] : []));
      const pauses = kills.map((k) => Math.max(0, ...stalls.filter((s) => s.from >= k.at - 500 && s.from <= k.back + 5000).map((s) => s.ms)));
      console.info(
        `cluster: ${String(sent.length)} frames sent, ${String(got.log.length)} delivered exactly once in order; leaders killed ${JSON.stringify(kills.map((k) => k.leader))}; ` +
          `publish pause per kill (acks stopped) ${JSON.stringify(pauses)} ms, new stream leader after ${JSON.stringify(kills.map((k) => k.electedMs))} ms; PBX→consumer p50 ${String(percentile(latencies, 50))} ms, p99 ${String(percentile(latencies, 99))} ms, max ${String(latencies.reduce((a, b) => Math.max(a, b), 0))} ms; ` +
          `stalls > 50 ms (start after the first kill, ms): ${JSON.stringify(stalls.map((s) => [s.from - (kills[0]?.at ?? 0), s.ms]))}; kills at ${JSON.stringify(kills.map((k) => [k.at - (kills[0]?.at ?? 0), k.back - k.at]))}; ${state()}`,
      );
    } finally {
      watch.on = false;
      got.stop();
      await feed.close();
      await many.close();
      await bridge.close(2000);
    }
  }, 240_000);
});
