// Test helper: a three-node `nats-server` JetStream cluster on loopback free ports, each node with its own config
// file and store (the README shows the same config per node). A node can be SIGKILLed and started again on the
// same ports and store; `streamLeader()` names the node leading a stream (by its server_name).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServerBinary } from './nats-server.js';
import { freePorts, waitForPort } from '../ports.js';

/** One node of the cluster. */
export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly configFile: string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the same ports and store. */
  start(): Promise<void>;
  readonly running: () => boolean;
}

/** A running cluster. */
export interface NatsCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every node's client URL (the seed list of a bridge or a consumer). */
  readonly urls: readonly string[];
  node(name: string): ClusterNode;
  /** The server_name of the node leading `stream` now (asked through any running node). */
  streamLeader(stream: string): Promise<string | undefined>;
  /** Kills every node and removes the stores. */
  stop(): Promise<void>;
}

/** The config file of one node (as in the README's cluster section, with loopback ports). */
export function nodeConfig(o: { name: string; port: number; clusterPort: number; routes: readonly number[]; storeDir: string }): string {
  return [
    `server_name: ${o.name}`,
    `listen: 127.0.0.1:${String(o.port)}`,
    'jetstream {',
    `  store_dir: "${o.storeDir}"`,
    '}',
    'cluster {',
    '  name: ipecs',
    `  listen: 127.0.0.1:${String(o.clusterPort)}`,
    `  routes: [${o.routes.map((p) => `nats-route://127.0.0.1:${String(p)}`).join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

/** Starts a JetStream cluster of `size` nodes (default 3) and waits until JetStream answers (a meta leader exists). */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const bin = natsServerBinary();
  const ports = await freePorts(size * 2);
  const root = mkdtempSync(join(tmpdir(), 'ipecs-nats-cluster-'));
  const clusterPorts = ports.slice(size);
  const nodes: ClusterNode[] = Array.from({ length: size }, (_, i) => {
    const name = `n${String(i + 1)}`;
    const port = ports[i] ?? 0;
    const storeDir = join(root, name);
    const configFile = join(root, `${name}.conf`);
    writeFileSync(configFile, nodeConfig({ name, port, clusterPort: clusterPorts[i] ?? 0, routes: clusterPorts, storeDir }));
    let proc: ChildProcess | undefined;
    return {
      name,
      url: `nats://127.0.0.1:${String(port)}`,
      configFile,
      running: () => proc !== undefined && proc.exitCode === null && proc.signalCode === null,
      start: async () => {
        proc = spawn(bin, ['-c', configFile], { stdio: 'ignore' });
        await waitForPort(port, 15_000);
      },
      kill: async () => {
        const p = proc;
        proc = undefined;
        if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
        await new Promise<void>((resolve) => {
          p.once('exit', () => {
            resolve();
          });
          p.kill('SIGKILL');
        });
      },
    };
  });
  await Promise.all(nodes.map((n) => n.start()));
  const urls = nodes.map((n) => n.url);
  const cluster: NatsCluster = {
    nodes,
    urls,
    node: (name) => {
      const n = nodes.find((x) => x.name === name);
      if (n === undefined) throw new Error(`no node ${name}`);
      return n;
    },
    streamLeader: async (stream) => {
      // Retried: right after a node came back the cluster may still be settling (a meta or stream election).
      const until = Date.now() + 20_000;
      for (;;) {
        try {
          const nc = await natsConnect({ servers: nodes.filter((n) => n.running()).map((n) => n.url) });
          try {
            const jsm = await jetstreamManager(nc, { timeout: 2000 });
            const leader = (await jsm.streams.info(stream)).cluster?.leader;
            if (leader !== undefined) return leader;
          } finally {
            await nc.close();
          }
        } catch (err: unknown) {
          if (Date.now() > until) throw err;
        }
        if (Date.now() > until) return undefined;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop: async () => {
      await Promise.all(nodes.map((n) => n.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
  // JetStream answers once the nodes elected a meta leader.
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const nc = await natsConnect({ servers: urls });
      try {
        await (await jetstreamManager(nc)).getAccountInfo();
        return cluster;
      } finally {
        await nc.close();
      }
    } catch (err: unknown) {
      if (Date.now() > until) {
        await cluster.stop();
        throw new Error(`the JetStream cluster did not elect a leader within 30 s: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
