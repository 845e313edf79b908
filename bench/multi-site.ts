// Scale figure of the NATS fan-out: N emulated PBX sites → connectMany → one bridge → nats-server -js → a
// fromJetStream consumer, all on loopback. Reports end-to-end events/s and the latency from the PBX sending a
// frame to the consumer receiving it (p50/p99/max), at a paced load and flat out.
//
//   npx tsx bench/multi-site.ts [sites=10] [paced events/s per site=200] [seconds=10] [flood events per site=5000]
//
// Needs `nats-server` on the PATH (apt-get install -y nats-server). Everything runs in this one process except
// nats-server, so the figure includes the cost of the emulators and the consumer on the same cores.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmulator, type Emulator } from '../src/emulator/index.js';
import { silentLogger } from '../src/logging/logger.js';
import { connectMany } from '../src/multi/connect-many.js';
import { startBridge } from '../src/bridge/bridge.js';
import { fromJetStream } from '../src/bridge/consumer.js';
import { startNatsServer } from '../test/bridge/nats-server.js';
import { NEVER, Subject, firstValueFrom, filter } from 'rxjs';
import type { SiteEvent } from '../src/multi/types.js';

const SITES = Number(process.argv[2] ?? 10);
const RATE = Number(process.argv[3] ?? 200);
const SECONDS = Number(process.argv[4] ?? 10);
const FLOOD = Number(process.argv[5] ?? 5000);

const nats = await startNatsServer();
const emus: Emulator[] = [];
for (let i = 0; i < SITES; i++) emus.push(await startEmulator({ port: 0, timeAndDate: false }));
const ids = emus.map((_, i) => `site${String(i + 1).padStart(2, '0')}`);
const many = connectMany(
  emus.map((e, i) => ({
    id: ids[i] ?? '',
    config: { server: { host: e.host, port: e.port, userId: 'acd', password: 'acd' }, tls: { fingerprint256: e.fingerprint256 }, log: { file: null, console: false } },
  })),
  { logger: silentLogger, env: {} },
);
await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));
// With a spool, as `ipecs-rx bridge` runs by default.
const spoolDir = mkdtempSync(join(tmpdir(), 'ipecs-bench-spool-'));
const bridge = startBridge({ source: many, servers: nats.url, spoolDir });
const feed = fromJetStream({ url: nats.url, sites: ids, durable: 'bench' });

// Send instant of each call's ring (code 3), by site and callRefId; latency is measured on those frames.
const sentAt = new Map<string, number>();
const latencies: number[] = [];
let received = 0;
feed.events$.subscribe((e) => {
  received++;
  if (e.code !== 3 || e.callRefId === undefined) return;
  const key = `${e.siteId}:${String(e.callRefId)}`;
  const t = sentAt.get(key);
  if (t !== undefined) {
    latencies.push(performance.now() - t);
    sentAt.delete(key);
  }
});

const ackedTotal = (): number => Object.values(bridge.stats().sites).reduce((a, s) => a + s.acked, 0);

let nextRef = 1;
/** One call on a site: ring (3) then trunk idle (2, an abandon), so the open-call map stays small. */
function sendCall(i: number): void {
  const emu = emus[i];
  if (emu === undefined) return;
  const ref = nextRef++;
  const trunk = String((ref % 200) + 1);
  sentAt.set(`${ids[i] ?? ''}:${String(ref)}`, performance.now());
  emu.sendAcd({ code: 3, callRefId: ref, source: trunk, data1: 1, data2: 5 });
  emu.sendAcd({ code: 2, source: trunk });
}

