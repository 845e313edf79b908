// The CTI seed of a cold start (docs/cold-start.md): what the Web API does tell about the stations at start. The
// terminal list (Get Terminal Information, paged by 100), each station's call status (Get Call Status: `block` is
// out of service, a call state is busy), and its DND and forwarding (from the status when it is idle, which names
// them; asked with Get DND / Get Forwarding when a call hides them). The ACD stream has no replay and the Web API no
// agent-state query (ipecs-webapi.md §6, §7.6): the seed says nothing about agents, and logs none in.

import { catchError, defer, EMPTY, forkJoin, from, map, mergeMap, Observable, of, toArray, type SchedulerLike } from 'rxjs';
import type { Logger } from '../logging/logger.js';
import type { PresenceStatus } from '../protocol/wire.js';
import type { SeedInput, SeedStation } from '../metrics/types.js';
import type { CtiClient } from './cti.js';

/** Call states of Get Call Status that mean the station is in a call (A-24: the spec's example `talk` too). */
const IN_CALL: ReadonlySet<string> = new Set(['stn_talk', 'trk_talk', 'busy', 'hold', 'conf', 'talk']);
/** Statuses that name a forwarding (the station is idle and forwarded). */
const FORWARDED: ReadonlySet<string> = new Set(['fwd_all', 'fwd_busy', 'fwd_nans', 'fwd_bsna']);

/** Requests in flight at once while seeding (a PBX is a small box). */
const CONCURRENCY = 4;

/** The seed's reading of one call status: in service, busy, and DND/forward when the status names them. */
export function stationOfStatus(number: string, status: PresenceStatus): SeedStation & { readonly flagsKnown: boolean } {
  const s = status.toLowerCase();
  const inService = s !== 'block';
  const busy = IN_CALL.has(s);
  // An idle station's status names its DND or its forwarding; a call, a ring or DND (over a forwarding) hides them.
  const flagsKnown = !busy && s !== 'ring' && s !== 'dnd';
  return { number, inService, busy, dnd: s === 'dnd', forward: FORWARDED.has(s), flagsKnown };
}

/**
 * The seed, once: the terminal list, then each controllable terminal's status (and DND/forward where the status
 * hides them), as one {@link SeedInput} stamped with the scheduler's instant when the last answer came. A station
 * whose request fails is left out (counted in one warning); the whole seed is skipped, with one warning, when the
 * account may not use CTI (the terminal list is refused). Cold; completes after one value or none.
 */
export function stationSeed$(cti: CtiClient, deps: { readonly logger: Logger; readonly scheduler: SchedulerLike }): Observable<SeedInput> {
  const { logger, scheduler } = deps;
  return defer(() => {
    let failed = 0;
    const one = (number: string): Observable<SeedStation> =>
      cti.commands.getCallStatus$({ deviceNumber: number }).pipe(
        mergeMap(({ state }) => {
          const { flagsKnown, ...station } = stationOfStatus(number, state);
          if (flagsKnown || !station.inService) return of(station);
          return forkJoin({
            dnd: cti.commands.getDnd$({ deviceNumber: number, DN: number }),
            fwd: cti.commands.getForwarding$({ deviceNumber: number, DN: number }),
          }).pipe(map(({ dnd, fwd }) => ({ ...station, dnd: dnd.svcType === 'enable', forward: fwd.cfwdType !== '' && fwd.cfwdType !== 'disable' })));
        }),
        catchError(() => {
          failed++;
          return EMPTY;
        }),
      );
    return cti.terminals$().pipe(
      mergeMap((terminals) =>
        from(terminals.filter((t) => t.callControl === undefined || t.callControl === 'enable').map((t) => t.deviceNumber)).pipe(
          mergeMap(one, CONCURRENCY),
          toArray(),
        ),
      ),
      map((stations): SeedInput => {
        if (failed > 0) logger.warn('cti seed: some stations did not answer; they are known from their first event only', { failed });
        logger.info('cti seed', { stations: stations.length, inService: stations.filter((s) => s.inService).length, busy: stations.filter((s) => s.busy).length });
        return { kind: 'seed', at: scheduler.now(), stations };
      }),
      catchError((err: unknown) => {
        logger.warn('cti seed skipped: the terminal list was refused (the account needs the CTI privilege)', { error: err instanceof Error ? err.message : String(err) });
        return EMPTY;
      }),
    );
  });
}
