// `ipecs-rx serve --source nats://HOST:PORT --sites a,b [--durable NAME]`: the options of fromJetStream() from
// the command line. The wallboard then runs over `wallboardFeed(fromJetStream(options))`.

import { siteIdProblems } from '../multi/connect-many.js';
import type { FromJetStreamOptions } from './consumer.js';
import { natsUrlProblems, splitNatsUrls } from './nats-url.js';

/** Reads `--source`, `--sites` and `--durable` into fromJetStream() options; a string is a usage error. */
export function natsSourceOptions(source: string, sites: string | undefined, durable = 'wallboard'): FromJetStreamOptions | string {
  const urls = splitNatsUrls(source);
  const bad = natsUrlProblems(urls);
  if (bad.length > 0) return `--source must be nats://HOST:PORT[,…]: ${bad.join('; ')}`;
  if (sites === undefined || sites.trim() === '') return '--source nats://… needs --sites ID[,ID…]';
  const ids = sites.split(',').map((s) => s.trim());
  const problems = siteIdProblems([...ids, durable]);
  if (problems.length > 0) return problems.join('; ');
  // A wallboard needs the present, not the history: new messages only; summaries come from the KV bucket.
  return { url: urls, sites: ids, durable, deliver: 'new' };
}
