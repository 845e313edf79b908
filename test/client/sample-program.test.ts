// End to end: the seed's sample program (legacy hooks API) against the emulator, playing a seeded scenario that
// tours every hook. Every hook must fire with the payload of metrics.md §5, in the order of the events.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ipecsAPI } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { emulatorConfigFile, runSampleProgram, type HookCall } from '../../examples/sample-program.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** Resolves when `predicate` holds, checking on every hook call (real sockets: generous deadline). */
function until(calls: HookCall[], predicate: () => boolean, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`timed out; hooks so far: ${calls.map((c) => c.hook).join(', ')}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('sample program (legacy hooks) against the emulator', () => {
  it('fires every hook with the right payload, in order', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const calls: HookCall[] = [];
    const { api, done } = runSampleProgram(emulatorConfigFile(emulator.port, emulator.fingerprint256), (c) => calls.push(c));
    await until(calls, () => emulator !== undefined && emulator.counters().socketsOpen === 1);

    await emulator.playScenario('hooks-tour', { speed: 2 });
    await until(calls, () => calls.some((c) => c.hook === 'stationDisconnected'));

    const perEvent = calls.filter((c) => c.hook !== 'event');
    expect(perEvent).toEqual([
      { hook: 'stationConnected', payload: { 'Stations connected': 1 } },
      { hook: 'agentLoggedIn', payload: { 'Agents Logged In': 1 } },
      { hook: 'newCall', payload: { 'Total Calls': 1 } },
      { hook: 'callWaiting', payload: { 'Calls In Queue': 1 } },
      { hook: 'callAnswered', payload: { 'Answered Calls': 1 } },
      { hook: 'stationBusy', payload: { 'Busy Stations': 1 } },
      { hook: 'callDisconnected', payload: { 'Active Calls': 0 } },
      { hook: 'agentLoggedOut', payload: { 'Agents Logged In': 0 } },
      { hook: 'stationDisconnected', payload: { 'Stations connected': 0 } },
    ]);

    // The event hook got the whole summary under the seed's keys, after every change.
    const summaries = calls.filter((c) => c.hook === 'event').map((c) => c.payload as Record<string, unknown>);
    expect(summaries.length).toBeGreaterThanOrEqual(perEvent.length);
    const last = summaries.at(-1);
    expect(last).toMatchObject({
      'stations-connected': 0,
      'agents-logged-in': 0,
      'total-inbound-calls': 1,
      'total-answered-calls': 1,
      'total-abandoned-calls': 0,
      'total-outbound-calls': 0,
    });
    for (const key of ['total-logged-in-time', 'total-avail-time', 'total-unavail-time', 'total-idle-time', 'total-busy-time', 'total-hold-time', 'total-wrap-time']) {
      expect(typeof last?.[key]).toBe('number');
    }

    await api.shutdown();
    await expect(done).resolves.toBeUndefined();
    expect(emulator.counters().logouts).toBe(1);
    // The server notices the socket's close a moment after the logout answered.
    await until(calls, () => emulator?.counters().socketsOpen === 0, 5_000);
  });

  it('contains a hook that throws: the other hooks and the stream go on', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const calls: HookCall[] = [];
    const { api, done } = runSampleProgram(emulatorConfigFile(emulator.port, emulator.fingerprint256), (c) => calls.push(c));
    api.addNewCallHook(() => {
      throw new Error('a host bug');
    });
    await until(calls, () => emulator !== undefined && emulator.counters().socketsOpen === 1);
    await emulator.playScenario('hooks-tour', { speed: 4 });
    await until(calls, () => calls.some((c) => c.hook === 'stationDisconnected'));
    expect(calls.filter((c) => c.hook === 'newCall')).toEqual([{ hook: 'newCall', payload: { 'Total Calls': 1 } }]);
    expect(calls.some((c) => c.hook === 'callAnswered')).toBe(true);
    await api.shutdown();
    await done;
  });

  it('rejects a bad configuration file with the file and the key named', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ipecs-bad-')), 'ipecs.conf');
    writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1', port: 'eighty', userId: 'acd', password: 'x' } }), { mode: 0o600 });
    expect(() => new ipecsAPI(file)).toThrow(/ipecs\.conf[\s\S]*server\.port/);
  });
});
