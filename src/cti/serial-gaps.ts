// The evtSerialNum rule of ipecs-webapi.md §10.2-11 and A-31 as an operator: serials are tracked per socket (each
// `open` restarts the tracking); a jump forward is reported as a `serial` gap, a step back is taken as a restart;
// the connection's own gap markers pass through as `socket` gaps. Pure: no clock, no I/O.

import { map, scan, type OperatorFunction } from 'rxjs';
import type { CtiFrame } from '../protocol/cti-events.js';

/**
 * Events that may have been missed. `socket`: the WebSocket was down from `from` to `to` (the connection's gap
 * marker). `serial`: `evtSerialNum` jumped from `expected` to `received` within one socket (A-31; tracking restarts
 * with each socket). Resynchronise with Get Call Status (§10.2-11).
 */
export type CtiGap =
  | { readonly kind: 'socket'; readonly at: number; readonly from: number; readonly to: number }
  | { readonly kind: 'serial'; readonly at: number; readonly expected: number; readonly received: number; readonly deviceNumber?: string };

/** What the tracker reads: a decoded frame, a socket `open`, or the connection's gap marker. */
export type CtiItem =
  | { readonly k: 'frame'; readonly at: number; readonly f: CtiFrame }
  | { readonly k: 'open'; readonly at: number }
  | { readonly k: 'gap'; readonly gap: CtiGap };

/** What it emits per item: the frame (if the item was one) and the gaps it revealed. */
export interface CtiTracked {
  readonly f?: CtiFrame;
  readonly gaps: readonly CtiGap[];
}

/** Tracks `evtSerialNum` per socket and reports gaps (see the file comment). One output per input. */
export function trackSerials(): OperatorFunction<CtiItem, CtiTracked> {
  return (source) =>
    source.pipe(
      scan(
        (acc: { last: number | undefined; out: CtiTracked }, item: CtiItem) => {
          if (item.k === 'open') return { last: undefined, out: { gaps: [] } };
          if (item.k === 'gap') return { last: acc.last, out: { gaps: [item.gap] } };
          const f = item.f;
          const event = f.kind === 'call' || f.kind === 'presence' ? f.event : undefined;
          const serial = event?.evtSerialNum;
          if (serial === undefined) return { last: acc.last, out: { f, gaps: [] } };
          const gaps: CtiGap[] = [];
          if (acc.last !== undefined && serial > acc.last + 1) {
            const dev = event !== undefined && 'deviceNumber' in event ? event.deviceNumber : undefined;
            gaps.push({ kind: 'serial', at: item.at, expected: acc.last + 1, received: serial, ...(dev === undefined ? {} : { deviceNumber: dev }) });
          }
          return { last: serial, out: { f, gaps } };
        },
        { last: undefined, out: { gaps: [] } },
      ),
      map((acc) => acc.out),
    );
}
