// fromJetStream() against a real `nats-server -js` whose stream holds a site's messages out of order, with holes
// and copies (published here with a bare JetStream client, as a failed-over bridge could leave them): delivered in
// id order, a hole that never fills reported as a gap marker with its count, a late arrival and a copy dropped,
// nothing delivered twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as natsConnect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { fromJetStream, type MissingGap } from '../../src/bridge/consumer.js';
import { ensureStream, resolveNames } from '../../src/bridge/setup.js';
import { eventSubject } from '../../src/bridge/subjects.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

let nats: NatsServer | undefined;
let nc: NatsConnection | undefined;
beforeAll(async () => {
  nats = await startNatsServer();
  nc = await natsConnect({ servers: nats.url });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

const names = { stream: 'ORDER', bucket: 'order-summary', prefix: 'order', duplicateWindowMs: 200 };

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fromJetStream: a site out of order in the stream', () => {
  it('delivers in id order, reports a hole that never fills with its count, drops late arrivals and copies', async () => {
    if (nats === undefined || nc === undefined) throw new Error('setup failed');
    const conn = nc;
    await ensureStream(conn, resolveNames(names));
    const js = jetstream(conn);
    const publish = async (seq: number): Promise<void> => {
      const h = headers();
      h.set('Nats-Msg-Id', `n1:1000:${String(seq)}`);
      const event = { at: 1_000 + seq, pbxTime: '2026/11/27 12:00:00', code: 3, name: 'CO IN RING', eventString: 'CO IN RING', callRefId: seq, source: { type: 'co', number: '1' }, data1: '1', data2: '5' };
      await js.publish(eventSubject('n1', 3, names.prefix), JSON.stringify(event), { headers: h });
    };
    const feed = fromJetStream({ url: nats.url, sites: ['n1'], durable: 'order', reorder: { maxHoldMs: 400 }, ...names });
    const log: string[] = [];
    const a = feed.events$.subscribe((e) => log.push(`e${String(e.callRefId)}`));
    const b = feed.connection$.subscribe((s) => {
      if (s.kind === 'gap') log.push(`gap ${String((s as MissingGap).missing)} ${(s as MissingGap).cause} ${String(s.from)}-${String(s.to)}`);
    });
    try {
      for (const seq of [1, 2, 4, 5, 3]) await publish(seq);
      await until('1..5 delivered', () => log.length === 5);
      expect(log).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
      expect(feed.orderStats()['n1']?.held).toBe(0);

      // 7 never comes within the window: a gap of 1 between 6 and 8, then 8 and 9.
      for (const seq of [6, 8, 9]) await publish(seq);
      await until('the hole reported', () => log.length === 9);
      expect(log.slice(5)).toEqual(['e6', 'gap 1 missing-ids 1006-1008', 'e8', 'e9']);

      // 7 at last (late), and a copy of 9 stored past the stream's duplicate window: both dropped.
      await publish(7);
      await new Promise((r) => setTimeout(r, 250));
      await publish(9);
      await publish(10);
      await until('10 delivered', () => log.includes('e10'));
      expect(log.slice(9)).toEqual(['e10']);
      expect(feed.orderStats()['n1']).toEqual({ held: 0, missing: 1, late: 1, duplicates: 1, reordered: 4 });
      expect(feed.stats().sites['n1']).toMatchObject({ delivered: 9, gaps: 1, duplicates: 2 });
    } finally {
      a.unsubscribe();
      b.unsubscribe();
      await feed.close();
    }
  }, 60_000);
});
