// connectMany() against two emulated PBXs over real HTTPS + WSS: every event, gap and summary carries its site,
// the combined summary sums the sites, and one site's outage is that site's alone.
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { ConfigInput } from '../../src/config/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { connectMany, siteIdProblems, type MultiSiteClient } from '../../src/multi/connect-many.js';
import type { MultiSitePeriod, SiteConnectionState, SiteEvent, SiteSummary } from '../../src/multi/types.js';
import { VirtualClock } from '../../src/journal/virtual-clock.js';

const emus: Emulator[] = [];
const clients: MultiSiteClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(emus.splice(0).map((e) => e.stop()));
});

const configFor = (e: Emulator): ConfigInput => ({ server: { host: e.host, port: e.port, userId: 'acd', password: 'acd' }, tls: { fingerprint256: e.fingerprint256 }, log: { file: null, console: false } });

async function until(what: string, predicate: () => boolean, ms = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('connectMany()', () => {
  it('tags events, gaps and summaries with their site and combines the summaries', async () => {
    const [leeds, york] = [await startEmulator({ port: 0, timeAndDate: false }), await startEmulator({ port: 0, timeAndDate: false })];
    emus.push(leeds, york);
    const many = connectMany(
      [
        { id: 'leeds', config: configFor(leeds) },
        { id: 'york', config: configFor(york) },
      ],
      { logger: silentLogger, env: {} },
    );
    clients.push(many);
    const events: SiteEvent[] = [];
    const states: SiteConnectionState[] = [];
    many.events$.subscribe((e) => events.push(e));
    many.connection$.subscribe((s) => states.push(s));
    await firstValueFrom(many.overall$.pipe(filter((s) => s.kind === 'open')));

    leeds.sendAcd({ code: 3, callRefId: 1, source: '1', data1: 1 });
    leeds.sendAcd({ code: 3, callRefId: 2, source: '2', data1: 1 });
    york.sendAcd({ code: 3, callRefId: 1, source: '1', data1: 1 });
    await until('three events', () => events.length === 3);
    expect(events.filter((e) => e.siteId === 'leeds').map((e) => e.callRefId)).toEqual([1, 2]);
    expect(events.filter((e) => e.siteId === 'york').map((e) => e.callRefId)).toEqual([1]);

    const m = await firstValueFrom(many.summaries$.pipe(filter((x) => x.combined.totalInboundCalls === 3)));
    expect(m.sites['leeds']?.totalInboundCalls).toBe(2);
    expect(m.sites['york']?.siteId).toBe('york');
    expect((await firstValueFrom(many.summary$)).activeCalls).toBe(3);

    // York's socket drops: the gap marker is York's, and the overall state is not open until it is back.
    york.faults.dropSockets();
    await until('york gap', () => states.some((s) => s.kind === 'gap'));
    const gaps = states.filter((s) => s.kind === 'gap');
    expect(gaps.map((g) => g.siteId)).toEqual(['york']);
    expect(states.filter((s) => s.siteId === 'leeds' && s.kind !== 'open' && s.kind !== 'connecting')).toEqual([]);
    expect(many.stats().sites['york']?.gaps).toBe(1);
    expect(many.clients.get('leeds')?.stats().delivered).toBe(2);
  });

  it('periods$: at the daily reset each site closes its period and one round combines them (real sockets, virtual clock)', async () => {
    const [leeds, york] = [await startEmulator({ port: 0, timeAndDate: false }), await startEmulator({ port: 0, timeAndDate: false })];
    emus.push(leeds, york);
    // The clients' clock is virtual (the sockets are real): one minute before midnight UTC, the reset time.
    const clock = new VirtualClock(Date.UTC(2026, 10, 27, 23, 59, 0));
    const metrics = { resetTime: '00:00', timeZone: 'UTC' };
    const many = connectMany(
      [
        { id: 'leeds', config: { ...configFor(leeds), metrics } },
        { id: 'york', config: { ...configFor(york), metrics } },
      ],
      { logger: silentLogger, env: {}, scheduler: clock },
    );
    clients.push(many);
    const sitePeriods: SiteSummary[] = [];
    const rounds: MultiSitePeriod[] = [];
    many.sitePeriod$.subscribe((p) => sitePeriods.push(p));
    many.periods$.subscribe((p) => rounds.push(p));
    let open = false;
    many.overall$.subscribe((st) => (open = st.kind === 'open'));
    await until('both sites open', () => {
      clock.advance(clock.now(), true);
      return open;
    });
    // Leeds: two calls answered; York: one call, abandoned. Different volumes.
    leeds.sendAcd({ code: 3, callRefId: 1, source: '1', data1: 1 });
    leeds.sendAcd({ code: 3, callRefId: 2, source: '2', data1: 1 });
    leeds.sendAcd({ code: 42, callRefId: 1, source: '1', dest: '1001', destType: 'Station' });
    leeds.sendAcd({ code: 42, callRefId: 2, source: '2', dest: '1002', destType: 'Station' });
    york.sendAcd({ code: 3, callRefId: 9, source: '3', data1: 1 });
    york.sendAcd({ code: 2, source: '3' });
    const summaries = await firstValueFrom(many.summaries$.pipe(filter((m) => m.combined.totalInboundCalls === 3 && m.combined.totalAbandonedCalls === 1 && m.combined.totalAnsweredCalls === 2)));
    expect(rounds).toEqual([]);
    clock.advance(Date.UTC(2026, 10, 28, 0, 0, 0), true); // midnight: both sites reset
    expect(sitePeriods.map((p) => [p.siteId, p.totalInboundCalls, p.at])).toEqual([
      ['leeds', 2, Date.UTC(2026, 10, 28)],
      ['york', 1, Date.UTC(2026, 10, 28)],
    ]);
    expect(rounds).toHaveLength(1);
    const round = rounds[0];
    expect(Object.keys(round?.sites ?? {})).toEqual(['leeds', 'york']);
    // York's abandon came at once: a short abandon, left out of the service level (2 of 2, not 2 of 3).
    expect(round?.combined).toMatchObject({ totalInboundCalls: 3, totalAnsweredCalls: 2, totalAbandonedCalls: 1, shortAbandons: 1, abandonRate: 1 / 3, serviceLevel: 1 });
    expect(round?.combined.answeredWithinServiceLevel).toBe(summaries.combined.answeredWithinServiceLevel);
    // The new period starts from zero.
    expect((await firstValueFrom(many.summary$)).totalInboundCalls).toBe(0);
  });

  it('refuses bad or repeated site ids before connecting anything', () => {
    expect(siteIdProblems(['a.b', 'x', 'x'])).toEqual(["site id 'a.b' must be 1-64 letters, digits, '-' or '_'", "site id 'x' is used twice"]);
    expect(() => connectMany([{ id: 'a b', config: { server: { host: '127.0.0.1', userId: 'u', password: 'p' } } }])).toThrow(/a b/);
  });
});
