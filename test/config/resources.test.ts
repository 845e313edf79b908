import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResources, createMessages, expandTemplate } from '../../src/config/resources.js';
import { ConfigError } from '../../src/config/load.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { installPath } from '../../src/config/default-path.js';
import type { Config } from '../../src/config/config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function withResources(lang: unknown, commands: unknown): Config {
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-res-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'lang.json'), typeof lang === 'string' ? lang : JSON.stringify(lang));
  writeFileSync(join(dir, 'cmd.json'), typeof commands === 'string' ? commands : JSON.stringify(commands));
  return { ...DEFAULT_CONFIG, resources: { language: 'xx', languageFile: join(dir, 'lang.json'), commandsFile: join(dir, 'cmd.json') } };
}

describe('loadResources', () => {
  it('loads the shipped files: every message id formats, every spec command is present', () => {
    const { messages, commands } = loadResources(DEFAULT_CONFIG);
    expect(messages.language).toBe('en-GB');
    expect(messages.format('session.login.ok', 'pbx', 'iPECS', 'UCP600', '1.0.0', 120)).toBe('Logged in to pbx (iPECS UCP600, API 1.0.0); session timer 120 s');
    for (const id of ['session.login.alreadyLogin', 'session.backoff', 'socket.reconnect', 'socket.gap.start', 'socket.heartbeat.timeout', 'protocol.decodeError', 'config.problem', 'tls.pinMismatch', 'tls.insecure', 'hooks.error', 'metrics.reset', 'session.logout.ok']) {
      expect(messages.templates.has(id)).toBe(true);
    }
    expect(commands.commands.size).toBe(46);
    expect(commands.commands.get('login')).toStrictEqual({ method: 'GET', path: '/{type}/{version}/users/{id}/login', auth: 'basic', params: [] });
    expect(commands.commands.get('checkconnection')?.path).toBe('/users/{id}/checkconnection');
    expect(commands.commands.get('checkconnectionTyped')?.path).toBe('/{type}/{version}/users/{id}/checkconnection');
    expect(commands.commands.get('confGroupDropCallee')).toMatchObject({ method: 'DELETE', path: '/server/{version}/users/{id}/call/confgroup_callee' });
    expect(commands.commands.get('clickCall')?.path).toBe('/client/{version}/users/{id}/clickcall');
    expect([...commands.sockets.keys()].sort()).toStrictEqual(['acd', 'default', 'login']);
    // 37 distinct CTI method + path pairs (ipecs-webapi.md §7.6.0, with Monitor and Presence).
    const cti = new Set([...commands.commands.values()].filter((c) => c.path.includes('/call/')).map((c) => `${c.method} ${c.path}`));
    expect(cti.size).toBe(37);
  });

  it('every message id the library formats exists in en-GB.json', () => {
    const { messages } = loadResources(DEFAULT_CONFIG);
    const src = readdirSync(installPath('src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const ids = new Set(src.flatMap((f) => [...readFileSync(join(installPath('src'), f), 'utf8').matchAll(/\.format\('([\w.-]+)'/g)].map((m) => m[1] ?? '')));
    for (const id of ids) expect(messages.templates.has(id), id).toBe(true);
  });

  it('names the file and key of every problem', () => {
    const cfg = withResources({ language: 'xx', messages: { ok: 'fine {0}', broken: 'bad {name}', alsoBroken: 5 } }, { baseUri: 'x', commands: { a: { method: 'PUT', path: '/x', auth: 'bearer' }, b: { method: 'GET', path: 'nope', auth: 'basic' } }, sockets: {} });
    try {
      loadResources(cfg);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const err = e as ConfigError;
      const where = err.problems.map((p) => `${p.file.split('/').pop() ?? ''} ${p.path}`);
      expect(where).toContain('lang.json messages.alsoBroken');
      expect(where).toContain('cmd.json commands.a.method');
    }
    const cfg2 = withResources({ language: 'xx', messages: { broken: 'bad {name}' } }, { baseUri: 'x', commands: { b: { method: 'GET', path: 'nope', auth: 'basic' } }, sockets: {} });
    const err2 = (() => { try { loadResources(cfg2); } catch (e) { return e as ConfigError; } throw new Error('no error'); })();
    expect(err2.problems.map((p) => p.path)).toStrictEqual(['messages.broken', 'commands.b.path']);
  });

  it('missing and non-JSON files are problems', () => {
    const cfg = withResources('{nope', 'x');
    expect(() => loadResources({ ...cfg, resources: { ...cfg.resources, languageFile: '/nonexistent.json' } })).toThrow(/nonexistent\.json.*ENOENT/s);
    expect(() => loadResources(cfg)).toThrow(/valid JSON/);
  });
});

describe('Messages.format', () => {
  const m = createMessages('en-GB', new Map([['a.b', '{0} and {1}, {0} again; {2} missing']]));
  it('substitutes positional arguments and leaves missing ones', () => {
    expect(m.format('a.b', 'x', 2)).toBe('x and 2, x again; {2} missing');
  });
  it('an unknown id yields the id and its arguments; never throws', () => {
    expect(m.format('no.such', 1, 'two')).toBe('no.such 1 two');
    expect(m.format('no.such')).toBe('no.such');
  });
});

describe('expandTemplate', () => {
  it('fills named placeholders, URI-encoded', () => {
    expect(expandTemplate('/{type}/{version}/users/{id}/login', { type: 'server', version: 'v1', id: 'a b' })).toBe('/server/v1/users/a%20b/login');
    expect(expandTemplate('/{x}', {})).toBe('/{x}');
  });
});
