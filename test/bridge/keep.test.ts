// The bridge's `keep$`: other values kept in the summary bucket, the latest per key (the place for a checkpoint of
// each site's metrics state, read back at the next start), put even when they come faster than the put interval,
// and flushed by close(). Against a real nats-server -js.
import { NEVER, Subject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as natsConnect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { startBridge } from '../../src/bridge/bridge.js';
import type { SiteEvent } from '../../src/multi/types.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

let nats: NatsServer | undefined;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
});

describe('bridge keep$', () => {
  it('keeps the latest value of each key in the bucket, flushed on close', async () => {
    if (nats === undefined) throw new Error('no nats');
    const keep$ = new Subject<{ key: string; value: unknown }>();
    const bridge = startBridge({ source: { siteIds: ['east'], events$: new Subject<SiteEvent>(), connection$: NEVER, siteSummary$: NEVER }, keep$, servers: nats.url, bucket: 'keep-test', summaryIntervalMs: 200 });
    for (let n = 1; n <= 50; n++) keep$.next({ key: 'checkpoint.east', value: { n } });
    keep$.next({ key: 'checkpoint.west', value: { n: 7 } });
    await bridge.close(5000);
    const nc = await natsConnect({ servers: nats.url });
    try {
      const kv = await new Kvm(nc).open('keep-test');
      expect((await kv.get('checkpoint.east'))?.json()).toEqual({ n: 50 });
      expect((await kv.get('checkpoint.west'))?.json()).toEqual({ n: 7 });
      // The latest per key, not every value: a few puts for 51 values (the bucket's stream counts every put).
      const puts = (await (await jetstreamManager(nc)).streams.info('KV_keep-test')).state.last_seq;
      expect(puts).toBeLessThanOrEqual(4);
    } finally {
      await nc.close();
    }
  }, 30_000);
});
