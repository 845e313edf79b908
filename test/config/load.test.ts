import { describe, it, expect, afterEach } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig, ConfigError } from '../../src/config/load.js';
import { defaultConfigPath, installPath } from '../../src/config/default-path.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { defaultSpoolDir, statePath } from '../../src/config/state-dir.js';

const PW = 'CANARY-PW-7f3a';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmpFile(content: string, mode = 0o600): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-conf-'));
  dirs.push(dir);
  const file = join(dir, 'ipecs.conf');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const minimal = { server: { host: 'pbx.example', userId: 'acd', password: PW } };
/** DEFAULT_CONFIG as loaded with an empty environment: the default log file in the per-user state folder. */
const LOADED_DEFAULTS = { ...DEFAULT_CONFIG, log: { ...DEFAULT_CONFIG.log, file: statePath('ipecsapi.log', {}) } };

describe('loadConfigFile', () => {
  it('fills every default from DEFAULT_CONFIG', () => {
    const { config, warnings } = loadConfigFile(tmpFile(JSON.stringify(minimal)), {});
    expect(config).toStrictEqual({ ...LOADED_DEFAULTS, server: { ...DEFAULT_CONFIG.server, host: 'pbx.example', userId: 'acd', password: PW } });
    expect(warnings).toStrictEqual([]);
  });

  it('puts a relative log file in the per-user state folder, never in the working directory', () => {
    expect(loadConfigFile(tmpFile(JSON.stringify(minimal)), { XDG_STATE_HOME: '/var/lib/wb' }).config.log.file).toBe('/var/lib/wb/ipecs-rx/ipecsapi.log');
    expect(loadConfigFile(tmpFile(JSON.stringify({ ...minimal, log: { file: 'logs/x.log' } })), {}).config.log.file).toBe(join(homedir(), '.local/state/ipecs-rx/logs/x.log'));
    expect(loadConfigFile(tmpFile(JSON.stringify({ ...minimal, log: { file: '/tmp/y.log' } })), { XDG_STATE_HOME: '/var/lib/wb' }).config.log.file).toBe('/tmp/y.log');
    expect(defaultSpoolDir({ XDG_STATE_HOME: '/srv/state' })).toBe('/srv/state/ipecs-rx/spool');
  });

  it('CONFIG_NOT_FOUND for a missing file', () => {
    const e = configError(() => loadConfigFile('/nonexistent/ipecs.conf', {}));
    expect(e.code).toBe('CONFIG_NOT_FOUND');
    expect(e.message).toContain('/nonexistent/ipecs.conf');
    expect(e.problems[0]?.found).toBe('ENOENT');
  });

  it('CONFIG_NOT_JSON with line and column', () => {
    const e = configError(() => loadConfigFile(tmpFile('{\n  "server": {\n    "host": "x",,\n  }\n}'), {}));
    expect(e.code).toBe('CONFIG_NOT_JSON');
    expect(e.message).toMatch(/line 3, column \d+/);
  });

  it('reports every wrong type at nested keys at once, naming file, path, expected and found', () => {
    const file = tmpFile(
      JSON.stringify({
        server: { host: 'pbx', userId: 'acd', password: 12345, port: 70000, type: 'superuser' },
        socket: { heartbeatIntervalMs: '20s', maxFrameBytes: -1 },
        filters: { stations: ['1806', '1800-1810', 'abc', 1900, '1810-1800'], eventsAllowed: [1, 'x'] },
        metrics: { resetTime: '24:00', timeZone: 'Mars/Olympus' },
        log: { level: 'verbose', maxFiles: 0 },
      }),
    );
    const e = configError(() => loadConfigFile(file, {}));
    expect(e.code).toBe('CONFIG_INVALID');
    const paths = e.problems.map((p) => p.path).sort();
    expect(paths).toStrictEqual([
      'filters.eventsAllowed[1]', 'filters.stations[2]', 'filters.stations[4]', 'log.level', 'log.maxFiles', 'metrics.resetTime',
      'metrics.timeZone', 'server.password', 'server.port', 'server.type', 'socket.heartbeatIntervalMs', 'socket.maxFrameBytes',
    ]);
    for (const p of e.problems) {
      expect(p.file).toBe(file);
      expect(e.message).toContain(`${file}: ${p.path}: expected ${p.expected}, found ${p.found}`);
    }
    const hb = e.problems.find((p) => p.path === 'socket.heartbeatIntervalMs');
    expect(hb).toMatchObject({ expected: 'a positive integer (milliseconds)', found: 'the string "20s"' });
    // The password's value is never echoed, even when it has the wrong type.
    expect(e.message).not.toContain('12345');
    expect(e.problems.find((p) => p.path === 'server.password')?.found).toBe('a number (value hidden)');
  });

  it('requires host, userId and password after env overrides', () => {
    const e = configError(() => loadConfigFile(tmpFile('{}'), {}));
    expect(e.problems.map((p) => p.path)).toStrictEqual(['server.host', 'server.userId', 'server.password']);
    const { config } = loadConfigFile(tmpFile('{}'), { IPECS_HOST: '10.0.0.5', IPECS_PORT: '1024', IPECS_USER: 'api', IPECS_PASSWORD: PW });
    expect(config.server).toMatchObject({ host: '10.0.0.5', port: 1024, userId: 'api', password: PW });
  });

  it('env overrides the file; a bad IPECS_PORT is a problem', () => {
    const { config } = loadConfigFile(tmpFile(JSON.stringify({ server: { ...minimal.server, port: 8743 } })), { IPECS_HOST: 'other', IPECS_PORT: '9443' });
    expect(config.server.host).toBe('other');
    expect(config.server.port).toBe(9443);
    const e = configError(() => loadConfigFile(tmpFile(JSON.stringify(minimal)), { IPECS_PORT: 'http' }));
    expect(e.problems).toStrictEqual([{ file: '(env IPECS_PORT)', path: 'server.port', expected: 'an integer 1-65535 (port)', found: 'the string "http"' }]);
  });

  it('unknown keys are warnings with a did-you-mean, not errors', () => {
    const { warnings, config } = loadConfigFile(tmpFile(JSON.stringify({ ...minimal, socket: { heartbeatIntervalMS: 5 }, sokcet: {} })), {});
    expect(config.socket.heartbeatIntervalMs).toBe(DEFAULT_CONFIG.socket.heartbeatIntervalMs);
    expect(warnings.some((w) => w.includes('unknown key "socket.heartbeatIntervalMS"') && w.includes('did you mean "socket.heartbeatIntervalMs"'))).toBe(true);
    expect(warnings.some((w) => w.includes('unknown section "sokcet"') && w.includes('did you mean "socket"'))).toBe(true);
  });

  it('a __proto__ key in the file neither pollutes nor sets values', () => {
    const { config } = loadConfigFile(tmpFile('{"server":{"host":"h","userId":"u","password":"p","__proto__":{"port":1}},"__proto__":{"polluted":1}}'), {});
    expect(config.server.port).toBe(8743);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('warns when a file holding a password is readable by others', () => {
    const { warnings } = loadConfigFile(tmpFile(JSON.stringify(minimal), 0o644), {});
    expect(warnings.some((w) => w.includes('readable by group or others') && w.includes('644'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(PW);
    expect(loadConfigFile(tmpFile(JSON.stringify(minimal), 0o600), {}).warnings).toStrictEqual([]);
    expect(loadConfigFile(tmpFile(JSON.stringify({ server: { host: 'h', userId: 'u' } }), 0o644), { IPECS_PASSWORD: PW }).warnings).toStrictEqual([]);
  });

  it('the shipped res/ipecs.conf is valid, complete, and equals the defaults apart from the demo server', () => {
    expect(defaultConfigPath()).toBe(installPath('res/ipecs.conf'));
    const { config } = loadConfigFile(defaultConfigPath(), {});
    expect(config).toStrictEqual({ ...LOADED_DEFAULTS, server: { ...DEFAULT_CONFIG.server, host: '127.0.0.1', port: 8743, userId: 'acd', password: 'change-me' } });
  });
});

describe('resolveConfig', () => {
  it('metrics.summaryPerEvent is a boolean, false by default (metrics.md §3: summary$ coalesces unless asked)', () => {
    expect(resolveConfig(minimal, {}).config.metrics.summaryPerEvent).toBe(false);
    expect(resolveConfig({ ...minimal, metrics: { summaryPerEvent: true } }, {}).config.metrics.summaryPerEvent).toBe(true);
    const e = configError(() => resolveConfig({ ...minimal, metrics: { summaryPerEvent: 'yes' as never } }, {}, 'connect()'));
    expect(e.problems.map((p) => `${p.file} ${p.path}`)).toStrictEqual(['connect() metrics.summaryPerEvent']);
  });
  it('an explicit input wins over the environment, which fills the gaps', () => {
    const { config } = resolveConfig({ server: { host: 'explicit', port: undefined } as never }, { IPECS_HOST: 'env', IPECS_USER: 'envuser', IPECS_PASSWORD: PW });
    expect(config.server).toMatchObject({ host: 'explicit', port: 8743, userId: 'envuser', password: PW });
  });
  it('validates the input like a file and names the source', () => {
    const e = configError(() => resolveConfig({ ...minimal, socket: { backoffBaseMs: 0 }, metrics: { resetTime: '7am' } }, {}, 'connect()'));
    expect(e.problems.map((p) => `${p.file} ${p.path}`)).toStrictEqual(['connect() socket.backoffBaseMs', 'connect() metrics.resetTime']);
  });
  it('cross-field rules, nulls for optional keys, "local" time zone, insecure warning', () => {
    const e = configError(() => resolveConfig({ ...minimal, socket: { backoffBaseMs: 60_000, backoffCapMs: 1_000 } }, {}));
    expect(e.problems[0]?.path).toBe('socket.backoffBaseMs');
    const { config, warnings } = resolveConfig({ ...minimal, tls: { caFile: null, insecure: true } as never, metrics: { timeZone: 'local' }, log: { file: null } }, {});
    expect(config.tls).toStrictEqual({ insecure: true });
    expect(config.metrics.timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(config.log.file).toBeNull();
    expect(warnings.some((w) => w.includes('tls.insecure'))).toBe(true);
  });
  it('accepts station numbers and ranges, normalised to strings', () => {
    const { config } = resolveConfig({ ...minimal, filters: { stations: [1806, ' 1800 - 1810 ', '0100'] as never, groups: [620 as never] } }, {});
    expect(config.filters.stations).toStrictEqual(['1806', '1800-1810', '0100']);
    expect(config.filters.groups).toStrictEqual(['620']);
  });
});
