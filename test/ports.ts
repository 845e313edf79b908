// Loopback ports for tests that start servers of their own (nats-server nodes) or need a port nothing listens on.
import { createServer, connect as tcpConnect, type Server } from 'node:net';

/** `n` distinct free loopback ports: each is bound (all at once, so they differ), then released. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once('error', reject);
          srv.listen(0, '127.0.0.1', () => {
            resolve(srv);
          });
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** One free loopback port (nothing listens on it once this resolves). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port ?? 0;
}

/** Resolves once something accepts TCP connections on the loopback `port`; rejects after `deadlineMs`. */
export async function waitForPort(port: number, deadlineMs: number, what = 'nats-server'): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on ${String(port)} within ${String(deadlineMs)} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
