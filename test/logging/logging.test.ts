import { describe, it, expect, afterEach, vi } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logging/winston-logger.js';
import { escapeForLog } from '../../src/logging/escape.js';
import { redact, redactString, REDACTED } from '../../src/logging/redact.js';

const PW = 'CANARY-PW-7f3a';
const TOKEN = 'CANARY-TOKEN-91bc';
const BASIC = Buffer.from(`acd:${PW}`).toString('base64');

function capture(level: 'error' | 'warn' | 'info' | 'debug' = 'debug') {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const logger = createLogger({ label: 'test-log', level, file: null, console: false, maxSize: 1e6, maxFiles: 2, stream });
  return { logger, text: () => Buffer.concat(chunks).toString('utf8') };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('escapeForLog', () => {
  it('escapes control characters, ESC, U+2028/2029 and lone surrogates; keeps pairs', () => {
    expect(escapeForLog('a\r\nb\u001b[2J\u2028\u2029\u0085\ud800x😀', 100)).toBe('a\\u000d\\u000ab\\u001b[2J\\u2028\\u2029\\u0085\\ud800x😀');
  });
  it('truncates to max characters plus …, without splitting a surrogate pair', () => {
    expect(escapeForLog('abcdef', 3)).toBe('abc…');
    expect(escapeForLog('ab😀', 3)).toBe('ab…');
    expect(escapeForLog('abc', 3)).toBe('abc');
  });
});

describe('redact', () => {
  it('censors secret keys at any depth and in arrays, without touching the input', () => {
    const input = { user: 'acd', password: PW, nested: { deep: [{ Authorization: `Bearer ${TOKEN}` }, { pw: PW }], apiToken: TOKEN }, secretKey: 'x', n: 1 };
    const copy = structuredClone(input);
    expect(redact(input)).toStrictEqual({ user: 'acd', password: REDACTED, nested: { deep: [{ Authorization: REDACTED }, { pw: REDACTED }], apiToken: REDACTED }, secretKey: REDACTED, n: 1 });
    expect(input).toStrictEqual(copy);
  });
  it('censors credentials inside strings', () => {
    expect(redactString(`Authorization: Bearer ${TOKEN}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactString(`authorization: basic ${BASIC}`)).toBe(`authorization: basic ${REDACTED}`);
    expect(redactString(`GET https://pbx/ipxapi?x=1&access_token=${TOKEN}&y=2`)).toBe(`GET https://pbx/ipxapi?x=1&access_token=${REDACTED}&y=2`);
    expect(redactString(`{"token":"${TOKEN}","checkConnectionTimer":120}`)).toBe(`{"token":"${REDACTED}","checkConnectionTimer":120}`);
    expect(redactString(`retry with password=${PW} now`)).toBe(`retry with password=${REDACTED} now`);
    expect(redactString('token: expected a non-empty string')).toBe('token: expected a non-empty string');
    expect(redactString('station 1004 idle')).toBe('station 1004 idle');
  });
  it('turns errors into data, cycles into markers, and never pollutes', () => {
    const e = Object.assign(new Error(`request failed: Bearer ${TOKEN}`), { config: { headers: { Authorization: `Basic ${BASIC}` }, auth: { username: 'acd', password: PW } } });
    const cyc: Record<string, unknown> = { a: 1 };
    cyc['self'] = cyc;
    const out = JSON.stringify(redact({ e, cyc, hostile: JSON.parse('{"__proto__":{"polluted":1}}') as unknown }));
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(PW);
    expect(out).not.toContain(BASIC);
    expect(out).toContain('[circular]');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('createLogger', () => {
  it('never writes the canary password or token, whatever route they take', async () => {
    const { logger, text } = capture();
    const err = Object.assign(new Error(`login failed with Authorization: Basic ${BASIC}`), {
      response: { status: 401, data: { error: { code: 2, message: 'Invalid Login Information' } } },
      config: { url: `/ipxapi/server/v1/users/acd/login?token=${TOKEN}`, headers: { Authorization: `Basic ${BASIC}`, 'X-Token': TOKEN } },
    });
    logger.info('login', { userId: 'acd', password: PW, token: TOKEN });
    logger.warn(`sending Authorization: Bearer ${TOKEN}`, { nested: { a: [{ passwd: PW }, { headers: { authorization: `bearer ${TOKEN}` } }] } });
    logger.error('request failed', { err, cause: new Error('inner', { cause: { token: TOKEN } }) });
    logger.child({ component: 'session', secret: PW }).debug(`body {"password":"${PW}"} url https://pbx/x?access_token=${TOKEN}`);
    logger.info(`basic header Basic ${BASIC}`);
    await logger.close();
    const out = text();
    expect(out.split('\n').filter(Boolean)).toHaveLength(5);
    expect(out).not.toContain(PW);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(BASIC);
    expect(out).toContain(REDACTED);
    expect(out).toContain('Invalid Login Information');
  });

  it('literal secrets (options.secrets, addSecret) are scrubbed under any key and inside any text', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const logger = createLogger({ label: 'lit', level: 'debug', file: null, console: false, maxSize: 1e6, maxFiles: 1, stream, secrets: [PW, 'ab'] });
    logger.addSecret(TOKEN);
    logger.child({ component: 'x' }).info(`weird text ${PW}${TOKEN}`, { cred: PW, list: [`x${TOKEN}y`], [`key-${PW}`]: 1, ab: 'ab stays' });
    await logger.close();
    const out = Buffer.concat(chunks).toString('utf8');
    expect(out).not.toContain(PW);
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('ab stays');
  });

  it('log injection: one parseable, escaped, truncated JSON line per record', async () => {
    const { logger, text } = capture();
    const big = 'A'.repeat(1_000_000);
    const hostile = 'evil\r\n{"level":"error","message":"forged"}\u001b[2J\u2028\u2029end';
    logger.info(hostile, { pbxString: hostile, big });
    logger.info(big);
    logger.warn('fields named like the record', { level: 'forged', message: 'forged', label: 'forged' });
    await logger.close();
    const lines = text().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const [first, second, third] = recs;
    expect(first?.['message']).toBe('evil\\u000d\\u000a{"level":"error","message":"forged"}\\u001b[2J\\u2028\\u2029end');
    expect(first?.['pbxString']).toBe(first?.['message']);
    expect(String(first?.['big']).length).toBeLessThanOrEqual(1_001);
    expect(String(second?.['message']).length).toBeLessThanOrEqual(2_001);
    expect(String(second?.['message']).endsWith('…')).toBe(true);
    expect(third).toMatchObject({ level: 'warn', message: 'fields named like the record', label: 'test-log', 'field.level': 'forged' });
    for (const l of lines) {
      expect(l.length).toBeLessThan(10_000);
      // eslint-disable-next-line no-control-regex -- the point is to find raw control characters
      expect(l).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
    }
  });

  it('label, timestamp, child fields and level filtering', async () => {
    const { logger, text } = capture('info');
    const socket = logger.child({ component: 'socket' });
    socket.info('connected', { url: 'wss://127.0.0.1:8743/ipxapi' });
    socket.child({ attempt: 2 }).warn('reconnect');
    socket.debug('not written');
    await logger.close();
    const recs = text().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ level: 'info', label: 'test-log', component: 'socket', message: 'connected', url: 'wss://127.0.0.1:8743/ipxapi' });
    expect(typeof recs[0]?.['timestamp']).toBe('string');
    expect(recs[1]).toMatchObject({ component: 'socket', attempt: 2, message: 'reconnect' });
  });

  it('writes JSON lines to a file in a created folder, rotating by size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipecs-log-'));
    dirs.push(dir);
    const file = join(dir, 'sub', 'ipecsapi.log');
    const logger = createLogger({ label: 'file-log', level: 'info', file, console: false, maxSize: 4_000, maxFiles: 3 });
    for (let i = 0; i < 200; i++) logger.info(`event ${i}`, { i, password: PW, pad: 'x'.repeat(100) });
    await logger.close();
    const files = readdirSync(join(dir, 'sub'));
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    const all = files.map((f) => readFileSync(join(dir, 'sub', f), 'utf8')).join('');
    expect(all).not.toContain(PW);
    const lines = all.split('\n').filter(Boolean);
    for (const l of lines) expect((JSON.parse(l) as { label: string }).label).toBe('file-log');
    // Nothing is lost within the kept files: the newest records are in the current file, in order, without gaps.
    expect(readFileSync(file, 'utf8')).toContain('event 199');
    expect(files.sort()).toStrictEqual(['ipecsapi.log', 'ipecsapi.log.1', 'ipecsapi.log.2']);
    const numbers = [file + '.2', file + '.1', file].flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { i: number }).i));
    expect(numbers.at(-1)).toBe(199);
    numbers.forEach((n, k) => { if (k > 0) expect(n).toBe((numbers[k - 1] ?? 0) + 1); });
  });

  it('console output: readable lines on stderr, redacted and escaped', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    try {
      const logger = createLogger({ label: 'con', level: 'info', file: null, console: true, maxSize: 1e6, maxFiles: 1 });
      logger.child({ component: 'session' }).warn('login \u001b[2Jfailed', { password: PW, station: '1004\r\nFAKE' });
      await logger.close();
    } finally {
      spy.mockRestore();
    }
    const out = written.join('');
    expect(out).toMatch(/WARN {2}\[con\/session\] login \\u001b\[2Jfailed/);
    expect(out).toContain('station=1004\\u000d\\u000aFAKE');
    expect(out).not.toContain(PW);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
  });

  it('close() is idempotent and a closed logger does not throw', async () => {
    const { logger } = capture();
    await logger.close();
    await logger.close();
    expect(() => {
      logger.info('after close');
    }).not.toThrow();
  });
});
