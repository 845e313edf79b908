// Which ACD group an event names, read as the catalogue says (ipecs-webapi.md §6.3). One place for the streams'
// group filter and the metrics' per-group figures.

import type { AcdEvent } from './acd-event.js';

/** A group number as a key: zero-padding dropped (`"0008"` → `"8"`); non-numeric values kept; blank stays `''`. */
export function normalizeGroup(s: string): string {
  if (s === '') return '';
  if (/^\d+$/.test(s)) return String(Number(s));
  return s;
}

/** An ACD group field of a call event (3, 62, 66): normalised, or `undefined` when blank or `0` ("not an ACD call"). */
export function acdGroupField(s: string): string | undefined {
  const g = normalizeGroup(s);
  return g === '' || g === '0' ? undefined : g;
}

/**
 * The group an event carries for the group filter (11, 12, 23–26 in data1; 13, 14 in data2; 62, 66 in data1, where 0
 * means "not an ACD call"), normalised, or `undefined` for an event that carries none.
 */
export function eventGroup(e: AcdEvent): string | undefined {
  switch (e.code) {
    case 11:
    case 12:
    case 23:
    case 24:
    case 25:
    case 26:
      return normalizeGroup(e.data1) || undefined;
    case 13:
    case 14:
      return normalizeGroup(e.data2) || undefined;
    case 62:
    case 66:
      return acdGroupField(e.data1);
    default:
      return undefined;
  }
}
