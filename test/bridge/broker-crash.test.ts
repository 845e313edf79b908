// Exactly once and in order through a broker crash: a site's PBX sends ≥ 500 events/s, with a 2,000 events/s burst
// around the moment `nats-server -js` is SIGKILLed and restarted on the same store, three times in one run. Every
// frame the emulator wrote (its own log, `recordSent`) reaches the consumer exactly once and in order, or lies in a
// gap marker whose count is what is missing. The bridge's own counters are not trusted for the verdict.
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
import { startNatsServer, type NatsServer } from './nats-server.js';
import { accountedFor, exactlyOnceProblems, pacedCalls, percentile, recordDelivered, sentKeys } from './sent-log.js';

let nats: NatsServer | undefined;
let emu: Emulator | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  emu = await startEmulator({ port: 0, timeAndDate: false, recordSent: true });
});
afterAll(async () => {
  await emu?.stop();
  await nats?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms: number, state: () => string): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await sleep(25);
  }
}

describe('bridge through nats-server SIGKILLs', () => {
  it('delivers every frame the PBX sent exactly once, in order, or inside a counted gap marker (3 kills in one run)', async () => {
    if (nats === undefined || emu === undefined) throw new Error('setup failed');
    const server = nats;
    const pbx = emu;
    const spoolDir = mkdtempSync(join(tmpdir(), 'ipecs-crash-spool-'));
    dirs.push(spoolDir);
    const many = connectMany([{ id: 'east', config: { ...pbx.clientConfig(), log: { file: null } } }], { logger: silentLogger, env: {} });
    const bridge = startBridge({ source: many, servers: server.url, spoolDir, publishTimeoutMs: 2000, retryMs: 200 });
    const feed = fromJetStream({ url: server.url, sites: ['east'], durable: 'crash' });
    const got = recordDelivered(feed, 'east');
    const state = (): string => JSON.stringify({ delivered: got.log.length, accounted: accountedFor(got.log), sent: sentKeys(pbx).length, bridge: bridge.stats(), feed: feed.stats(), order: feed.orderStats() });
    try {
      await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
      // 250 calls/s = 500 events/s, all along.
      const load = pacedCalls(pbx, 250);
      const kills: { at: number; back: number }[] = [];
      for (let round = 0; round < 3; round++) {
        await sleep(1500);
        load.boost(750); // 1,000 calls/s = 2,000 events/s: the burst spans the kill
        await sleep(400);
        const at = Date.now();
        await server.kill();
        await sleep(400);
        load.boost(0);
        await sleep(600);
        await server.start();
        kills.push({ at, back: Date.now() });
      }
      await sleep(1500);
      await load.stop();
      const sent = sentKeys(pbx);
      expect(sent.length).toBeGreaterThan(8000);
      // Done when everything is accounted for, or when nothing more arrives for 5 s once the bridge has nothing pending.
      let seen = -1;
      let quietSince = Date.now();
      await until(
        'the consumer to account for every sent frame',
        () => {
          if (got.log.length !== seen || (bridge.stats().sites['east']?.pending ?? 1) > 0) [seen, quietSince] = [got.log.length, Date.now()];
          return accountedFor(got.log) >= sent.length || Date.now() - quietSince > 5000;
        },
        90_000,
        state,
      );
      // A late copy would show here: nothing more may arrive.
      await sleep(500);
      const problems = exactlyOnceProblems(
        sent.map((s) => s.key),
        got.log,
      );
      expect(problems, state()).toEqual([]);
      const gaps = got.log.filter((d) => d.kind === 'gap');
      const sentAt = new Map(sent.map((s) => [s.key, s.at]));
      const latencies = got.log.flatMap((d) => (d.kind === 'event' ? [d.at - (sentAt.get(d.key) ?? d.at)] : []));
      console.info(
        `broker crash: ${String(sent.length)} frames sent, ${String(got.log.length - gaps.length)} delivered, ${String(gaps.length)} gap marker(s) covering ${String(accountedFor(gaps))}; ` +
          `PBX→consumer p50 ${String(percentile(latencies, 50))} ms, p99 ${String(percentile(latencies, 99))} ms, max ${String(latencies.reduce((a, b) => Math.max(a, b), 0))} ms; kills ${JSON.stringify(kills.map((k) => k.back - k.at))} ms down; ${state()}`,
      );
    } finally {
      got.stop();
      await feed.close();
      await many.close();
      await bridge.close(2000);
    }
  }, 180_000);
});
