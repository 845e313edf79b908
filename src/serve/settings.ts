// Wallboard settings from JSON: the `--wallboard FILE` of `ipecs-rx serve`, or the `serve` key of the
// configuration file (which the config loader ignores with an "unknown key" warning; the CLI reads it raw).
//
//   { "title": "Sales floor", "freshnessSeconds": 150,
//     "thresholds": { "callsInQueue": { "amber": 3, "red": 6 }, "serviceLevel": { "amber": 0.8, "red": 0.6 } },
//     "agents": { "0001": "Alice Martin", "1002": "Bob Osei" },        names by agent id or station number
//     "groups": { "1": "Sales", "2": "Support" } }                      names of the ACD groups
//
// Every key is optional; thresholds are merged figure by figure over DEFAULT_THRESHOLDS.

import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { DEFAULT_FRESHNESS_MS } from './health.js';
import { DEFAULT_THRESHOLDS, decodeThresholds, describeErrors, type WallboardThresholds } from './thresholds.js';
import type { AgentNames } from './view.js';

/** The wallboard's settings. */
export interface ServeSettings {
  readonly title: string;
  readonly freshnessMs: number;
  readonly thresholds: WallboardThresholds;
  /** Names on the agent board, by agent id or station number. */
  readonly agentNames: AgentNames;
  /** Names of the ACD groups, by group number. */
  readonly groupNames: Readonly<Record<string, string>>;
}

/** Settings when nothing is given. */
export const DEFAULT_SERVE_SETTINGS: ServeSettings = { title: 'ipecs-rx wallboard', freshnessMs: DEFAULT_FRESHNESS_MS, thresholds: DEFAULT_THRESHOLDS, agentNames: {}, groupNames: {} };

const SettingsInput = t.exact(t.partial({ title: t.string, freshnessSeconds: t.number, thresholds: t.unknown, agents: t.record(t.string, t.string), groups: t.record(t.string, t.string) }));

/** Decodes settings JSON (see the file comment); returns every problem as a string when it does not fit. */
export function decodeServeSettings(u: unknown): { readonly settings: ServeSettings } | { readonly errors: readonly string[] } {
  const r = SettingsInput.decode(u ?? {});
  if (!isRight(r)) return { errors: describeErrors(r.left) };
  const th = decodeThresholds(r.right.thresholds);
  if ('errors' in th) return { errors: th.errors.map((e) => `thresholds: ${e}`) };
  const freshness = r.right.freshnessSeconds;
  if (freshness !== undefined && !(freshness > 0)) return { errors: ['freshnessSeconds: expected a number > 0'] };
  return {
    settings: {
      title: r.right.title ?? DEFAULT_SERVE_SETTINGS.title,
      freshnessMs: freshness === undefined ? DEFAULT_FRESHNESS_MS : freshness * 1000,
      thresholds: th.thresholds,
      agentNames: r.right.agents ?? {},
      groupNames: r.right.groups ?? {},
    },
  };
}
