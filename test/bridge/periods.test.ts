// periods$ over NATS: the bridge publishes each site's closing summary on ipecs.<site>.period (in order with the
// site's events, acknowledged like them) and fromJetStream() gives sitePeriod$ and the combined periods$, as
// connectMany() does in-process. A real nats-server -js; the source is plain Subjects (no PBX needed).
import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge } from '../../src/bridge/bridge.js';
import { fromJetStream } from '../../src/bridge/consumer.js';
import { emptySummary } from '../../src/metrics/combine.js';
import type { SiteConnectionState, SiteEvent, SiteSummary } from '../../src/multi/types.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

let nats: NatsServer | undefined;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.stop();
});

/** A closing summary of one site: `inbound` calls, `answered` of them within the service level after 4 s each. */
function closing(siteId: string, inbound: number, answered: number, at: number): SiteSummary {
  return {
    ...emptySummary(), siteId, totalInboundCalls: inbound, totalAnsweredCalls: answered, answeredWithinServiceLevel: answered,
    speedOfAnswerSeconds: 4 * answered, averageSpeedOfAnswer: answered === 0 ? 0 : 4, abandonRate: 0, serviceLevel: answered / inbound,
    totalAbandonedCalls: 0, periodStart: at - 86_400_000, at,
  };
}

describe('periods and raw parts over JetStream', () => {
  it('the bridge publishes each closing summary; fromJetStream gives it per site and combined', async () => {
    if (nats === undefined) throw new Error('no nats-server');
    const names = { stream: 'PERIODS', bucket: 'periods-summary', prefix: 'ipxp' };
    const sitePeriod$ = new Subject<SiteSummary>();
    const source = { siteIds: ['a', 'b'], events$: new Subject<SiteEvent>(), connection$: new Subject<SiteConnectionState>(), siteSummary$: new Subject<SiteSummary>(), sitePeriod$ };
    const bridge = startBridge({ source, servers: nats.url, ...names });
    const feed = fromJetStream({ url: nats.url, sites: ['a', 'b'], durable: 'periods', ...names });
    try {
      const perSite = firstValueFrom(feed.sitePeriod$.pipe(take(2), toArray()));
      const round = firstValueFrom(feed.periods$);
      const midnight = Date.UTC(2026, 10, 28);
      sitePeriod$.next(closing('a', 10, 9, midnight));
      sitePeriod$.next(closing('b', 1, 0, midnight));
      expect(await bridge.flush(10_000)).toBe(true);
      // Each site is its own durable consumer: in order per site, in any order across sites.
      expect((await perSite).map((p) => [p.siteId, p.totalInboundCalls, p.at]).sort()).toEqual([
        ['a', 10, midnight],
        ['b', 1, midnight],
      ]);
      const r = await round;
      expect(Object.keys(r.sites)).toEqual(['a', 'b']);
      // From the summed parts: 36 s of speed of answer over 9 answered calls.
      expect(r.combined).toMatchObject({ totalInboundCalls: 11, totalAnsweredCalls: 9, averageSpeedOfAnswer: 4, speedOfAnswerSeconds: 36 });
      // The KV summary carries the raw parts too, so fromJetStream's combination is exact.
      const kv = firstValueFrom(feed.siteSummary$);
      source.siteSummary$.next({ ...closing('a', 3, 2, midnight + 5000), handleSeconds: 123.456 });
      expect(await kv).toMatchObject({ siteId: 'a', answeredWithinServiceLevel: 2, speedOfAnswerSeconds: 8, handleSeconds: 123.456 });
    } finally {
      await feed.close();
      await bridge.close(2000);
    }
  });
});
