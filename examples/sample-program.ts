// The original README's sample program, in TypeScript: the legacy hooks API (ipecsAPI) printing every hook.
//
//   npx tsx examples/sample-program.ts [config-file]
//
// With no config file it starts the built-in emulator with a simulated contact centre and connects to it, pinned to
// the emulator's certificate. Ctrl-C shuts down cleanly (logout, socket closed).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ipecsAPI } from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';

/** One line of output of the sample program: which hook fired and with what payload. */
export interface HookCall {
  readonly hook: string;
  readonly payload: unknown;
}

/**
 * Creates the API from `configFile`, registers every hook of the seed's README and connects.
 * Returns the API (call `shutdown()` to stop) and the Promise of `connectAPI()`.
 */
export function runSampleProgram(configFile: string, print: (call: HookCall) => void): { api: ipecsAPI; done: Promise<void> } {
  const api = new ipecsAPI(configFile, 'iPECsAPI');

  api.addEventHook((summary) => {
    print({ hook: 'event', payload: summary });
  });
  api.addNewCallHook((p) => {
    print({ hook: 'newCall', payload: p });
  });
  api.addCallDisconnectedHook((p) => {
    print({ hook: 'callDisconnected', payload: p });
  });
  api.addCallAnsweredHook((p) => {
    print({ hook: 'callAnswered', payload: p });
  });
  api.addCallWaitingHook((p) => {
    print({ hook: 'callWaiting', payload: p });
  });
  api.addAgentLoggedInHook((p) => {
    print({ hook: 'agentLoggedIn', payload: p });
  });
  api.addAgentLoggedOutHook((p) => {
    print({ hook: 'agentLoggedOut', payload: p });
  });
  api.addStationConnectedHook((p) => {
    print({ hook: 'stationConnected', payload: p });
  });
  api.addStationDisconnectedHook((p) => {
    print({ hook: 'stationDisconnected', payload: p });
  });
  api.addStationBusyHook((p) => {
    print({ hook: 'stationBusy', payload: p });
  });

  return { api, done: api.connectAPI() };
}

/** A config file for a local emulator, pinned to its certificate, in a fresh temporary folder. */
export function emulatorConfigFile(port: number, fingerprint256: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-sample-'));
  const file = join(dir, 'ipecs.conf');
  const config = {
    server: { host: '127.0.0.1', port, userId: 'acd', password: 'acd' },
    tls: { fingerprint256 },
    log: { file: join(dir, 'ipecsapi.log'), console: false },
  };
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

async function main(): Promise<void> {
  let configFile = process.argv[2];
  const emulator = configFile === undefined ? await startEmulator({ port: 0, centre: { seed: 1, speed: 30 } }) : undefined;
  if (emulator) configFile = emulatorConfigFile(emulator.port, emulator.fingerprint256);
  const { api, done } = runSampleProgram(configFile ?? '', ({ hook, payload }) => {
    // The event hook gets the whole summary; print a few of its figures, and every other hook whole.
    if (hook === 'event') {
      const s = payload as Record<string, unknown>;
      console.log(`summary: inbound=${String(s['total-inbound-calls'])} answered=${String(s['total-answered-calls'])} queue=${String(s['calls-in-queue'])}`);
    } else console.log(`${hook}: ${JSON.stringify(payload)}`);
  });
  const stop = () => void api.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await done;
  await emulator?.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
