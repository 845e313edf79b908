// The SMDR resource (ipecs-webapi.md §5, §4, §2.4, §10.1 items 22, 30-32, A-12, A-13): GET with the §4 filter
// (`q=`), `countOnly`/`maxCount` as plain pairs or inside `q`, `maxCount` 50 by default; a station reads its own
// records only; DELETE (server accounts only) takes the filter as `q=`, a raw JSON body or a URL-encoded body and
// answers `{}`; each new record goes live as `{"event":"smdr","data":{…}}` to SMDR-privileged server sockets.
// The store and its filter engine are smdr-store.ts.

import type { AcdWireInput } from './format.js';
import { ApiFailure, ERR } from './errors.js';
import { int, smdrDuration, smdrStamp } from './cti-world.js';
import { isObject, parseBody, type ApiAnswer, type ApiCaller, type ApiRequestRecord } from './http.js';
import { SmdrFilterError, SmdrStore, type SmdrRecordInput, type SmdrStoredRecord } from './smdr-store.js';

/** Where live records go. */
export interface SmdrHost {
  /** Keys of the sessions entitled to live SMDR (server accounts with the SMDR privilege). */
  liveSessions(): readonly string[];
  send(sessionKey: string, frame: string): number;
  log(line: string): void;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** The SMDR store, its REST answers and its live records. */
export class SmdrService {
  readonly store = new SmdrStore();
  private readonly centreAnswered = new Map<number, number>();

  constructor(private readonly host: SmdrHost, private readonly centreLive: boolean) {}

  /** Adds a record and (unless `live` is false) sends it live to the SMDR sessions. */
  add(input: SmdrRecordInput, live = true): SmdrStoredRecord {
    const rec = this.store.add(input);
    if (!live) return rec;
    const frame = JSON.stringify({ event: 'smdr', data: rec });
    for (const key of this.host.liveSessions()) this.host.send(key, frame);
    return rec;
  }

  /**
   * Feeds a simulated-centre ACD event at PBX instant `atMs`: an answered call (42) that disconnects (44) becomes a
   * record. `live` false (the centre's history before a warm start) stores it without sending.
   */
  onCentreEvent(e: AcdWireInput, atMs: number, live = true): void {
    if (e.callRefId === undefined) return;
    if (e.code === 42 && !this.centreAnswered.has(e.callRefId)) this.centreAnswered.set(e.callRefId, atMs);
    if (e.code === 44) {
      const from = this.centreAnswered.get(e.callRefId) ?? atMs;
      this.centreAnswered.delete(e.callRefId);
      this.add({
        callRefID: e.callRefId, StationNumber: e.source ?? '', CoNumber: p2(Number(e.dest ?? 0) % 100), Duration: smdrDuration(atMs - from),
        StartTime: smdrStamp(from), Direction: 'I', DialedNumber1: '', Cost: '0', AccountCode: '', DialedNumber2: '', DisconnectCause: '16-Normal Call Clearing',
      }, live && this.centreLive);
    }
  }

  /** GET or DELETE `…/smdr` (the route table has checked the method). */
  request(caller: ApiCaller, method: string, record: ApiRequestRecord): ApiAnswer {
    const p = record.query;
    const parse = (text: string | undefined): unknown => {
      if (text === undefined) return undefined;
      const v = parseBody(text);
      if (!isObject(v)) throw new ApiFailure(403, ERR.parameter);
      return v;
    };
    try {
      if (method === 'DELETE') {
        if (caller.kind !== 'server') throw new ApiFailure(403, ERR.license);
        const filter = p['q'] !== undefined ? parse(p['q']) : isObject(record.body) ? record.body : undefined;
        if (filter === undefined) throw new ApiFailure(403, ERR.parameter);
        const n = this.store.delete(filter);
        this.host.log(`smdr: deleted ${n}`);
        return { status: 200, body: {} };
      }
      const q = parse(p['q']) as Record<string, unknown> | undefined;
      const countOnly = p['countOnly'] === 'true' || q?.['countOnly'] === true || q?.['countOnly'] === 'true';
      const max = int(p['maxCount'] ?? q?.['maxCount'] ?? 50);
      if (!(max > 0)) throw new ApiFailure(403, ERR.parameter);
      const station = caller.kind === 'station' ? caller.userId : undefined;
      return { status: 200, body: this.store.query(q ?? {}, { maxCount: max, countOnly, ...(station === undefined ? {} : { station }) }) };
    } catch (e) {
      if (e instanceof SmdrFilterError) throw new ApiFailure(403, ERR.parameter);
      throw e;
    }
  }
}
