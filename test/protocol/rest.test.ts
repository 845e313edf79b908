import { describe, it, expect } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { decodeLoginResponse, decodeApiError } from '../../src/protocol/rest.js';

const TOKEN = 'CANARY-TOKEN-91bc';

describe('decodeLoginResponse (ipecs-webapi.md §3.1)', () => {
  it('decodes the spec example', () => {
    const r = decodeLoginResponse({ token: TOKEN, checkConnectionTimer: 120, systemType: 'iPECS UCP', systemVersion: 'S-UCP-Rls2001-4.0.11-App', apiVersion: '1.0.0', terminalCount: 120 });
    expect(r).toStrictEqual(E.right({ token: TOKEN, checkConnectionTimer: 120, systemType: 'iPECS UCP', systemVersion: 'S-UCP-Rls2001-4.0.11-App', apiVersion: '1.0.0', terminalCount: 120 }));
  });
  it('accepts a missing systemVersion (A-38) and a numeric-string timer; drops unknown keys', () => {
    const r = decodeLoginResponse({ token: TOKEN, checkConnectionTimer: '120', systemType: 'iPECS UCP600', apiVersion: '1.0.0', extra: 1 });
    expect(r).toStrictEqual(E.right({ token: TOKEN, checkConnectionTimer: 120, systemType: 'iPECS UCP600', apiVersion: '1.0.0' }));
  });
  it('lists every problem, without values (never the token)', () => {
    const r = decodeLoginResponse({ token: TOKEN, checkConnectionTimer: 'soon', systemType: 5 });
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) {
      expect(r.left).toContain('checkConnectionTimer');
      expect(r.left).toContain('systemType');
      expect(r.left).toContain('apiVersion');
      expect(r.left).not.toContain(TOKEN);
      expect(r.left).not.toContain('soon');
    }
  });
  it('refuses a blank token, a zero timer, and non-objects', () => {
    expect(E.isLeft(decodeLoginResponse({ token: ' ', checkConnectionTimer: 120, systemType: 'x', apiVersion: '1' }))).toBe(true);
    expect(E.isLeft(decodeLoginResponse({ token: TOKEN, checkConnectionTimer: 0, systemType: 'x', apiVersion: '1' }))).toBe(true);
    for (const u of [null, undefined, '', [], 42]) expect(E.isLeft(decodeLoginResponse(u))).toBe(true);
  });
  it('a token in a wrong-typed field does not leak either', () => {
    const r = decodeLoginResponse({ token: { secret: TOKEN }, checkConnectionTimer: 120, systemType: 'x', apiVersion: '1' });
    expect(E.isLeft(r) && !r.left.includes(TOKEN)).toBe(true);
  });
});

describe('decodeApiError (§3.5)', () => {
  it('decodes the error body, parsed or as text', () => {
    expect(decodeApiError({ error: { code: 2, message: 'Invalid Login Information' } })).toStrictEqual({ code: 2, message: 'Invalid Login Information' });
    expect(decodeApiError('{"error":{"code":"3","message":"Invalid Token"}}')).toStrictEqual({ code: 3, message: 'Invalid Token' });
  });
  it('anything else → undefined', () => {
    for (const u of [null, '', 'not json', {}, { error: 'x' }, { error: { code: 'x', message: 'm' } }, { error: { code: 1 } }]) {
      expect(decodeApiError(u)).toBeUndefined();
    }
  });
});
