// How the emulator writes an ACD event on the wire (ipecs-webapi.md §6.2, §10.1 item 19): the ten-field envelope,
// local `YYYY/MM/DD hh:mm:ss` time, eventCode as a JSON number, the catalogue's eventString, and, in the
// real-box style, space-filled blanks and zero-padded group/CO numbers.

import { acdCodeInfo } from '../protocol/catalogue.js';

/** What a caller gives to put one ACD event on the wire. Absent fields are written as blanks. */
export interface AcdWireInput {
  /** The event code (§6.3). */
  readonly code: number;
  /** The call reference; absent → the key is omitted for N/A codes and blank (`""`) for the others. */
  readonly callRefId?: number;
  /** Source number (station or CO). A numeric CO number is zero-padded to 4 digits in padBlanks mode. */
  readonly source?: string;
  /** `Station`, `CO` or `''`; inferred from the catalogue when absent. */
  readonly sourceType?: string;
  readonly dest?: string;
  readonly destType?: string;
  /** A JS number is written zero-padded to 4 digits in padBlanks mode (`8` → `"0008"`); a string verbatim. */
  readonly data1?: string | number;
  readonly data2?: string | number;
  /** PBX local time: a preformatted string, a Date or epoch ms. Default: now. */
  readonly time?: string | number | Date;
  /** Overrides the catalogue's eventString (e.g. for an unknown code). */
  readonly eventString?: string;
}

/** Formatting switches. */
export interface AcdFormatOptions {
  /** Real-box style: space-filled blanks and zero-padded numbers. */
  readonly padBlanks: boolean;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Formats a time as the PBX does: local `YYYY/MM/DD hh:mm:ss`. */
export function formatPbxTime(t: number | Date): string {
  const d = typeof t === 'number' ? new Date(t) : t;
  return `${d.getFullYear()}/${pad2(d.getMonth() + 1)}/${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function inferType(kind: string | undefined, num: string | undefined, which: 'source' | 'dest'): string {
  if (num === undefined || num.trim() === '') return '';
  if (kind === 'co') return 'CO';
  if (kind === 'station') return 'Station';
  if (kind === 'either') return 'Station';
  // The table says N/A but the caller gave a number anyway: say Station for a source, nothing for a destination.
  return which === 'source' ? 'Station' : '';
}

function partyNumber(num: string | undefined, type: string, padBlanks: boolean, blank: string): string {
  if (num === undefined || num === '') return padBlanks ? blank : '';
  if (padBlanks && type.toUpperCase() === 'CO' && /^\d{1,3}$/.test(num)) return num.padStart(4, '0');
  return num;
}

function dataField(v: string | number | undefined, padBlanks: boolean): string {
  if (v === undefined || v === '') return padBlanks ? '    ' : '';
  if (typeof v === 'number') return padBlanks ? String(v).padStart(4, '0') : String(v);
  return v;
}

/** The `data` object of an ACD frame, keys in the real box's order. */
export interface AcdWireData {
  time: string;
  callRefID?: number | string;
  eventCode: number;
  eventString: string;
  sourceType: string;
  sourceNumber: string;
  destType: string;
  destNumber: string;
  data1: string;
  data2: string;
}

/** Builds the `data` object of an ACD frame (pure, apart from reading the clock when `time` is absent). */
export function acdWireData(input: AcdWireInput, opts: AcdFormatOptions): AcdWireData {
  const info = acdCodeInfo(input.code);
  const pad = opts.padBlanks;
  const time =
    typeof input.time === 'string' ? input.time : formatPbxTime(input.time ?? Date.now());
  const sourceType = input.sourceType ?? inferType(info?.source, input.source, 'source');
  const destType = input.destType ?? inferType(info?.dest, input.dest, 'dest');
  const data: AcdWireData = {
    time,
    eventCode: input.code,
    eventString: input.eventString ?? info?.eventString ?? '',
    sourceType,
    sourceNumber: partyNumber(input.source, sourceType, pad, ''),
    destType,
    destNumber: partyNumber(input.dest, destType, pad, ' '),
    data1: dataField(input.data1, pad),
    data2: dataField(input.data2, pad),
  };
  if (input.callRefId !== undefined) data.callRefID = input.callRefId;
  else if (info !== undefined && info.callRef !== 'n/a') data.callRefID = '';
  // Key order as on the wire: time, callRefID, eventCode, …
  const { time: t, callRefID, ...rest } = data;
  return callRefID === undefined ? { time: t, ...rest } : { time: t, callRefID, ...rest };
}

/** The complete ACD frame text: `{"event":"acd","data":{…}}`. */
export function formatAcdFrame(input: AcdWireInput, opts: AcdFormatOptions): string {
  return JSON.stringify({ event: 'acd', data: acdWireData(input, opts) });
}
