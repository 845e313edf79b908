// Which ACD group an event names, read as the catalogue says (ipecs-webapi.md §6.3). One place for the streams'
// group filter and the metrics' per-group figures.

import type { AcdEvent } from './acd-event.js';

/** A group number as a key: zero-padding dropped (`"0008"` → `"8"`); non-numeric values kept; blank stays `''`. */
export function normalizeGroup(s: string): string {
  if (s === '') return '';
  if (/^\d+$/.test(s)) return String(Number(s));
  return s;
}

/**
 * The group an event carries (11, 12, 23–26 in data1; 13, 14 in data2; 62, 66 in data1, where 0 means "not an ACD
 * call"), normalised, or `undefined` for an event that carries none.
 */
export function eventGroup(e: AcdEvent): string | undefined {
  let raw: string;
  switch (e.code) {
    case 11:
    case 12:
    case 23:
    case 24:
    case 25:
    case 26:
    case 62:
    case 66:
      raw = e.data1;
      break;
    case 13:
    case 14:
      raw = e.data2;
      break;
    default:
      return undefined;
  }
  const g = normalizeGroup(raw);
  return g === '' || ((e.code === 62 || e.code === 66) && g === '0') ? undefined : g;
}
