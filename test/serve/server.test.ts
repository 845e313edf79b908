// The wallboard server over a real client and the emulator, on real sockets: /metrics passes the strict text-format
// check and carries every figure, /summary, /health (200, then 503 when the emulator goes half-open, then 200 again),
// Server-Sent Events (health at once, updates as events arrive, heartbeat comments, bounded clients, ended on close).
import { afterEach, describe, expect, it } from 'vitest';
import { get, type IncomingMessage } from 'node:http';
import { merge, Subject } from 'rxjs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { connect, type IpecsClient } from '../../src/client.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createWallboardServer, type WallboardServer } from '../../src/serve/server.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import type { ConnectionState } from '../../src/socket/types.js';
import type { WallboardView } from '../../src/serve/view.js';
import type { HealthReport } from '../../src/serve/health.js';
import { checkPrometheusText, sampleValue } from './prom-text.js';
import { waitFor } from '../connection/helpers.js';

let emu: Emulator | undefined;
let client: IpecsClient | undefined;
let server: WallboardServer | undefined;
const open: IncomingMessage[] = [];

afterEach(async () => {
  for (const res of open.splice(0)) res.destroy();
  await server?.close();
  await client?.close();
  await emu?.stop();
  server = undefined;
  client = undefined;
  emu = undefined;
});

async function start(opts: { freshnessMs?: number; heartbeatMs?: number; maxClients?: number; socket?: Record<string, number> } = {}): Promise<string> {
  emu = await startEmulator({ port: 0, centre: false });
  client = connect(
    {
      server: { host: emu.host, port: emu.port, userId: 'acd', password: 'acd' },
      tls: { fingerprint256: emu.fingerprint256 },
      socket: { backoffBaseMs: 50, backoffCapMs: 300, backoffFloorMs: 20, heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 60_000, ...opts.socket },
      log: { file: null, console: false },
    },
    { logger: silentLogger, env: {} },
  );
  const c = client;
  server = createWallboardServer({
    summary$: c.summary$,
    connection$: c.connection$,
    activity$: merge(c.events$, c.errors$),
    stats: () => c.stats(),
    logger: silentLogger,
    updateIntervalMs: 50,
    ...(opts.freshnessMs === undefined ? {} : { freshnessMs: opts.freshnessMs }),
    ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }),
    ...(opts.maxClients === undefined ? {} : { maxClients: opts.maxClients }),
  });
  const addr = await server.listen(0);
  return addr.url;
}

async function getText(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

/** Opens an SSE stream and collects its raw text. */
function openEvents(url: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      open.push(res);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
      });
      const ended = new Promise<void>((r) => {
        res.on('end', r);
        res.on('close', r);
      });
      resolve({ res, text: () => buf, ended });
    });
    req.on('error', reject);
  });
}

function events(text: string, name: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith(`event: ${name}\n`))
    .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as unknown);
}

const agentAndQueuedCall = (e: Emulator): void => {
  e.sendAcd({ code: 84, source: '1001' });
  e.sendAcd({ code: 11, source: '1001', data1: 8, data2: '0001' });
  e.sendAcd({ code: 3, callRefId: 102, source: '6', data1: 8, data2: 5 });
  e.sendAcd({ code: 62, callRefId: 102, source: '6', sourceType: 'CO', data1: 8 });
};

