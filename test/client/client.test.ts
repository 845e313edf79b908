// connect() against the emulator over real HTTPS + WSS: public streams, their lifecycles, the accounting identity,
// two clients in one process, and the live figures against the emulator's ground truth.
import { firstValueFrom, filter, lastValueFrom, toArray, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type IpecsClient } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { ConfigInput } from '../../src/config/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { waitFor } from '../connection/helpers.js';

let emulator: Emulator | undefined;
const clients: IpecsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.stop();
  emulator = undefined;
});

function configFor(emu: Emulator, userId = 'acd', extra: ConfigInput = {}): ConfigInput {
  return {
    ...extra,
    ...emu.clientConfig({ userId }),
    log: { file: null },
  };
}

function open(emu: Emulator, userId = 'acd', extra: ConfigInput = {}): IpecsClient {
  const client = connect(configFor(emu, userId, extra), { logger: silentLogger, env: {} });
  clients.push(client);
  return client;
}

const opened = (c: IpecsClient) => firstValueFrom(c.connection$.pipe(filter((s) => s.kind === 'open')));

const until = (predicate: () => boolean, ms = 15_000): Promise<void> => waitFor('the client to catch up', predicate, ms);

const accounts = ['acd', 'acd2'].map((userId) => ({ userId, password: userId, kind: 'server' as const, privileges: { acd: true, smdr: true, cti: true } }));

describe('connect()', () => {
  it('replays the latest summary to a late subscriber and counts every frame', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const client = open(emulator, 'acd', { filters: { eventsBlocked: [72] } });
    await opened(client);
    await emulator.playScenario('inbound-answered', { speed: 20 });
    emulator.faults.sendMalformed('invalid-json');
    emulator.faults.sendMalformed('binary');
    await until(() => client.stats().received === 12); // 10 scenario events + 2 malformed frames

    const late = await firstValueFrom(client.summary$);
    expect(late.totalInboundCalls).toBe(1);
    expect(late.totalAnsweredCalls).toBe(1);

    const stats = client.stats();
    expect(stats.received).toBe(stats.delivered + stats.filtered + stats.malformed);
    expect(stats.filtered).toBe(1); // the one code-72 caller-info frame
    expect(stats.malformedByReason['not-json']).toBe(1);
    expect(stats.malformedByReason['not-text']).toBe(1);
    expect(stats.logins).toBe(1);
  });

  it('completes every stream on close(), logs out, and is idempotent', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const client = open(emulator);
    await opened(client);
    const ended = Promise.all([
      lastValueFrom(client.summary$.pipe(toArray())),
      lastValueFrom(client.events$.pipe(toArray())),
      lastValueFrom(client.connection$.pipe(toArray())),
      lastValueFrom(client.newCall$.pipe(toArray())),
      lastValueFrom(client.periods$.pipe(toArray())),
    ]);
    await Promise.all([client.close(), client.close()]);
    await expect(ended).resolves.toHaveLength(5);
    expect(emulator.counters().logouts).toBe(1);
  });

  it('keeps two clients in one process apart', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false, accounts });
    const a = open(emulator, 'acd');
    const b = open(emulator, 'acd2', { filters: { stations: ['2000-2999'] } });
    await Promise.all([opened(a), opened(b)]);
    emulator.sendAcd({ code: 84, source: '1001' });
    emulator.sendAcd({ code: 84, source: '2001' });
    await until(() => a.stats().received === 2 && b.stats().received === 2);
    expect((await firstValueFrom(a.summary$)).stationsConnected).toBe(2);
    expect((await firstValueFrom(b.summary$)).stationsConnected).toBe(1);

    await a.close();
    emulator.sendAcd({ code: 84, source: '2002' });
    await until(() => b.stats().received === 3);
    expect((await firstValueFrom(b.summary$)).stationsConnected).toBe(2);
    expect(a.stats().received).toBe(2);
  });

  it('per-event streams carry the event, the entity and the figure', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const client = open(emulator);
    await opened(client);
    const newCall = firstValueFrom(client.newCall$);
    const answered = firstValueFrom(client.callAnswered$);
    const twoEvents = firstValueFrom(client.events$.pipe(take(2), toArray()));
    await emulator.playScenario('inbound-answered', { speed: 20 });
    expect((await newCall).figure).toBe(1);
    expect((await newCall).event.code).toBe(3);
    expect((await answered).event.code).toBe(42);
    expect((await twoEvents).map((e) => e.name)).toEqual(['CO_IN_RING', 'INCOMING_CALLER_INFO']);
  });

  it('counts what the live emulator centre generated, exactly', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const client = open(emulator);
    await opened(client);
    emulator.startCentre({ seed: 11, speed: 600 });
    await until(() => (emulator?.groundTruth().simSeconds ?? 0) >= 2 * 3600, 30_000);
    emulator.stopCentre();
    const truth = emulator.groundTruth();
    const sent = emulator.counters().framesSent;
    await until(() => client.stats().received === sent);
    const s = await firstValueFrom(client.summary$);
    expect(truth.offered).toBeGreaterThan(5);
    expect({
      inbound: s.totalInboundCalls,
      answered: s.totalAnsweredCalls,
      abandoned: s.totalAbandonedCalls,
      outbound: s.totalOutboundCalls,
      stations: s.stationsConnected,
      agents: s.agentsLoggedIn,
    }).toEqual({
      inbound: truth.offered,
      answered: truth.answered,
      abandoned: truth.abandoned,
      outbound: truth.outbound,
      stations: truth.stationsInService,
      agents: truth.agentsLoggedIn,
    });
  });
});
