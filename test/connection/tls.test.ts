// TLS policy (reliability bar R20): a pin mismatch fails during the handshake and 0 bytes of credentials reach
// the server, for both the REST login (Basic) and the WebSocket upgrade (Bearer); a correct pin works with an
// IP host and a self-signed certificate; a self-signed certificate without pin or CA file is refused (fatal).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { makeCertificate } from '../../src/emulator/cert.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { isPbxError, TlsPinError, TlsVerifyError } from '../../src/session/errors.js';
import { createAxiosTransport } from '../../src/session/http-transport.js';
import { createHttpsAgent, createTlsPolicy, normaliseFingerprint } from '../../src/session/tls.js';
import { createConnection } from '../../src/socket/connection.js';
import { webSocket$ } from '../../src/socket/web-socket.js';
import { memoryLogger, testConfig, waitFor } from './helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WRONG_PIN = 'AB:'.repeat(31) + 'AB';
const BASIC = Buffer.from('acd:canary-secret').toString('base64');

/** A TLS server that records every plaintext byte it receives, and answers nothing. */
async function recordingServer(): Promise<{ port: number; fingerprint256: string; cert: string; received: () => Buffer }> {
  const cert = await makeCertificate('127.0.0.1');
  const chunks: Buffer[] = [];
  const server = tls.createServer({ key: cert.key, cert: cert.cert }, (socket) => {
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.close(() => {
          r();
        });
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  );
  return { port: (server.address() as AddressInfo).port, fingerprint256: cert.fingerprint256, cert: cert.cert, received: () => Buffer.concat(chunks) };
}

function policy(over: Partial<typeof DEFAULT_CONFIG.tls>) {
  return createTlsPolicy({ insecure: false, ...over }, memoryLogger());
}

async function restLogin(port: number, p: ReturnType<typeof policy>): Promise<unknown> {
  const agent = createHttpsAgent(p);
  cleanups.push(() => {
    agent.destroy();
  });
  const transport = createAxiosTransport({ baseUrl: `https://127.0.0.1:${port}`, timeoutMs: 1_500, httpsAgent: agent });
  return firstValueFrom(transport({ method: 'GET', path: '/ipxapi/server/v1/users/acd/login', headers: { Authorization: `Basic ${BASIC}` } })).then(
    (r) => r,
    (e: unknown) => e,
  );
}

async function wsUpgrade(port: number, p: ReturnType<typeof policy>): Promise<unknown> {
  return firstValueFrom(webSocket$({ url: `wss://127.0.0.1:${port}/ipxapi`, token: 'canary-token', tls: p, handshakeTimeoutMs: 1_500, maxFrameBytes: 1024 })).then(
    (r) => r,
    (e: unknown) => e,
  );
}

describe('TLS policy', () => {
  it('normalises fingerprints (case, colons)', () => {
    expect(normaliseFingerprint('ab:cd:EF')).toBe('ABCDEF');
  });

  it('pin mismatch, no CA file: REST login and WS upgrade fail with TlsPinError and the server receives 0 bytes', async () => {
    const srv = await recordingServer();
    const p = policy({ fingerprint256: WRONG_PIN });
    const rest = await restLogin(srv.port, p);
    expect(rest).toBeInstanceOf(TlsPinError);
    const ws = await wsUpgrade(srv.port, p);
    expect(ws).toBeInstanceOf(TlsPinError);
    await new Promise((r) => setTimeout(r, 100));
    expect(srv.received().length).toBe(0);
  });

  it('pin mismatch with a CA file (checkServerIdentity): the same, 0 bytes', async () => {
    const srv = await recordingServer();
    const dir = mkdtempSync(join(tmpdir(), 'ipecs-ca-'));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    writeFileSync(join(dir, 'pbx.pem'), srv.cert);
    const p = policy({ fingerprint256: WRONG_PIN, caFile: join(dir, 'pbx.pem') });
    expect(await restLogin(srv.port, p)).toSatisfy((e: unknown) => isPbxError(e) && e.code === 'TLS_PIN_MISMATCH');
    expect(await wsUpgrade(srv.port, p)).toSatisfy((e: unknown) => isPbxError(e) && e.code === 'TLS_PIN_MISMATCH');
    await new Promise((r) => setTimeout(r, 100));
    expect(srv.received().length).toBe(0);
  });

  it('control: with the right pin the same server does receive the credentials (the probe can see them)', async () => {
    const srv = await recordingServer();
    const p = policy({ fingerprint256: srv.fingerprint256.toLowerCase() });
    void restLogin(srv.port, p);
    await waitFor('request bytes', () => srv.received().includes(`Basic ${BASIC}`), 5_000);
    void wsUpgrade(srv.port, p);
    await waitFor('upgrade bytes', () => srv.received().includes('Bearer canary-token'), 5_000);
  });

  it('a self-signed certificate without pin or CA file is refused, fatally, before anything is sent', async () => {
    const srv = await recordingServer();
    const p = policy({});
    expect(await restLogin(srv.port, p)).toBeInstanceOf(TlsVerifyError);
    expect(await wsUpgrade(srv.port, p)).toBeInstanceOf(TlsVerifyError);
    await new Promise((r) => setTimeout(r, 100));
    expect(srv.received().length).toBe(0);
  });

  it('the whole connection: a wrong pin stops with TLS_PIN_MISMATCH and no login reaches the emulator; the right pin on an IP host connects', async () => {
    const emu: Emulator = await startEmulator({ port: 0, timeAndDate: false });
    cleanups.push(() => emu.stop());
    const bad = createConnection(testConfig(emu.port, WRONG_PIN), { logger: memoryLogger() });
    cleanups.push(() => bad.close());
    const errors: unknown[] = [];
    bad.frames$.subscribe({ error: (e: unknown) => errors.push(e) });
    await waitFor('pin error', () => errors.length === 1);
    expect(isPbxError(errors[0]) && errors[0].code).toBe('TLS_PIN_MISMATCH');
    expect(emu.counters().logins + emu.counters().loginFailures).toBe(0);

    const good = createConnection(testConfig(emu.port, emu.fingerprint256.replace(/:/g, '').toLowerCase()), { logger: memoryLogger() });
    cleanups.push(() => good.close());
    const open: boolean[] = [];
    good.connection$.subscribe((s) => {
      if (s.kind === 'open') open.push(true);
    });
    good.frames$.subscribe({ error: () => undefined });
    await waitFor('open', () => open.length === 1);
  });

  it('tls.insecure logs a warning and connects (explicit per-client opt-out)', async () => {
    const emu: Emulator = await startEmulator({ port: 0, timeAndDate: false });
    cleanups.push(() => emu.stop());
    const lines: string[] = [];
    const conn = createConnection(testConfig(emu.port, '', { tls: { insecure: true } }), { logger: memoryLogger(lines) });
    cleanups.push(() => conn.close());
    const open: boolean[] = [];
    conn.connection$.subscribe((s) => {
      if (s.kind === 'open') open.push(true);
    });
    conn.frames$.subscribe({ error: () => undefined });
    await waitFor('open', () => open.length === 1);
    expect(lines.some((l) => l.includes('"warn"') && l.includes('DISABLED'))).toBe(true);
  });
});
