// The wallboard server's inputs (src/serve: `{ summary$, connection$, activity$, stats }`) from multi-site
// streams, in-process (connectMany) or over NATS (fromJetStream): the combined summary, the overall state of
// all sites, any event or state as activity, and the counters summed over the sites.

import { merge, type Observable } from 'rxjs';
import type { AcdSummary } from '../metrics/types.js';
import type { ConnectionState } from '../socket/types.js';
import type { FeedStats } from '../serve/prometheus.js';
import type { MultiSiteStreams } from './types.js';

/** What `createWallboardServer` takes as its feed. */
export interface WallboardFeed {
  readonly summary$: Observable<AcdSummary>;
  readonly connection$: Observable<ConnectionState>;
  readonly activity$: Observable<unknown>;
  readonly stats: () => FeedStats;
}

/** The wallboard feed of many sites (spread it into `createWallboardServer({ ...wallboardFeed(feed), thresholds })`). */
export function wallboardFeed(feed: MultiSiteStreams): WallboardFeed {
  return {
    summary$: feed.summary$,
    connection$: feed.overall$,
    activity$: merge(feed.events$, feed.connection$),
    stats: () => {
      const sites = Object.values(feed.stats().sites);
      const sum = (pick: (s: (typeof sites)[number]) => number): number => sites.reduce((a, s) => a + pick(s), 0);
      const delivered = sum((s) => s.delivered);
      const malformed = sum((s) => s.malformed);
      return {
        // Over NATS the frames the PBX sent are not known here: received is what was delivered.
        received: Math.max(sum((s) => s.received), delivered + malformed + sum((s) => s.filtered)),
        delivered,
        filtered: sum((s) => s.filtered),
        malformed,
        malformedByReason: {},
        reconnects: sum((s) => s.reconnects),
        gaps: sum((s) => s.gaps),
      };
    },
  };
}
