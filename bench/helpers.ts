// Helpers shared by the bench (bench/run.ts, bench/emulator-burst.ts) and the soak (test/soak/soak.ts): the bare
// baseline's connection (REST login as acd/acd and a plain `ws` socket on /ipxapi, no client code), `gc` on
// demand, and a daily reset time that no run reaches.

import axios from 'axios';
import * as https from 'node:https';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import WebSocket from 'ws';

/** `global.gc`, exposed at run time when node was started without --expose-gc. */
export function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** A daily reset 12 hours from now (UTC, `HH:MM`), so no reset falls inside a measurement or a soak. */
export function resetTimeFarAway(): string {
  const d = new Date(Date.now() + 12 * 3_600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** A raw ACD socket and how to end it. */
export interface RawSocket {
  readonly ws: WebSocket;
  /** Closes the socket, logs out (POST, as the Web API wants it) and frees the HTTPS agent. */
  close(): Promise<void>;
}

/** Logs in at `emu` (HTTPS pinned to its certificate, or plain HTTP) and opens the ACD WebSocket, resolved once open. */
export async function openRawSocket(emu: { readonly baseUrl: string; readonly certificatePem: string }): Promise<RawSocket> {
  const tls = emu.baseUrl.startsWith('https:');
  const httpsAgent = tls ? new https.Agent({ ca: emu.certificatePem }) : undefined;
  const users = `${emu.baseUrl}/ipxapi/server/v1/users/acd`;
  const login = await axios.get<{ token: string }>(`${users}/login`, { auth: { username: 'acd', password: 'acd' }, httpsAgent });
  const headers = { Authorization: `Bearer ${login.data.token}` };
  const ws = new WebSocket(`${emu.baseUrl.replace(/^http/, 'ws')}/ipxapi`, { headers, ...(tls ? { ca: emu.certificatePem } : {}), perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => { resolve(); }); ws.once('error', reject); });
  return {
    ws,
    close: async () => {
      ws.close();
      await axios.post(`${users}/logout`, undefined, { headers, httpsAgent });
      httpsAgent?.destroy();
    },
  };
}

/** `p`, or a rejection naming `what` after `ms` (the timer is released either way): no bench step can hang. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { reject(new Error(`${what}: no result after ${String(Math.round(ms / 1000))} s`)); }, ms);
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}
