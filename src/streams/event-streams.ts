// The per-event streams of metrics.md §5, derived from the reducer's transitions (changes$ of createSummary),
// so they agree with the summary by construction.

import { filter, share, type Observable } from 'rxjs';
import type { Change, ChangeKind } from '../metrics/types.js';

/** A transition of one kind. */
export type ChangeOfKind<K extends ChangeKind> = Extract<Change, { kind: K }>;

/**
 * The nine per-event streams of metrics.md §5. Each is hot with no replay: a subscriber sees the transitions after
 * it subscribed; each completes when the client closes.
 */
export interface AcdEventStreams {
  /** An inbound call is created. Figure: totalInboundCalls. */
  readonly newCall$: Observable<ChangeOfKind<'newCall'>>;
  /** An inbound or outbound call ends. Figure: activeCalls. */
  readonly callDisconnected$: Observable<ChangeOfKind<'callDisconnected'>>;
  /** An inbound call is answered. Figure: totalAnsweredCalls. */
  readonly callAnswered$: Observable<ChangeOfKind<'callAnswered'>>;
  /** A call enters a queue. Figure: callsInQueue. */
  readonly callWaiting$: Observable<ChangeOfKind<'callWaiting'>>;
  /** An agent goes from logged out to logged in. Figure: agentsLoggedIn. */
  readonly agentLoggedIn$: Observable<ChangeOfKind<'agentLoggedIn'>>;
  /** An agent goes from logged in to logged out. Figure: agentsLoggedIn. */
  readonly agentLoggedOut$: Observable<ChangeOfKind<'agentLoggedOut'>>;
  /** A station enters service. Figure: stationsConnected. */
  readonly stationConnected$: Observable<ChangeOfKind<'stationConnected'>>;
  /** A station leaves service. Figure: stationsConnected. */
  readonly stationDisconnected$: Observable<ChangeOfKind<'stationDisconnected'>>;
  /** A station goes from idle to busy. Figure: busyStations. */
  readonly stationBusy$: Observable<ChangeOfKind<'stationBusy'>>;
}

/** The transitions of one kind. */
export function changesOfKind<K extends ChangeKind>(changes$: Observable<Change>, kind: K): Observable<ChangeOfKind<K>> {
  return changes$.pipe(filter((c): c is ChangeOfKind<K> => c.kind === kind));
}

/** Splits `changes$` (from `createSummary`) into the nine streams of metrics.md §5. */
export function acdEventStreams(source$: Observable<Change>): AcdEventStreams {
  // One subscription to the transitions serves the nine streams (changes$ is hot already, so sharing it changes
  // nothing a subscriber sees): each transition passes the source's operators once, not once per stream.
  const changes$ = source$.pipe(share());
  return {
    newCall$: changesOfKind(changes$, 'newCall'),
    callDisconnected$: changesOfKind(changes$, 'callDisconnected'),
    callAnswered$: changesOfKind(changes$, 'callAnswered'),
    callWaiting$: changesOfKind(changes$, 'callWaiting'),
    agentLoggedIn$: changesOfKind(changes$, 'agentLoggedIn'),
    agentLoggedOut$: changesOfKind(changes$, 'agentLoggedOut'),
    stationConnected$: changesOfKind(changes$, 'stationConnected'),
    stationDisconnected$: changesOfKind(changes$, 'stationDisconnected'),
    stationBusy$: changesOfKind(changes$, 'stationBusy'),
  };
}
