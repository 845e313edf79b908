// A subcommand's options as plain data, with the words of its --help: parsed by node:util's parseArgs, and the
// same table prints the help, so no option can be accepted without being documented. Every command gets
// `-h, --help`; a bad option is a usage error (exit 2) that names it and points to --help.
//
//   const SPEC = { name: 'watch', summary: '…', options: { config: { type: 'string', arg: 'FILE', help: '…' } } } as const;
//   const parsed = parseCommand(SPEC, args, io);
//   if (parsed.kind === 'exit') return parsed.code;
//   parsed.values.config; // string | undefined, typed from the table

import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import { EXIT, EXIT_CODES_HELP } from './exit.js';

/** One option: its type, default, value placeholder and help line. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly default?: string | boolean;
  readonly short?: string;
  /** How the value reads in --help (`FILE`, `N`, `URL`). Strings only. */
  readonly arg?: string;
  readonly help: string;
}

/** A subcommand: its name, one-line summary, options and further help paragraphs. */
export interface CommandSpec {
  readonly name: string;
  /** One line for the command list (`ipecs-rx help`). */
  readonly summary: string;
  /** What it does, at the top of its --help. Default: the summary. */
  readonly description?: string;
  /** What follows `ipecs-rx NAME` in the usage line. Default `[options]`. */
  readonly synopsis?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments allowed (e.g. replay's journal file). Default none. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Paragraphs printed after the options (what it does, examples). */
  readonly notes?: readonly string[];
  /** Print the exit codes in --help. Default true. */
  readonly exitCodes?: boolean;
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: 'this text' } } as const;

type WithHelp<O> = O & typeof HELP_OPTION;
/** The parsed values of a spec's options, typed as parseArgs types them. */
export type OptionValues<S extends CommandSpec> = ReturnType<typeof parseArgs<{ options: WithHelp<S['options']>; strict: true; allowPositionals: true }>>['values'];

/** What {@link parseCommand} gives: values to run with, or an exit code (help printed, or a usage error). */
export type ParsedCommand<S extends CommandSpec> =
  | { readonly kind: 'run'; readonly values: OptionValues<S>; readonly positionals: readonly string[] }
  | { readonly kind: 'exit'; readonly code: number };

const optionLabel = (name: string, o: OptionSpec): string =>
  `${o.short === undefined ? '    ' : `-${o.short}, `}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;

/** Help text is wrapped to this many columns. */
const COLUMNS = 100;

/** Word-wraps `text` to `COLUMNS`, the first line after `first`, the others indented by `indent` spaces. */
export function wrap(text: string, first = '', indent = 0): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const sep = line.length === 0 || line.endsWith(' ') ? '' : ' ';
    if (line.trim() !== '' && line.length + sep.length + word.length > COLUMNS) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line += sep + word;
    }
  }
  lines.push(line);
  return lines;
}

/** The --help text of a command: usage line, description, every option with its default, notes, exit codes. */
export function helpText(spec: CommandSpec): string {
  const options: [string, OptionSpec][] = [...Object.entries(spec.options), ['help', HELP_OPTION.help]];
  const width = Math.max(...options.map(([n, o]) => optionLabel(n, o).length)) + 4;
  const lines = [`usage: ipecs-rx ${spec.name} ${spec.synopsis ?? '[options]'}`, '', ...wrap(spec.description ?? spec.summary), '', 'options:'];
  for (const [name, o] of options) {
    const dflt = o.default === undefined || o.default === false ? '' : ` (default ${String(o.default)})`;
    lines.push(...wrap(`${o.help}${dflt}`, `  ${optionLabel(name, o)}`.padEnd(width), width));
  }
  for (const note of spec.notes ?? []) lines.push('', ...wrap(note));
  if (spec.exitCodes !== false) lines.push('', EXIT_CODES_HELP);
  return lines.join('\n');
}

/** A usage error: one line naming the command and the problem, and where the options are listed. */
export function usageError(io: CliIo, command: string, problem: string): number {
  io.err(`ipecs-rx ${command}: ${problem} (ipecs-rx ${command} --help lists every option)`);
  return EXIT.usage;
}

/**
 * Parses a command's arguments by its spec. `--help` prints the help to stdout (exit 0); an unknown option, a
 * missing value or a wrong number of positional arguments is a usage error on stderr (exit 2).
 */
export function parseCommand<S extends CommandSpec>(spec: S, args: readonly string[], io: CliIo): ParsedCommand<S> {
  let parsed;
  try {
    const options = { ...spec.options, ...HELP_OPTION } as WithHelp<S['options']>;
    parsed = parseArgs<{ args: string[]; options: WithHelp<S['options']>; strict: true; allowPositionals: true }>({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (err: unknown) {
    return { kind: 'exit', code: usageError(io, spec.name, err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err)) };
  }
  if ((parsed.values as { readonly help?: boolean }).help === true) {
    io.out(helpText(spec));
    return { kind: 'exit', code: EXIT.ok };
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    const what = max === 0 ? `unexpected argument '${parsed.positionals[0] ?? ''}'` : `needs ${min === max ? String(min) : `${String(min)}-${String(max)}`} argument${max === 1 ? '' : 's'}, got ${String(n)}`;
    return { kind: 'exit', code: usageError(io, spec.name, what) };
  }
  return { kind: 'run', values: parsed.values, positionals: parsed.positionals };
}
