// Emulator.clientConfig(): the emulator hands out a configuration that reaches it in one step (host, port,
// account, pin), so tests, examples and users stop copying the pinned-config literal.
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type IpecsClient } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logging/logger.js';

let emulator: Emulator | undefined;
let client: IpecsClient | undefined;
afterEach(async () => {
  await client?.close();
  await emulator?.stop();
  client = undefined;
  emulator = undefined;
});

describe('Emulator.clientConfig()', () => {
  it('is a config connect() takes as is: pinned TLS, the first server account, the right port', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const config = emulator.clientConfig();
    expect(config).toEqual({
      server: { host: '127.0.0.1', port: emulator.port, userId: 'acd', password: 'acd', type: 'server' },
      tls: { fingerprint256: emulator.fingerprint256 },
    });
    client = connect({ ...config, log: { file: null } }, { logger: silentLogger, env: {} });
    const open = await firstValueFrom(client.connection$.pipe(filter((s) => s.kind === 'open')));
    expect(open.kind).toBe('open');
    expect(emulator.counters().logins).toBe(1);
  });

  it('names a station account as a client account, and refuses an account it does not have', async () => {
    emulator = await startEmulator({
      port: 0,
      tls: false,
      timeAndDate: false,
      accounts: [{ userId: 'acd', password: 'pw', kind: 'server' }, { userId: '1001', password: '1234', kind: 'station' }],
    });
    expect(emulator.clientConfig({ userId: '1001' })).toEqual({
      server: { host: '127.0.0.1', port: emulator.port, userId: '1001', password: '1234', type: 'client' },
      tls: {},
    });
    expect(() => emulator?.clientConfig({ userId: 'nobody' })).toThrow(/no account "nobody"/);
  });
});
