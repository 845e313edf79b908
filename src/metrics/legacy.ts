// The legacy shapes (metrics.md §3 left column, §5 payloads): the seed's keys exactly as spelled there.

import type { AcdSummary, Change, ChangeKind } from './types.js';

/** The summary under the seed's keys (`stations-connected`, …) plus the kebab-case of the extra fields. */
export type LegacySummary = Record<string, unknown>;

/** The legacy hook payload of each transition kind (metrics.md §5). */
export interface LegacyHookPayloads {
  readonly newCall: { readonly 'Total Calls': number };
  readonly callDisconnected: { readonly 'Active Calls': number };
  readonly callAnswered: { readonly 'Answered Calls': number };
  readonly callWaiting: { readonly 'Calls In Queue': number };
  readonly agentLoggedIn: { readonly 'Agents Logged In': number };
  readonly agentLoggedOut: { readonly 'Agents Logged In': number };
  readonly stationConnected: { readonly 'Stations connected': number };
  readonly stationDisconnected: { readonly 'Stations connected': number };
  readonly stationBusy: { readonly 'Busy Stations': number };
}

/** The payload of the legacy hook of transition kind `K`. */
export type LegacyHookPayload<K extends ChangeKind = ChangeKind> = LegacyHookPayloads[K];

/** camelCase → kebab-case (`averageSpeedOfAnswer` → `average-speed-of-answer`). */
function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function kebabKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(kebabKeys);
  if (typeof x !== 'object' || x === null) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[kebab(k)] = kebabKeys(v);
  return out;
}

/**
 * The summary under the seed's keys (metrics.md §3), exactly as spelled there (`stations-connected`, …), and
 * the figures beyond the seed under the kebab-case of their field names (`active-calls`, …, breakdowns too).
 */
export function toLegacySummary(s: AcdSummary): LegacySummary {
  // The seed's thirteen keys are the kebab-case of their field names too (test/metrics/legacy.test.ts pins them).
  return kebabKeys(s) as LegacySummary;
}

/** The legacy hook payload of a transition (metrics.md §5), exact spelling. */
export function legacyHookPayload<C extends Change>(change: C): LegacyHookPayload<C['kind']>;
export function legacyHookPayload(change: Change): LegacyHookPayload {
  switch (change.kind) {
    case 'newCall':
      return { 'Total Calls': change.figure };
    case 'callDisconnected':
      return { 'Active Calls': change.figure };
    case 'callAnswered':
      return { 'Answered Calls': change.figure };
    case 'callWaiting':
      return { 'Calls In Queue': change.figure };
    case 'agentLoggedIn':
    case 'agentLoggedOut':
      return { 'Agents Logged In': change.figure };
    case 'stationConnected':
    case 'stationDisconnected':
      return { 'Stations connected': change.figure };
    case 'stationBusy':
      return { 'Busy Stations': change.figure };
  }
}