describe('wallboard server: /metrics, /summary, /health', () => {
  it('exposes every figure, per group, and the feed health in strict Prometheus text format', async () => {
    const url = await start();
    await waitFor('the socket to open', () => server?.health().state === 'open');
    if (emu === undefined) throw new Error('no emulator');
    agentAndQueuedCall(emu);
    emu.faults.sendMalformed('invalid-json');
    await waitFor('the queued call in the summary', () => {
      let q = 0;
      client?.summary$.subscribe((s) => (q = s.callsInQueue)).unsubscribe();
      return q === 1;
    });
    await waitFor('the malformed frame counted', () => (client?.stats().malformed ?? 0) === 1);

    const m = await getText(`${url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(checkPrometheusText(m.body)).toEqual([]);
    expect(sampleValue(m.body, 'ipecs_calls_in_queue')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_inbound_calls_total')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_agents_logged_in')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_group_calls_in_queue', { group: '8' })).toBe(1);
    expect(sampleValue(m.body, 'ipecs_group_agents_logged_in', { group: '8' })).toBe(1);
    expect(sampleValue(m.body, 'ipecs_agents_by_state', { state: 'ready' })).toBe(1);
    expect(sampleValue(m.body, 'ipecs_agents_available')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_service_level_ratio')).toBeNaN();
    expect(sampleValue(m.body, 'ipecs_client_connected')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_client_healthy')).toBe(1);
    expect(sampleValue(m.body, 'ipecs_client_malformed_frames_total', { reason: 'not-json' })).toBe(1);
    expect(sampleValue(m.body, 'ipecs_client_frames_received_total')).toBeGreaterThanOrEqual(5);
    expect(sampleValue(m.body, 'ipecs_client_reconnects_total')).toBe(0);
    expect(Date.now() / 1000 - (sampleValue(m.body, 'ipecs_client_last_frame_timestamp_seconds') ?? 0)).toBeLessThan(30);
    expect(sampleValue(m.body, 'ipecs_build_info', { version: '0.1.0', nodejs: process.version })).toBe(1);
    expect(sampleValue(m.body, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // Every figure of the summary has its family (metrics-naming.test.ts checks each one's type).
    const families = m.body.split('\n').filter((l) => l.startsWith('# TYPE ipecs_')).length;
    expect(families).toBeGreaterThanOrEqual(12 + 15 + 2 + 1 + 10 + 4 + 7 + 2);

    const s = await getText(`${url}/summary`);
    expect(s.status).toBe(200);
    expect((JSON.parse(s.body) as AcdSummary).callsInQueue).toBe(1);
    const h = await getText(`${url}/health`);
    expect(h.status).toBe(200);
    expect((JSON.parse(h.body) as HealthReport).ok).toBe(true);
    expect((await getText(`${url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${url}/health`, { method: 'POST' })).status).toBe(405);
  });

  it('/health flips to 503 with the reason when the emulator goes half-open, and back to 200 when it recovers', async () => {
    // The PBX's 60 s TIME & DATE keeps a quiet line fresh; here the window is 1.5 s and the client's own
    // heartbeat (1 s + 1 s) also gives up on the dead socket.
    const url = await start({ freshnessMs: 1_500, socket: { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_000 } });
    await waitFor('the socket to open', () => server?.health().state === 'open');
    expect((await getText(`${url}/health`)).status).toBe(200);
    emu?.faults.halfOpen(true);
    let report: HealthReport | undefined;
    await waitFor(
      '/health to answer 503',
      () => {
        const h = server?.health();
        if (h?.status === 503) report = h;
        return report !== undefined;
      },
      15_000,
    );
    const h = await getText(`${url}/health`);
    expect(h.status).toBe(503);
    const body = JSON.parse(h.body) as HealthReport;
    expect(body.ok).toBe(false);
    expect(body.reason).toMatch(/^(stale: nothing received for|socket not open)/);
    const metrics = await getText(`${url}/metrics`);
    expect(sampleValue(metrics.body, 'ipecs_client_healthy')).toBe(0);

    emu?.faults.halfOpen(false);
    // Traffic again (the PBX's TIME & DATE, sped up): the feed is fresh once a frame arrives on an open socket.
    const clock = setInterval(() => emu?.sendAcd({ code: 68 }), 200);
    try {
      await waitFor('/health back to 200', () => server?.health().status === 200, 20_000);
    } finally {
      clearInterval(clock);
    }
    expect((await getText(`${url}/health`)).status).toBe(200);
  });
});

describe('wallboard server: Server-Sent Events', () => {
  it('sends health at once, an update per change, heartbeat comments, and ends the stream on close', async () => {
    const url = await start({ heartbeatMs: 200 });
    await waitFor('the socket to open', () => server?.health().state === 'open');
    const sse = await openEvents(`${url}/events`);
    expect(sse.res.headers['content-type']).toMatch(/^text\/event-stream/);
    await waitFor('first health and update events', () => events(sse.text(), 'health').length > 0 && events(sse.text(), 'update').length > 0);
    expect(server?.clients()).toBe(1);
    if (emu === undefined) throw new Error('no emulator');
    agentAndQueuedCall(emu);
    await waitFor('an update with the queued call', () => events(sse.text(), 'update').some((v) => (v as WallboardView).summary.callsInQueue === 1));
    const view = events(sse.text(), 'update').at(-1) as WallboardView;
    expect(view.agentList.map((a) => a.station)).toEqual(['1001']);
    expect(view.groups.find((g) => g.group === '8')?.callsInQueue).toBe(1);
    expect(view.levels.callsInQueue).toBe('green');
    await waitFor('a heartbeat comment', () => sse.text().includes(': heartbeat\n\n'));

    await server?.close();
    await sse.ended;
    expect(server?.clients()).toBe(0);
  });

  it('bounds the number of SSE clients', async () => {
    const url = await start({ maxClients: 1 });
    await openEvents(`${url}/events`);
    const second = await getText(`${url}/metrics`).then(() => fetch(`${url}/events`));
    expect(second.status).toBe(503);
    expect(await second.text()).toMatch(/too many wallboard clients/);
  });

  it('works over plain streams, with no client at all (an adapter over streams)', async () => {
    const summary$ = new Subject<AcdSummary>();
    const connection$ = new Subject<ConnectionState>();
    server = createWallboardServer({ summary$, connection$, logger: silentLogger, freshnessMs: 60_000 });
    const { url } = await server.listen(0);
    expect((await getText(`${url}/summary`)).status).toBe(503);
    expect(JSON.parse((await getText(`${url}/health`)).body)).toMatchObject({ ok: false, reason: 'no connection yet', state: 'unknown' });
    connection$.next({ kind: 'open', at: Date.now(), url: 'wss://x' });
    expect((await getText(`${url}/health`)).status).toBe(200);
    const page = await getText(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="wallboard.js" defer></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    const js = await getText(`${url}/wallboard.js`);
    expect(js.type).toMatch(/^text\/javascript/);
    expect(js.body).toContain("new EventSource('events')");
    expect(js.body).not.toMatch(/https?:\/\//);
    const css = await getText(`${url}/wallboard.css`);
    expect(css.body).not.toMatch(/url\(|@import|https?:\/\//);
  });
});
