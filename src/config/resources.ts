// The resource files: messages (res/lang/<language>.json) and the REST command templates (res/ipecs-commands.json).
// Validated with io-ts at load; a problem names the file and the key. Relative paths resolve against the install
// folder.

import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Config } from './config.js';
import { ConfigError, readJsonFile, toProblems } from './load.js';
import type { ConfigProblem } from './load.js';
import { installPath } from './default-path.js';

/** Message templates by id, formatted with positional `{0}`, `{1}` … placeholders. */
export interface Messages {
  /** The language code of the file (e.g. `en-GB`). */
  readonly language: string;
  /** The templates by id. */
  readonly templates: ReadonlyMap<string, string>;
  /**
   * Formats message `id` with `args`. An unknown id yields the id itself followed by the arguments; a missing
   * argument leaves its placeholder in place. Never throws.
   */
  format(id: string, ...args: (string | number)[]): string;
}

/** One REST command of the commands file. */
export interface CommandTemplate {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path after `baseUri`, with `{type}`, `{version}`, `{id}` placeholders. */
  readonly path: string;
  readonly auth: 'basic' | 'bearer';
  /** Parameter names (body for POST/DELETE, query string for GET). */
  readonly params: readonly string[];
}

/** The commands file, decoded. */
export interface CommandTemplates {
  /** `https://{host}:{port}/ipxapi`. */
  readonly baseUri: string;
  readonly commands: ReadonlyMap<string, CommandTemplate>;
  /** WebSocket URL templates by name (`default`, `acd`, `login`). */
  readonly sockets: ReadonlyMap<string, string>;
}

// Placeholders must be `{n}`; anything else in braces is a broken template (the prior art had `{f_cmd}`, `[2]`).
const BAD_PLACEHOLDER = /\{(?!\d+\})[^}]*\}|\{(?![^{]*\})/;

const MessagesFileCodec = t.type({
  language: t.string,
  messages: t.record(t.string, t.string),
});

const Method = t.keyof({ GET: null, POST: null, DELETE: null }, 'one of "GET", "POST", "DELETE"');
const CommandCodec = t.intersection([
  t.type({ method: Method, path: t.string, auth: t.keyof({ basic: null, bearer: null }, 'one of "basic", "bearer"') }),
  t.partial({ params: t.array(t.string), note: t.string }),
]);
const CommandsFileCodec = t.type({
  baseUri: t.string,
  commands: t.record(t.string, CommandCodec),
  sockets: t.record(t.string, t.string),
});

/** Reads a JSON file; a failure becomes a problem. */
function readJson(file: string, problems: ConfigProblem[]): unknown {
  const r = readJsonFile(file);
  if (r.ok) return r.raw;
  problems.push(r.problem);
  return undefined;
}

function placeholderArgs(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const a = args[Number(i)];
    return a === undefined ? whole : String(a);
  });
}

/** Builds {@link Messages} from templates (no validation; {@link loadResources} validates files). */
export function createMessages(language: string, templates: ReadonlyMap<string, string>): Messages {
  return {
    language,
    templates,
    format(id: string, ...args: (string | number)[]): string {
      try {
        const tpl = templates.get(id);
        if (tpl === undefined) return args.length === 0 ? id : `${id} ${args.map(String).join(' ')}`;
        return placeholderArgs(tpl, args);
      } catch {
        return id;
      }
    },
  };
}

function decodeMessages(raw: unknown, file: string, problems: ConfigProblem[]): Messages | undefined {
  const r = MessagesFileCodec.decode(raw);
  if (E.isLeft(r)) {
    problems.push(...toProblems(r.left, file));
    return undefined;
  }
  const templates = new Map<string, string>();
  for (const [id, tpl] of Object.entries(r.right.messages)) {
    if (BAD_PLACEHOLDER.test(tpl)) {
      problems.push({ file, path: `messages.${id}`, expected: 'a template with {0}, {1} … placeholders only', found: `the string ${JSON.stringify(tpl.slice(0, 60))}` });
      continue;
    }
    templates.set(id, tpl);
  }
  return createMessages(r.right.language, templates);
}

function decodeCommands(raw: unknown, file: string, problems: ConfigProblem[]): CommandTemplates | undefined {
  const r = CommandsFileCodec.decode(raw);
  if (E.isLeft(r)) {
    problems.push(...toProblems(r.left, file));
    return undefined;
  }
  const commands = new Map<string, CommandTemplate>();
  for (const [name, c] of Object.entries(r.right.commands)) {
    if (!c.path.startsWith('/')) {
      problems.push({ file, path: `commands.${name}.path`, expected: 'a path starting with "/"', found: `the string ${JSON.stringify(c.path.slice(0, 60))}` });
      continue;
    }
    commands.set(name, { method: c.method, path: c.path, auth: c.auth, params: c.params ?? [] });
  }
  return { baseUri: r.right.baseUri, commands, sockets: new Map(Object.entries(r.right.sockets)) };
}

/**
 * Loads the language file (`resources.languageFile`, or `res/lang/<language>.json` when that is empty) and the
 * commands file (`resources.commandsFile`), relative paths against the install folder. Throws
 * {@link ConfigError} (`CONFIG_INVALID`) listing every problem of both files, each naming the file and key.
 */
export function loadResources(config: Config): { messages: Messages; commands: CommandTemplates } {
  const r = config.resources;
  const langFile = installPath(r.languageFile.trim() !== '' ? r.languageFile : `res/lang/${r.language}.json`);
  const cmdFile = installPath(r.commandsFile);
  const problems: ConfigProblem[] = [];
  const langRaw = readJson(langFile, problems);
  const messages = langRaw === undefined ? undefined : decodeMessages(langRaw, langFile, problems);
  const cmdRaw = readJson(cmdFile, problems);
  const commands = cmdRaw === undefined ? undefined : decodeCommands(cmdRaw, cmdFile, problems);
  if (problems.length > 0 || messages === undefined || commands === undefined) {
    throw new ConfigError('CONFIG_INVALID', problems, 'Invalid resource files');
  }
  return { messages, commands };
}

/**
 * Expands a template's `{name}` placeholders from `values` (e.g. a command path with `{type}`, `{version}`,
 * `{id}`); values are URI-component encoded. An unknown placeholder is left in place.
 */
export function expandTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([A-Za-z_]\w*)\}/g, (whole, name: string) => {
    const v = Object.hasOwn(values, name) ? values[name] : undefined;
    return v === undefined ? whole : encodeURIComponent(String(v));
  });
}
