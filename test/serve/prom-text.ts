// A strict checker of the Prometheus text exposition format (version 0.0.4), for the /metrics tests.
// It returns every problem it finds (an empty list means valid). Rules, from the format's specification:
// - lines are `# HELP name text`, `# TYPE name type`, other `#` comments, or samples;
//   the text ends with a newline; empty lines are ignored;
// - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* and not `__…`;
// - one HELP and one TYPE per family at most, both before the family's first sample; a family's samples are
//   contiguous (no family appears twice); TYPE is counter|gauge|histogram|summary|untyped;
// - sample names belong to their family: `name` (counter, gauge, untyped, summary quantiles), `name_sum` and
//   `name_count` (summary, histogram), `name_bucket` with an `le` label (histogram), and summaries carry
//   `quantile` on the plain name;
// - label values use only the escapes \\ \" \n; HELP text only \\ and \n; no label name twice in a sample;
// - values are Go floats (decimal, exponent, NaN, ±Inf, any case); counters and _count/_bucket are not negative
//   nor NaN; optional timestamps are integers;
// - no series (name + label set) appears twice; every sample belongs to a family with a TYPE (strict).

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Go's strconv.ParseFloat, which the format names: decimals with an exponent, and NaN / Inf / Infinity in any
// case (prom-client writes NaN as `Nan`, which Prometheus parses).
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity)|nan)$/i;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

interface Family {
  type: string | undefined;
  help: boolean;
  samples: number;
  closed: boolean;
}

/** Parses `{a="x",b="y"}` starting at `s[i] === '{'`; returns the labels and the index after `}` or an error. */
function parseLabels(s: string, start: number): { labels: [string, string][]; end: number } | string {
  const labels: [string, string][] = [];
  let i = start + 1;
  for (;;) {
    if (s[i] === '}') return { labels, end: i + 1 };
    const nameMatch = /^[^=]*/.exec(s.slice(i));
    const name = nameMatch?.[0] ?? '';
    if (!LABEL.test(name)) return `bad label name '${name}'`;
    if (name.startsWith('__')) return `reserved label name '${name}'`;
    i += name.length;
    if (s[i] !== '=' || s[i + 1] !== '"') return `expected ="…" after label ${name}`;
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) return `unterminated value of label ${name}`;
      if (c === '"') break;
      if (c === '\n') return `raw newline in label ${name}`;
      if (c === '\\') {
        const n = s[i + 1];
        if (n !== '\\' && n !== '"' && n !== 'n') return `bad escape \\${n ?? ''} in label ${name}`;
        value += n === 'n' ? '\n' : n;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels.push([name, value]);
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] === '}') return { labels, end: i + 1 };
    return `expected , or } after label ${name}`;
  }
}

/** Which family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, Family>): { family: string; suffix: string } {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f !== undefined && (f.type === 'histogram' || f.type === 'summary')) return { family: base, suffix };
    }
  }
  return { family: name, suffix: '' };
}

/** Checks a text exposition; returns the problems (empty when valid). */
export function checkPrometheusText(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n')) problems.push('the exposition does not end with a newline');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: string | undefined;
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { type: undefined, help: false, samples: 0, closed: false };
      families.set(name, f);
    }
    return f;
  };
  const enter = (name: string, n: number): Family => {
    if (current !== undefined && current !== name) {
      const prev = families.get(current);
      if (prev !== undefined) prev.closed = true;
    }
    const f = family(name);
    if (f.closed) problems.push(`line ${n}: family ${name} appears again after another family`);
    current = name;
    return f;
  };

  lines.forEach((line, idx) => {
    const n = idx + 1;
    if (line === '') return; // the format says: empty lines are ignored
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (m === null) return; // a plain comment
      const [, kind, name = '', rest = ''] = m;
      if (!METRIC.test(name)) problems.push(`line ${n}: bad metric name '${name}'`);
      const f = enter(name, n);
      if (kind === 'HELP') {
        if (f.help) problems.push(`line ${n}: second HELP for ${name}`);
        if (f.samples > 0) problems.push(`line ${n}: HELP for ${name} after its samples`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) problems.push(`line ${n}: bad escape in HELP of ${name}`);
        f.help = true;
      } else {
        if (f.type !== undefined) problems.push(`line ${n}: second TYPE for ${name}`);
        if (f.samples > 0) problems.push(`line ${n}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) problems.push(`line ${n}: unknown type '${rest}' for ${name}`);
        f.type = rest;
      }
      return;
    }
    const nameMatch = /^[^\s{]+/.exec(line);
    const name = nameMatch?.[0] ?? '';
    if (!METRIC.test(name)) {
      problems.push(`line ${n}: bad sample name '${name}'`);
      return;
    }
    let i = name.length;
    let labels: [string, string][] = [];
    if (line[i] === '{') {
      const parsed = parseLabels(line, i);
      if (typeof parsed === 'string') {
        problems.push(`line ${n}: ${parsed}`);
        return;
      }
      labels = parsed.labels;
      i = parsed.end;
    }
    const rest = line.slice(i);
    const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
    if (vm === null) {
      problems.push(`line ${n}: expected ' value [timestamp]' after the series, found '${rest}'`);
      return;
    }
    const value = vm[1] ?? '';
    if (!FLOAT.test(value)) problems.push(`line ${n}: bad value '${value}'`);
    const names = labels.map(([k]) => k);
    if (new Set(names).size !== names.length) problems.push(`line ${n}: a label appears twice`);
    const { family: fam, suffix } = familyOf(name, families);
    const f = enter(fam, n);
    f.samples++;
    if (f.type === undefined) problems.push(`line ${n}: sample of ${fam} without a TYPE`);
    if (f.type === 'histogram') {
      if (suffix === '') problems.push(`line ${n}: histogram ${fam} sample without _bucket/_sum/_count`);
      if (suffix === '_bucket' && !names.includes('le')) problems.push(`line ${n}: histogram bucket without le`);
    }
    if (f.type === 'summary' && suffix === '' && !names.includes('quantile')) problems.push(`line ${n}: summary ${fam} sample without quantile`);
    if ((f.type === 'counter' || suffix === '_count' || suffix === '_bucket') && (/^nan$/i.test(value) || value.startsWith('-'))) {
      problems.push(`line ${n}: ${name} must not be negative or NaN (${value})`);
    }
    const key = `${name}{${[...labels].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    if (series.has(key)) problems.push(`line ${n}: duplicate series ${key}`);
    series.add(key);
  });
  return problems;
}

/** The value of one series (labels matched exactly, in any order), or undefined. */
export function sampleValue(text: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([^\s{]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const got = (m[2] ?? '').split(',').filter((x) => x !== '').sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

/** One family of an exposition: its type, help, and samples (name, labels, value). */
export interface ParsedFamily {
  readonly name: string;
  type: string | undefined;
  help: string | undefined;
  readonly samples: { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/** Parses a valid exposition (check it first with {@link checkPrometheusText}) into families, in order. */
export function parseFamilies(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string): ParsedFamily => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: undefined, help: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const f = family(meta[2] ?? '');
      if (meta[1] === 'HELP') f.help = meta[3];
      else f.type = meta[3];
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^\s{]+)(?:\{(.*)\})? (\S+)/.exec(line);
    if (m === null) continue;
    const name = m[1] ?? '';
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1] ?? '', x[2] ?? '']));
    const base = /_(sum|count|bucket)$/.test(name) && families.get(name.replace(/_(sum|count|bucket)$/, ''))?.type !== undefined ? name.replace(/_(sum|count|bucket)$/, '') : name;
    family(base).samples.push({ name, labels, value: Number(m[3]) });
  }
  return families;
}
