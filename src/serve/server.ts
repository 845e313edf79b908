// The wallboard HTTP server: an adapter over streams (summary$, connection$, frame activity), not over the
// client. Plain node:http.
//
//   GET /            the wallboard page (static files of res/wallboard, no build step, nothing fetched elsewhere)
//   GET /events      Server-Sent Events: `update` (a WallboardView, coalesced to one per `updateIntervalMs`),
//                    `health` (on every connection change and every `healthIntervalMs`), and a `: heartbeat`
//                    comment every `heartbeatMs` (default 15 s) so proxies keep the stream open
//   GET /summary     the latest AcdSummary as JSON (503 before the first)
//   GET /health      200 while the socket is open and frames are fresh, 503 otherwise, with the reason (health.ts)
//   GET /metrics     Prometheus text exposition (prometheus.ts)
//
// Timers run on the injected scheduler. SSE clients are bounded (`maxClients`), a client that stops reading is
// dropped once its buffer passes `maxClientBufferBytes`, and close() ends every SSE response before the server.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { asyncScheduler, auditTime, filter, interval, Subscription, tap, type Observable, type SchedulerLike } from 'rxjs';
import type { Registry } from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { AcdSummary } from '../metrics/types.js';
import type { ConnectionState } from '../socket/types.js';
import { DEFAULT_FRESHNESS_MS, healthOf } from './health.js';
import { createPrometheusRegistry, type FeedStats } from './prometheus.js';
import { DEFAULT_THRESHOLDS, type WallboardThresholds } from './thresholds.js';
import { agentRows, trackStates, wallboardView, type AgentNames, type StateSince, type WallboardHealth } from './view.js';
import { boardStatus, nextConnectionView, NO_CONNECTION, type ConnectionView } from './status.js';
import { buildInfo } from './build-info.js';

/** Options of {@link createWallboardServer}. */
export interface WallboardServerOptions {
  /** The running summary (replaying its latest value, as `IpecsClient.summary$` does). */
  readonly summary$: Observable<AcdSummary>;
  /** Connection states (`gap` markers are ignored here). */
  readonly connection$: Observable<ConnectionState>;
  /**
   * One emission per received frame, any frame (the health's freshness). With `connect()`, pass
   * `merge(client.events$, client.errors$)`; with `createConnection()`, its `frames$`.
   */
  readonly activity$?: Observable<unknown>;
  /** Feed counters for `/metrics` (e.g. `client.stats`). */
  readonly stats?: () => FeedStats;
  readonly thresholds?: WallboardThresholds;
  /** Health freshness window, ms. Default 150 000 (health.ts). */
  readonly freshnessMs?: number;
  readonly logger?: Logger;
  /** Clock and timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** SSE comment heartbeat. Default 15 000 ms. */
  readonly heartbeatMs?: number;
  /** At most one `update` per this many ms (the latest wins). Default 250. */
  readonly updateIntervalMs?: number;
  /** A `health` event at least this often (ages tick on the page between). Default 5 000. */
  readonly healthIntervalMs?: number;
  /** Most SSE clients at once; more get 503. Default 64. */
  readonly maxClients?: number;
  /** An SSE client whose unsent output passes this is dropped. Default 1 MiB. */
  readonly maxClientBufferBytes?: number;
  /** The page's folder. Default: `res/wallboard` of the installed package. */
  readonly staticDir?: string;
  /** Shown in the page title. Default `ipecs-rx wallboard`. */
  readonly title?: string;
  /** prom-client's default process metrics (`process_*`, `nodejs_*`) on /metrics. Default true. */
  readonly processMetrics?: boolean;
  /** Names on the agent board, keyed by agent id or station number (view.ts `AgentNames`). */
  readonly agentNames?: AgentNames;
  /** Names of the ACD groups in the queue table, by group number. */
  readonly groupNames?: Readonly<Record<string, string>>;
  /** The feed's `metrics.serviceLevelSeconds`, named on the service level tile. */
  readonly serviceLevelSeconds?: number;
}

