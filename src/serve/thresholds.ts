// Colour thresholds of the wallboard: green / amber / red per figure. Plain data with defaults, an io-ts decoder
// for the optional JSON (the `--wallboard FILE` of the CLI, or the `serve.thresholds` key of the config file),
// and the pure rule that colours a value.

import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';

/**
 * One figure's thresholds. `above`: amber from `amber` up, red from `red` up (a queue). `below`: amber at or
 * under `amber`, red at or under `red` (a service level).
 */
export interface Threshold {
  readonly amber: number;
  readonly red: number;
  readonly direction: 'above' | 'below';
}

/** The figures the wallboard colours. */
export type ThresholdKey = 'callsInQueue' | 'longestWaitTime' | 'agentsReady' | 'serviceLevel' | 'averageSpeedOfAnswer' | 'abandonRate';

/** Thresholds of every coloured figure. */
export type WallboardThresholds = Readonly<Record<ThresholdKey, Threshold>>;

/** A colour of the wallboard. `none`: the figure has no value (service level before any call). */
export type Level = 'green' | 'amber' | 'red' | 'none';

/** The defaults: a small contact centre with a 20 s / 80 % service-level target. */
export const DEFAULT_THRESHOLDS: WallboardThresholds = {
  callsInQueue: { amber: 3, red: 6, direction: 'above' },
  longestWaitTime: { amber: 30, red: 60, direction: 'above' },
  agentsReady: { amber: 1, red: 0, direction: 'below' },
  serviceLevel: { amber: 0.8, red: 0.6, direction: 'below' },
  averageSpeedOfAnswer: { amber: 20, red: 40, direction: 'above' },
  abandonRate: { amber: 0.05, red: 0.1, direction: 'above' },
};

/** The colour of `value` under `threshold`. */
export function levelOf(value: number | null, threshold: Threshold): Level {
  if (value === null || !Number.isFinite(value)) return 'none';
  if (threshold.direction === 'above') return value >= threshold.red ? 'red' : value >= threshold.amber ? 'amber' : 'green';
  return value <= threshold.red ? 'red' : value <= threshold.amber ? 'amber' : 'green';
}

const PartialThreshold = t.exact(t.partial({ amber: t.number, red: t.number, direction: t.union([t.literal('above'), t.literal('below')]) }));
const ThresholdsInput = t.exact(
  t.partial({
    callsInQueue: PartialThreshold,
    longestWaitTime: PartialThreshold,
    agentsReady: PartialThreshold,
    serviceLevel: PartialThreshold,
    averageSpeedOfAnswer: PartialThreshold,
    abandonRate: PartialThreshold,
  }),
);

/** One line per problem: `callsInQueue.red: expected number, found "ten"` (union branches folded into one). */
export function describeErrors(errors: t.Errors): string[] {
  const lines = errors.map((e) => {
    const keys = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k));
    // The innermost type that is not a union branch names what was expected.
    const entry = [...e.context].reverse().find((c) => !/^\d+$/.test(c.key)) ?? e.context[e.context.length - 1];
    return `${keys.join('.') || '(root)'}: expected ${entry?.type.name ?? 'a valid value'}, found ${e.value === undefined ? 'nothing' : JSON.stringify(e.value)}`;
  });
  return [...new Set(lines)];
}

/**
 * Decodes thresholds from JSON data (each figure and each field optional; missing ones keep their default).
 * Returns the problems as strings when the data does not fit.
 */
export function decodeThresholds(u: unknown): { readonly thresholds: WallboardThresholds } | { readonly errors: readonly string[] } {
  const r = ThresholdsInput.decode(u ?? {});
  if (!isRight(r)) return { errors: describeErrors(r.left) };
  const out: Record<ThresholdKey, Threshold> = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(DEFAULT_THRESHOLDS) as ThresholdKey[]) {
    const given = r.right[key];
    if (given !== undefined) out[key] = { ...DEFAULT_THRESHOLDS[key], ...given };
  }
  return { thresholds: out };
}