async function until(predicate: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function phase(name: string, send: () => Promise<number>): Promise<void> {
  latencies.length = 0;
  const base = received;
  const ackedBase = ackedTotal();
  const t0 = performance.now();
  const events = await send();
  const sentMs = performance.now() - t0;
  // The bridge acks events and a few connection states; events are the bulk.
  await until(() => ackedTotal() - ackedBase >= events, 120_000);
  const ackedMs = performance.now() - t0;
  const ok = await until(() => received - base >= events, 120_000);
  const ms = performance.now() - t0;
  console.log(`${name}: PBXs sent in ${(sentMs / 1000).toFixed(2)} s; bridge acked all at ${(ackedMs / 1000).toFixed(2)} s (${Math.round(events / (ackedMs / 1000)).toLocaleString('en-GB')} events/s into JetStream)`);
  const got = received - base;
  console.log(
    `${name}: ${String(got)}/${String(events)} events in ${(ms / 1000).toFixed(2)} s = ${Math.round(got / (ms / 1000)).toLocaleString('en-GB')} events/s end to end; ` +
      `latency PBX→consumer p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms${ok ? '' : ' (TIMED OUT)'}`,
  );
}

// Paced: RATE events/s per site (2 events per call), in 10 ms ticks.
await phase(`paced ${String(SITES)} sites × ${String(RATE)} ev/s`, async () => {
  const callsPerTick = RATE / 2 / 100;
  let owed = 0;
  let events = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    owed += callsPerTick;
    const n = Math.floor(owed);
    owed -= n;
    for (let k = 0; k < n; k++) for (let i = 0; i < SITES; i++) sendCall(i);
    events += n * SITES * 2;
    await new Promise((r) => setTimeout(r, 10));
  }
  return events;
});

// Flood: FLOOD events per site as fast as the emulators send (in chunks, yielding to the event loop).
await phase(`flood ${String(SITES)} sites × ${String(FLOOD)} events`, async () => {
  for (let done = 0; done < FLOOD / 2; done += 100) {
    for (let k = 0; k < 100; k++) for (let i = 0; i < SITES; i++) sendCall(i);
    await new Promise((r) => setImmediate(r));
  }
  return FLOOD * SITES;
});

// The fan-out alone: synthetic events straight into a second bridge (no emulator, no PBX client, no metrics).
{
  const events$ = new Subject<SiteEvent>();
  const synthNames = { stream: 'SYNTH', bucket: 'synth-summary', prefix: 'synth' };
  const synthBridge = startBridge({ source: { siteIds: ids, events$, connection$: NEVER, siteSummary$: NEVER }, servers: nats.url, ...synthNames });
  const synthFeed = fromJetStream({ url: nats.url, sites: ids, durable: 'bench', ...synthNames });
  const sent = new Map<number, number>();
  const lat: number[] = [];
  let got = 0;
  synthFeed.events$.subscribe((e) => {
    got++;
    const t = e.callRefId === undefined ? undefined : sent.get(e.callRefId);
    if (t !== undefined) lat.push(performance.now() - t);
  });
  const N = FLOOD * 4;
  const t0 = performance.now();
  let ref = 0;
  for (let done = 0; done < N; done += 200) {
    for (let k = 0; k < 200 / SITES; k++)
      for (const siteId of ids) {
        ref++;
        sent.set(ref, performance.now());
        events$.next({ at: Date.now(), pbxTime: '2026/11/27 12:00:00', code: 3, name: 'CO IN RING', eventString: 'CO IN RING', callRefId: ref, source: { type: 'co', number: '0001' }, data1: '0001', data2: '0005', siteId });
      }
    await new Promise((r) => setImmediate(r));
  }
  const total = ref;
  await until(() => got >= total, 120_000);
  const ms = performance.now() - t0;
  console.log(
    `fan-out alone (${String(SITES)} sites, ${String(total)} synthetic events, one bridge → JetStream → one consumer): ${Math.round(got / (ms / 1000)).toLocaleString('en-GB')} events/s; ` +
      `latency bridge-in→consumer p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (flood: queueing included)`,
  );
  await synthFeed.close();
  await synthBridge.close(2000);
}

const st = bridge.stats();
const totals = Object.values(st.sites).reduce((a, s) => ({ acked: a.acked + s.acked, dropped: a.dropped + s.dropped, failures: a.failures + s.failures }), { acked: 0, dropped: 0, failures: 0 });
console.log(`bridge: ${JSON.stringify(totals)}; consumer duplicates dropped: ${String(Object.values(feed.stats().sites).reduce((a, s) => a + s.duplicates, 0))}`);
await feed.close();
await many.close();
await bridge.close(2000);
await Promise.all(emus.map((e) => e.stop()));
await nats.stop();
rmSync(spoolDir, { recursive: true, force: true });
