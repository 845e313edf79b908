// The CTI box: typed call events, presence, the monitor/presence subscriptions (re-issued after a reconnect or a
// re-login), every call-control command, SMDR and click-to-call (ipecs-webapi.md §5, §7, §8, §10.2 items 7-15).
// It rides on one `PbxConnection`: frames from its socket, requests through its session (token, 401 re-login).

import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import {
  catchError,
  concatMap,
  defer,
  EMPTY,
  filter,
  firstValueFrom,
  from,
  map,
  merge,
  Observable,
  of,
  share,
  Subject,
  takeUntil,
  tap,
  throwError,
  toArray,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import type { Logger } from '../logging/logger.js';
import type { ErrorResource } from '../protocol/catalogue.js';
import { decodeCtiFrame, type CallEvent, type CtiDecodeFailure, type CtiFrame, type PresenceEvent } from '../protocol/cti-events.js';
import { SmdrResponse, type SmdrRecord } from '../protocol/wire.js';
import { isJsonObject } from '../protocol/lenient.js';
import { ClientClosedError } from '../session/errors.js';
import type { HttpRequest } from '../session/http-transport.js';
import type { PbxConnection } from '../socket/connection.js';
import { CTI_COMMANDS, type CtiCommandName, type CtiCommandSpec, type CtiParams, type CtiResult, type Terminal } from './commands.js';
import { apiErrorOf, CtiRequestError, CtiResponseError } from './errors.js';
import { trackSerials, type CtiGap, type CtiItem, type CtiTracked } from './serial-gaps.js';
import { eq, type SmdrFilter } from './smdr-query.js';

export type { CtiGap } from './serial-gaps.js';

/** The outcome of one device in a Monitor/Presence request: `"OK"` or a CTI error name (§7.3). */
export interface DeviceResult {
  readonly device: string;
  readonly result: string;
  readonly ok: boolean;
}

/** Every command as `name$(params): Observable<result>` (cold: sent on subscribe) and `name(params): Promise<result>`. */
export type CtiCommands = {
  readonly [K in CtiCommandName as `${K}$`]: (p: CtiParams<K>) => Observable<CtiResult<K>>;
} & {
  readonly [K in CtiCommandName]: (p: CtiParams<K>) => Promise<CtiResult<K>>;
};

/** Options of `smdr.query$`. */
export interface SmdrQueryOptions {
  /** Most records in one answer (server default 50). */
  readonly maxCount?: number;
}

/** SMDR requests (§5). Filters come from the builder in `smdr-query.ts`. */
export interface SmdrClient {
  /** GET records matching `filter` (all when absent), oldest first. Cold. */
  query$(filter?: SmdrFilter, options?: SmdrQueryOptions): Observable<readonly SmdrRecord[]>;
  /** Promise form of {@link SmdrClient.query$}. */
  query(filter?: SmdrFilter, options?: SmdrQueryOptions): Promise<readonly SmdrRecord[]>;
  /** GET with `countOnly=true`: the number of matching records. Cold. */
  count$(filter?: SmdrFilter): Observable<number>;
  /** Promise form of {@link SmdrClient.count$}. */
  count(filter?: SmdrFilter): Promise<number>;
  /** DELETE the matching records (server accounts; filter sent as `q=`). Cold. */
  delete$(filter: SmdrFilter): Observable<void>;
  /** Promise form of {@link SmdrClient.delete$}. */
  delete(filter: SmdrFilter): Promise<void>;
}

/**
 * The CTI side of one connection. Streams are hot and shared; subscribing to any of them subscribes to the
 * connection's frames (which starts the connection if nothing else did). They complete on `close()` and error
 * only with the connection's fatal error.
 */
export interface CtiClient {
  /** Every decoded CTI call event (35 types) of the monitored devices, in order. Hot, no replay. */
  readonly callEvents$: Observable<CallEvent>;
  /** Presence changes of the devices under Presence Start (§7.7; changes only, no snapshot). Hot, no replay. */
  readonly presence$: Observable<PresenceEvent>;
  /** Live SMDR records (`{"event":"smdr"}`, A-12). Hot, no replay. */
  readonly smdr$: Observable<SmdrRecord>;
  /** Socket gaps and `evtSerialNum` gaps: events may have been missed. Hot, no replay. */
  readonly ctiGaps$: Observable<CtiGap>;
  /** `call`/`smdr` frames that did not decode (values, never errors). Hot, no replay. */
  readonly errors$: Observable<CtiDecodeFailure>;
  /**
   * Monitor Start for `devices`, in sequential batches of at most 100 (each after the previous answer). Devices
   * answered `"OK"` join the monitor set, which is re-issued by itself after every reconnect or re-login. Cold.
   */
  monitor(devices: readonly string[]): Observable<readonly DeviceResult[]>;
  /** Monitor Stop (batches of 100); the devices leave the monitor set first. Cold. */
  unmonitor(devices: readonly string[]): Observable<readonly DeviceResult[]>;
  /** Presence Start (batches of 100); like {@link CtiClient.monitor} for the presence set. Cold. */
  presenceStart(devices: readonly string[]): Observable<readonly DeviceResult[]>;
  /** Presence Stop (batches of 100). Cold. */
  presenceStop(devices: readonly string[]): Observable<readonly DeviceResult[]>;
  /** The devices currently kept under Monitor Start. */
  monitored(): ReadonlySet<string>;
  /** The devices currently kept under Presence Start. */
  presenceSet(): ReadonlySet<string>;
  /** Every call-control command of §7.6 (typed; limits checked before sending). */
  readonly commands: CtiCommands;
  /** Get Terminal Information paged by 100 up to the login's `terminalCount` (A-3: path configurable). Cold. */
  terminals$(): Observable<readonly Terminal[]>;
  readonly smdr: SmdrClient;
  /** Click to Call (§8, station/client logins): POST `clickcall` `{From, To}` → 200 empty. Cold. */
  clickCall$(to: string, from?: string): Observable<void>;
  /** Promise form of {@link CtiClient.clickCall$}. */
  clickCall(to: string, from?: string): Promise<void>;
  /** Stops the re-issuing and the SMDR drain and completes the streams. Does not close the connection. Idempotent. */
  close(): void;
}

/** Dependencies and options of {@link createCti}. */
export interface CtiDeps {
  readonly logger: Logger;
  /** Accepted for symmetry with the other boxes; the CTI box reads no clock (its timing is the connection's). */
  readonly scheduler?: SchedulerLike;
  /** The account of the connection: its id, `server` (CTI, SMDR) or `client` (click-to-call, own SMDR), API version. */
  readonly account: { readonly userId: string; readonly type?: 'server' | 'client'; readonly apiVersion?: string };
  /** Path of Get Terminal Information after `call/`. Default `make`. */
  readonly terminalPath?: string;
  /** Delete every live SMDR record (by `Index`) once it was emitted on `smdr$`, so the PBX store never fills (§5.9-2). Default false. */
  readonly smdrDrain?: boolean;
}

const MAX_DEVICES = 100;
const ACD_ENVELOPE = /^\s*\{\s*"event"\s*:\s*"acd"/;
/** Bytes of a frame decoded for the ACD check; longer leading whitespace only costs the full parse. */
const ACD_PREFIX_BYTES = 64;
/** The compact head of an ACD frame, as every PBX and the emulator send it: compared as bytes, no string made. */
const ACD_HEAD = Buffer.from('{"event":"acd"', 'utf8');

/** An ACD envelope, told by its head: the compact form by bytes, any other spacing by the decoded prefix. */
function isAcdFrame(data: Buffer): boolean {
  if (data.length >= ACD_HEAD.length && data.compare(ACD_HEAD, 0, ACD_HEAD.length, 0, ACD_HEAD.length) === 0) return true;
  return ACD_ENVELOPE.test(data.toString('utf8', 0, ACD_PREFIX_BYTES));
}


/** Reads the `result` list of Monitor/Presence (`[{"1000":"OK"},…]`); `{}` (Monitor Stop, A-26) is an empty list. */
function deviceResults(body: unknown): DeviceResult[] {
  const list = isJsonObject(body) && Array.isArray(body['result']) ? body['result'] : [];
  const out: DeviceResult[] = [];
  for (const entry of list) {
    if (!isJsonObject(entry)) continue;
    for (const [device, v] of Object.entries(entry)) {
      const result = typeof v === 'string' ? v.trim() : String(v);
      out.push({ device, result, ok: result.toUpperCase() === 'OK' });
    }
  }
  return out;
}

const chunks = <T>(xs: readonly T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * Creates the CTI box over a connection. Nothing is sent until a command or a stream is used. The monitor and
 * presence sets are re-issued (in batches) on every socket `open` after the first one, and on any `open` under a
 * new session generation.
 */
export function createCti(connection: PbxConnection, deps: CtiDeps): CtiClient {
  const logger = deps.logger.child({ component: 'cti' });
  const { userId } = deps.account;
  const apiVersion = deps.account.apiVersion ?? 'v1';
  const type = deps.account.type ?? 'server';
  const id = encodeURIComponent(userId);
  const base = (t2: 'server' | 'client'): string => `/ipxapi/${t2}/${apiVersion}/users/${id}`;
  const terminalPath = deps.terminalPath ?? 'make';
  const closed$ = new Subject<void>();
  let closed = false;

  // ---- requests ----------------------------------------------------------------------------------------------

  /** Sends one request; 200 → the body, anything else → the typed API error of `resource`. */
  const send$ = (resource: ErrorResource, req: HttpRequest): Observable<unknown> =>
    connection.session.request$(req).pipe(
      map((res) => {
        if (res.status !== 200) throw apiErrorOf(resource, res.status, res.body, `${req.method} ${req.path}`);
        return res.body;
      }),
    );

  const request = (method: 'GET' | 'POST' | 'DELETE', path: string, params: object): HttpRequest => {
    if (method !== 'GET') return { method, path, body: params };
    const query: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') query[k] = v;
    return { method, path, query };
  };

  const decodeData = <R>(codec: t.Type<R, unknown>, body: unknown, what: string): R => {
    const data = isJsonObject(body) && Object.hasOwn(body, 'data') ? body['data'] : (body ?? {});
    const r = codec.decode(data);
    if (E.isLeft(r)) throw new CtiResponseError(what, `data does not match ${codec.name}`);
    return r.right;
  };

  const command$ = <P extends object, R>(name: string, spec: CtiCommandSpec<P, R>, params: P, path = spec.path): Observable<R> =>
    defer(() => {
      const problems = spec.check(params);
      if (problems.length > 0) return throwError(() => new CtiRequestError(name, problems));
      const req = request(spec.method, `${base('server')}/call/${path}`, params);
      return send$('cti', req).pipe(map((body) => decodeData(spec.data, body, `${req.method} ${req.path}`)));
    });

  const commands = Object.fromEntries(
    Object.entries(CTI_COMMANDS).flatMap(([name, spec]) => {
      const path = name === 'getTerminalInformation' ? terminalPath : spec.path;
      const obs = (p: object): Observable<unknown> => command$(name, spec as CtiCommandSpec<object, unknown>, p, path);
      return [
        [`${name}$`, obs],
        [name, (p: object) => firstValueFrom(obs(p))],
      ];
    }),
  ) as unknown as CtiCommands;

  const terminals$ = (): Observable<readonly Terminal[]> =>
    connection.session.token$().pipe(
      concatMap((tok) => {
        const total = tok.info.terminalCount ?? MAX_DEVICES;
        const starts: number[] = [];
        for (let s = 1; s <= Math.max(1, total); s += MAX_DEVICES) starts.push(s);
        return from(starts).pipe(
          concatMap((startIndex) => commands.getTerminalInformation$({ startIndex, count: Math.min(MAX_DEVICES, total - startIndex + 1) })),
          map((page) => page.terminals),
          toArray(),
          map((pages) => pages.flat()),
        );
      }),
    );

  // ---- monitor / presence: one serial queue, so batches and re-issues never interleave ------------------------

  const jobs$$ = new Subject<Observable<unknown>>();
  const jobsSub: Subscription = jobs$$.pipe(concatMap((job) => job.pipe(catchError(() => EMPTY)))).subscribe();

  /** Runs `work$` in the queue; the returned Observable mirrors it. */
  const enqueue = <T>(work$: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (closed) {
        subscriber.error(new ClientClosedError());
        return undefined;
      }
      let cancelled = false;
      jobs$$.next(
        defer(() => (cancelled ? EMPTY : work$)).pipe(
          tap({ next: (v) => { subscriber.next(v); }, error: (e: unknown) => { subscriber.error(e); }, complete: () => { subscriber.complete(); } }),
        ),
      );
      return () => {
        cancelled = true;
      };
    });

  const monitorSet = new Set<string>();
  const presenceSet = new Set<string>();
  let issuedGeneration = 0;

  /** Sends `devices` in batches of 100, each after the previous answer; the results concatenated. */
  const batches$ = (method: 'POST' | 'DELETE', feature: 'monitor' | 'presence', devices: readonly string[]): Observable<readonly DeviceResult[]> =>
    defer(() => {
      const bad = devices.filter((d) => !/^[0-9*#]+$/.test(d));
      if (bad.length > 0) return throwError(() => new CtiRequestError(`${feature} ${method}`, [`deviceNumber must be digit strings (${bad.length} are not)`]));
      return from(chunks([...new Set(devices)], MAX_DEVICES)).pipe(
        concatMap((deviceNumber) => send$('cti', { method, path: `${base('server')}/call/${feature}`, body: { deviceNumber } })),
        map(deviceResults),
        toArray(),
        map((lists) => lists.flat()),
        tap(() => {
          issuedGeneration = connection.session.generation();
        }),
      );
    });

  const start = (feature: 'monitor' | 'presence', set: Set<string>) => (devices: readonly string[]) =>
    enqueue(
      batches$('POST', feature, devices).pipe(
        tap((results) => {
          for (const r of results) if (r.ok) set.add(r.device);
          const failed = results.filter((r) => !r.ok);
          if (failed.length > 0) logger.warn(`${feature} start refused for some devices`, { count: failed.length, first: failed[0]?.result });
        }),
      ),
    );
  const stop = (feature: 'monitor' | 'presence', set: Set<string>) => (devices: readonly string[]) =>
    enqueue(
      defer(() => {
        for (const d of devices) set.delete(d);
        return batches$('DELETE', feature, devices);
      }),
    );

  const reissue = (why: string): void => {
    if (monitorSet.size === 0 && presenceSet.size === 0) return;
    logger.info('re-issuing monitor/presence', { why, monitor: monitorSet.size, presence: presenceSet.size });
    const again = (feature: 'monitor' | 'presence', set: Set<string>): Observable<unknown> =>
      set.size === 0
        ? EMPTY
        : batches$('POST', feature, [...set]).pipe(
            catchError((err: unknown) => {
              logger.warn(`${feature} re-issue failed`, { error: err instanceof Error ? err.message : String(err) });
              return EMPTY;
            }),
          );
    enqueue(merge(again('monitor', monitorSet), again('presence', presenceSet), 1)).subscribe();
  };

  let opens = 0;
  const stateSub: Subscription = connection.connection$.pipe(takeUntil(closed$)).subscribe((s) => {
    if (s.kind !== 'open') return;
    opens += 1;
    const generation = connection.session.generation();
    if (opens > 1) reissue('socket reopened');
    else if (issuedGeneration !== 0 && generation !== issuedGeneration) reissue('new session');
  });

  // ---- frames → typed items ------------------------------------------------------------------------------------

  const items$: Observable<CtiItem> = merge(
    connection.connection$.pipe(
      concatMap((s): Observable<CtiItem> => {
        if (s.kind === 'open') return of({ k: 'open', at: s.at });
        if (s.kind === 'gap') return of({ k: 'gap', gap: { kind: 'socket', at: s.at, from: s.from, to: s.to } });
        return EMPTY;
      }),
    ),
    // A station (`client`) account is entitled to no events (§2.4) and the PBX refuses it a socket: its CTI
    // streams stay silent instead of opening one.
    (type === 'client' ? EMPTY : connection.frames$).pipe(
      // The hot path: an ACD frame is told by its first bytes alone, so it is neither UTF-8 decoded in full nor
      // parsed a second time here (the ACD pipeline does both); anything else falls through to the full parse.
      // Plain filter/map, not an inner Observable per frame: most frames are ACD and cost one byte comparison.
      filter((frame) => !frame.isBinary && !isAcdFrame(frame.data)),
      map((frame): CtiItem => ({ k: 'frame', at: frame.at, f: decodeCtiFrame(frame.data.toString('utf8')) })),
      filter((item) => item.k !== 'frame' || item.f.kind !== 'other'),
    ),
  );

  const out$: Observable<CtiTracked> = items$.pipe(
    trackSerials(),
    tap((o) => {
      if (o.f?.kind === 'cti-decode-error') logger.warn('CTI frame did not decode', { type: o.f.type, problem: o.f.message });
    }),
    takeUntil(closed$),
    share(),
  );

  const frames = <K extends CtiFrame['kind']>(kind: K): Observable<Extract<CtiFrame, { kind: K }>> =>
    out$.pipe(
      map((o) => o.f),
      filter((f): f is Extract<CtiFrame, { kind: K }> => f?.kind === kind),
    );

  const callEvents$ = frames('call').pipe(map((f) => f.event));
  const presence$ = frames('presence').pipe(map((f) => f.event));
  const smdr$ = frames('smdr').pipe(map((f) => f.record));
  const errors$ = frames('cti-decode-error');
  const ctiGaps$ = out$.pipe(concatMap((o) => from(o.gaps)));

  // ---- SMDR --------------------------------------------------------------------------------------------------

  const smdrPath = (): string => `${base(type)}/smdr`;
  const smdrQuery = (filter: SmdrFilter | undefined, extra: Record<string, string | number>): Record<string, string | number> =>
    filter === undefined || Object.keys(filter).length === 0 ? extra : { ...extra, q: JSON.stringify(filter) };
  const smdrGet$ = (query: Record<string, string | number>): Observable<SmdrResponse> =>
    send$('smdr', { method: 'GET', path: smdrPath(), query }).pipe(
      map((body) => {
        const r = SmdrResponse.decode(body);
        if (E.isLeft(r)) throw new CtiResponseError(`GET ${smdrPath()}`, 'expected {count, items}');
        return r.right;
      }),
    );
  const smdr: SmdrClient = {
    query$: (f, o) => smdrGet$(smdrQuery(f, o?.maxCount === undefined ? {} : { maxCount: o.maxCount })).pipe(map((r) => r.items ?? [])),
    query: (f, o) => firstValueFrom(smdr.query$(f, o)),
    count$: (f) => smdrGet$(smdrQuery(f, { countOnly: 'true' })).pipe(map((r) => r.count)),
    count: (f) => firstValueFrom(smdr.count$(f)),
    delete$: (f) => send$('smdr', { method: 'DELETE', path: smdrPath(), query: smdrQuery(f, {}) }).pipe(map(() => undefined)),
    delete: (f) => firstValueFrom(smdr.delete$(f)),
  };

  // "Receive, then delete by Index" (§5.9-2): one delete per record, in order.
  const drainSub: Subscription | undefined = deps.smdrDrain === true
    ? smdr$
        .pipe(
          concatMap((rec) => {
            const index = Number(rec.Index);
            if (!Number.isFinite(index)) return EMPTY;
            return smdr.delete$(eq('Index', index)).pipe(
              catchError((err: unknown) => {
                logger.warn('SMDR drain delete failed', { index, error: err instanceof Error ? err.message : String(err) });
                return EMPTY;
              }),
            );
          }),
        )
        .subscribe({ error: () => undefined })
    : undefined;

  const clickCall$ = (to: string, from?: string): Observable<void> =>
    defer(() => {
      const From = from ?? userId;
      const problems = [From, to].some((x) => !/^[0-9*#+]+$/.test(x)) ? ['From and To must be digit strings'] : [];
      if (problems.length > 0) return throwError(() => new CtiRequestError('clickCall', problems));
      return send$('clickcall', { method: 'POST', path: `${base('client')}/clickcall`, body: { From, To: to } }).pipe(map(() => undefined));
    });

  return {
    callEvents$,
    presence$,
    smdr$,
    ctiGaps$,
    errors$,
    monitor: start('monitor', monitorSet),
    unmonitor: stop('monitor', monitorSet),
    presenceStart: start('presence', presenceSet),
    presenceStop: stop('presence', presenceSet),
    monitored: () => new Set(monitorSet),
    presenceSet: () => new Set(presenceSet),
    commands,
    terminals$,
    smdr,
    clickCall$,
    clickCall: (to, from) => firstValueFrom(clickCall$(to, from), { defaultValue: undefined }),
    close: () => {
      if (closed) return;
      closed = true;
      closed$.next();
      closed$.complete();
      stateSub.unsubscribe();
      jobsSub.unsubscribe();
      drainSub?.unsubscribe();
      jobs$$.complete();
    },
  };
}