/** Where a listening server is. */
export interface WallboardAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
}

/** A wallboard server. Subscribes to its streams at creation; `close()` releases everything. */
export interface WallboardServer {
  listen(port: number, host?: string): Promise<WallboardAddress>;
  /** Ends every SSE response, stops the timers, closes the server. Idempotent. */
  close(): Promise<void>;
  /** The health as `/health` would answer now, with the wallboard's status in words. */
  health(): WallboardHealth;
  /** Open SSE connections. */
  clients(): number;
  /** The Prometheus registry behind `/metrics`. */
  readonly registry: Registry;
}

/** The default page folder: `res/wallboard`, two levels above this module in `src/serve/` and in `dist/serve/`. */
export function defaultWallboardDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'res', 'wallboard');
}

const STATIC: Readonly<Record<string, readonly [file: string, type: string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/wallboard.css': ['wallboard.css', 'text/css; charset=utf-8'],
  '/wallboard.js': ['wallboard.js', 'text/javascript; charset=utf-8'],
};

// The page may talk to this origin only: nothing is fetched from the internet even if the page were changed.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Creates the wallboard server over the given streams (see the file comment for the routes). */
export function createWallboardServer(options: WallboardServerOptions): WallboardServer {
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? silentLogger;
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const freshnessMs = options.freshnessMs ?? DEFAULT_FRESHNESS_MS;
  const maxClients = options.maxClients ?? 64;
  const maxClientBuffer = options.maxClientBufferBytes ?? 1024 * 1024;
  const staticDir = options.staticDir ?? defaultWallboardDir();
  const title = options.title ?? 'ipecs-rx wallboard';

  let latest: AcdSummary | undefined;
  let state: ConnectionState | undefined;
  let connection: ConnectionView = NO_CONNECTION;
  let lastFrameAt: number | undefined;
  // Time in state of each agent, as seen from this server's first summary on.
  let states: ReadonlyMap<string, StateSince> = new Map();
  const names = options.agentNames ?? {};
  const clients = new Set<ServerResponse>();
  const fileCache = new Map<string, Buffer>();
  const subs = new Subscription();
  let closing: Promise<void> | undefined;

  const health = (): WallboardHealth => {
    const h = healthOf({ state, lastFrameAt, now: scheduler.now(), freshnessMs });
    return { ...h, board: boardStatus(h, connection) };
  };
  const registry = createPrometheusRegistry({
    summary: () => latest,
    health,
    ...(options.stats ? { stats: options.stats } : {}),
    sseClients: () => clients.size,
    buildInfo: buildInfo(),
    processMetrics: options.processMetrics ?? true,
  });

  const send = (res: ServerResponse, chunk: string): void => {
    if (res.writableEnded || res.destroyed) {
      clients.delete(res);
      return;
    }
    res.write(chunk);
    if (res.writableLength > maxClientBuffer) {
      logger.warn('wallboard client too slow; dropped', { bufferedBytes: res.writableLength });
      clients.delete(res);
      res.destroy();
    }
  };
  const broadcast = (chunk: string): void => {
    for (const res of clients) send(res, chunk);
  };
  const sseEvent = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const extras = { names, groupNames: options.groupNames ?? {}, ...(options.serviceLevelSeconds === undefined ? {} : { serviceLevelSeconds: options.serviceLevelSeconds }) };
  const updateEvent = (s: AcdSummary): string => sseEvent('update', wallboardView(s, thresholds, health(), { ...extras, states }));

  // One subscription: the latest summary at once (for /summary, /metrics, new SSE clients), updates coalesced.
  subs.add(
    options.summary$
      .pipe(
        tap((s) => {
          states = trackStates(states, agentRows(s, names), s.at, latest === undefined);
          latest = s;
        }),
        auditTime(options.updateIntervalMs ?? 250, scheduler),
      )
      .subscribe({
        next: (s) => {
          if (clients.size > 0) broadcast(updateEvent(s));
        },
        error: (err: unknown) => {
          logger.error('wallboard summary stream failed', { error: err instanceof Error ? err.message : String(err) });
        },
      }),
  );
  const broadcastHealth = (): void => {
    if (clients.size > 0) broadcast(sseEvent('health', health()));
  };
  // Health goes out on every connection change and every healthIntervalMs (staleness has no event of its own).
  subs.add(
    options.connection$.pipe(filter((s) => s.kind !== 'gap')).subscribe({
      next: (s) => {
        state = s;
        connection = nextConnectionView(connection, s);
        broadcastHealth();
      },
      error: () => undefined,
    }),
  );
  if (options.activity$) {
    subs.add(
      options.activity$.subscribe({
        next: () => {
          lastFrameAt = scheduler.now();
        },
        error: () => undefined,
      }),
    );
  }
  subs.add(interval(options.healthIntervalMs ?? 5_000, scheduler).subscribe(broadcastHealth));
  subs.add(
    interval(options.heartbeatMs ?? 15_000, scheduler).subscribe(() => {
      broadcast(': heartbeat\n\n');
    }),
  );

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(text);
  };

  const serveStatic = async (res: ServerResponse, file: string, type: string, head: boolean): Promise<void> => {
    let body = fileCache.get(file);
    if (body === undefined) {
      const raw = await readFile(join(staticDir, file));
      body = file === 'index.html' ? Buffer.from(raw.toString('utf8').replaceAll('{{title}}', escapeHtml(title)), 'utf8') : raw;
      fileCache.set(file, body);
    }
    res.writeHead(200, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-cache', ...PAGE_HEADERS });
    res.end(head ? undefined : body);
  };

  const openEvents = (req: IncomingMessage, res: ServerResponse): void => {
    if (closing !== undefined || clients.size >= maxClients) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' });
      res.end(closing === undefined ? `too many wallboard clients (max ${maxClients})\n` : 'shutting down\n');
      return;
    }
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    clients.add(res);
    res.on('close', () => clients.delete(res));
    // The page reconnects 2 s after a drop; it gets the current view and health at once.
    send(res, 'retry: 2000\n\n');
    send(res, sseEvent('health', health()));
    if (latest !== undefined) send(res, updateEvent(latest));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const page = STATIC[path];
    if (page !== undefined) {
      await serveStatic(res, page[0], page[1], method === 'HEAD');
      return;
    }
    switch (path) {
      case '/events':
        openEvents(req, res);
        return;
      case '/summary':
        if (latest === undefined) json(res, 503, { error: 'no summary yet' });
        else json(res, 200, latest);
        return;
      case '/health': {
        const h = health();
        json(res, h.status, h);
        return;
      }
      case '/metrics': {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(method === 'HEAD' ? undefined : text);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error('wallboard request failed', { path: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      } else {
        res.destroy();
      }
    });
  });
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  return {
    registry,
    health,
    clients: () => clients.size,
    listen: (port, host = '127.0.0.1') =>
      new Promise<WallboardAddress>((resolve, reject) => {
        const onError = (err: Error): void => {
          reject(err);
        };
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const addr = server.address() as AddressInfo;
          const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
          logger.info('wallboard listening', { url: `http://${shown}:${addr.port}` });
          resolve({ host: addr.address, port: addr.port, url: `http://${shown}:${addr.port}` });
        });
      }),
    close: () => {
      closing ??= (async () => {
        subs.unsubscribe();
        for (const res of clients) res.end();
        clients.clear();
        if (server.listening) {
          const closed = new Promise<void>((resolve) => {
            server.close(() => {
              resolve();
            });
          });
          server.closeIdleConnections();
          // SSE responses were ended above; anything still open is a stuck request.
          server.closeAllConnections();
          await closed;
        }
      })();
      return closing;
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
