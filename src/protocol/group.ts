// Which group an event names, read as the catalogue says (ipecs-webapi.md §6.3), and how group numbers compare
// (metrics.md §1): as numbers, so "0620", "620" and 620 are one group, keyed "620". One place for the streams'
// group filter, the metrics' per-group figures and anything else that compares groups.

import type { AcdEvent } from './acd-event.js';

/**
 * A group number as a key: leading zeros dropped (`"0008"` → `"8"`, `"000"` → `"0"`), digit by digit, so a number
 * of any length keeps every digit (no float rounding); non-numeric values kept; blank stays `''`.
 */
export function normalizeGroup(s: string | number): string {
  const v = typeof s === 'number' ? (Number.isSafeInteger(s) && s >= 0 ? String(s) : '') : s.trim();
  if (v === '') return '';
  if (/^\d+$/.test(v)) return v.replace(/^0+(?=\d)/, '');
  return v;
}

/** True when two group numbers name the same group (`"0620"`, `"620"`, `620`). */
export function sameGroup(a: string | number, b: string | number): boolean {
  const x = normalizeGroup(a);
  return x !== '' && x === normalizeGroup(b);
}

/** An ACD group field of a call event (3, 62, 66): normalised, or `undefined` when blank or `0` ("not an ACD call"). */
export function acdGroupField(s: string): string | undefined {
  const g = normalizeGroup(s);
  return g === '' || g === '0' ? undefined : g;
}

/**
 * The group an event names for the group filter, normalised, or `undefined` for an event that names none. Every
 * code whose §6.3 row names a group: `data1` of 11, 12, 23–26 (agent and supervisor log-in/out), 51 HUNT GROUP,
 * 55 PARK GROUP, 59 UCD GROUP, 61 UCD OVERFLOW TO, 63 VM GROUP, 64 UCD HELP and 77 ACD INFO CHANGED; `data2` of 13
 * and 14; `data1` of 3 CO IN RING (blank when a group is ringing), 62 and 66, where `0` means "not an ACD call".
 */
export function eventGroup(e: AcdEvent): string | undefined {
  switch (e.code) {
    case 11:
    case 12:
    case 23:
    case 24:
    case 25:
    case 26:
    case 51:
    case 55:
    case 59:
    case 61:
    case 63:
    case 64:
    case 77:
      return normalizeGroup(e.data1) || undefined;
    case 13:
    case 14:
      return normalizeGroup(e.data2) || undefined;
    case 3:
    case 62:
    case 66:
      return acdGroupField(e.data1);
    default:
      return undefined;
  }
}
