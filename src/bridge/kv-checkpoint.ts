// The bridge's checkpoints (issue 17): each site's metrics checkpoint in the summary bucket under
// `checkpoint.<site>`, read once at start (before the sites connect, so each restores its figures) and written
// through the bridge's `keep$` (the latest per key, put like the summaries, flushed on close).

import { Subject, type Observable } from 'rxjs';
import { connect as natsConnect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import type { Logger } from '../logging/logger.js';
import type { CheckpointStore } from '../state/store.js';

/** The KV key of a site's checkpoint. */
export function checkpointKey(siteId: string): string {
  return `checkpoint.${siteId}`;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Reads every site's checkpoint from the bucket (site id → text). Never rejects: NATS unreachable within
 * `timeoutMs`, a missing bucket or key leaves the site out (the first two logged at warn).
 */
export async function readKvCheckpoints(o: {
  readonly servers: readonly string[];
  readonly bucket: string;
  readonly siteIds: readonly string[];
  readonly timeoutMs: number;
  readonly logger: Logger;
}): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let nc;
  try {
    nc = await natsConnect({ servers: [...o.servers], timeout: o.timeoutMs, name: 'ipecs-rx-bridge-restore' });
  } catch (err: unknown) {
    o.logger.warn('no checkpoint read: NATS unreachable at start; the figures start at zero', { error: errorText(err) });
    return out;
  }
  try {
    const kv = await new Kvm(nc).open(o.bucket, { bindOnly: true });
    for (const id of o.siteIds) {
      const entry = await kv.get(checkpointKey(id));
      if (entry !== null && entry.operation === 'PUT') out.set(id, entry.string());
    }
  } catch (err: unknown) {
    // A first run: no bucket yet.
    o.logger.info('no checkpoint read from the bucket', { bucket: o.bucket, error: errorText(err) });
  } finally {
    await nc.close().catch(() => undefined);
  }
  return out;
}

/** The sites' checkpoint stores over the bucket, and the values the bridge is to keep there (`keep$`). */
export function kvCheckpointStores(bucket: string, loaded: ReadonlyMap<string, string>): {
  readonly storeOf: (siteId: string) => CheckpointStore;
  readonly keep$: Observable<{ readonly key: string; readonly value: unknown }>;
} {
  const keep = new Subject<{ readonly key: string; readonly value: unknown }>();
  return {
    storeOf: (siteId) => ({
      name: `kv:${bucket}/${checkpointKey(siteId)}`,
      load: () => loaded.get(siteId),
      // The bridge puts JSON.stringify(value): the parsed checkpoint goes in, its JSON text comes out.
      save: (text) => {
        keep.next({ key: checkpointKey(siteId), value: JSON.parse(text) as unknown });
      },
    }),
    keep$: keep.asObservable(),
  };
}
