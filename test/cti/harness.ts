// The CTI tests' rig: an emulator on 127.0.0.1:0, a real connection (HTTPS + WSS, pinned) and the CTI box over
// it, with every call event, gap and SMDR record recorded. Closed by `close()` (call it in afterEach/afterAll).
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { createCti, type CtiClient, type CtiDeps, type CtiGap } from '../../src/cti/cti.js';
import type { CallEvent, PresenceEvent } from '../../src/protocol/cti-events.js';
import type { SmdrRecord } from '../../src/protocol/wire.js';
import { createConnection, type PbxConnection } from '../../src/socket/connection.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { memoryLogger, testConfig, waitFor } from '../connection/helpers.js';

export { waitFor };

/** A running rig. */
export interface Rig {
  readonly emu: Emulator;
  readonly conn: PbxConnection;
  readonly cti: CtiClient;
  readonly events: CallEvent[];
  readonly presence: PresenceEvent[];
  readonly gaps: CtiGap[];
  readonly smdr: SmdrRecord[];
  readonly states: ConnectionState[];
  /** Waits until the socket is open (n-th open). */
  opened(n?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts the emulator, a connection as `userId` and the CTI box; subscribes to every CTI stream. */
export async function rig(
  opts: EmulatorOptions | Emulator = {},
  user: { userId?: string; password?: string; type?: 'server' | 'client' } = {},
  ctiOpts: Partial<CtiDeps> = {},
): Promise<Rig> {
  // An emulator passed in is shared: the rig does not stop it.
  const own = !('baseUrl' in opts);
  const emu = 'baseUrl' in opts ? opts : await startEmulator({ port: 0, timeAndDate: false, ...opts });
  const userId = user.userId ?? 'acd';
  const conn = createConnection(
    testConfig(emu.port, emu.fingerprint256, { server: { userId, password: user.password ?? userId, type: user.type ?? 'server' } }),
    { logger: memoryLogger() },
  );
  const cti = createCti(conn, { logger: memoryLogger(), account: { userId, type: user.type ?? 'server' }, ...ctiOpts });
  const events: CallEvent[] = [];
  const presence: PresenceEvent[] = [];
  const gaps: CtiGap[] = [];
  const smdr: SmdrRecord[] = [];
  const states: ConnectionState[] = [];
  const subs = [
    cti.callEvents$.subscribe({ next: (e) => events.push(e), error: () => undefined }),
    cti.presence$.subscribe({ next: (e) => presence.push(e), error: () => undefined }),
    cti.ctiGaps$.subscribe({ next: (g) => gaps.push(g), error: () => undefined }),
    cti.smdr$.subscribe({ next: (r) => smdr.push(r), error: () => undefined }),
    conn.connection$.subscribe((s) => states.push(s)),
  ];
  return {
    emu, conn, cti, events, presence, gaps, smdr, states,
    opened: (n = 1) => waitFor(`socket open #${n}`, () => states.filter((s) => s.kind === 'open').length >= n, 15_000),
    close: async () => {
      cti.close();
      for (const s of subs) s.unsubscribe();
      await conn.close();
      if (own) await emu.stop();
    },
  };
}
