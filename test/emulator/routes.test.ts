// The emulator's cut along the spec's resources (issue 16 item 7): the route table is the spec's list of endpoints
// and methods (§0, §7.6.0, §7.6.37), and each resource's rules sit in the one module that names its section.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_ROUTES } from '../../src/emulator/cti-commands.js';
import { REST_METHODS, endpointOf, parseRoute } from '../../src/emulator/routes.js';

/** §7.6.37 and §7.3/§7.7: the 37 distinct CTI method + path pairs of the spec. */
const SPEC_CTI_PAIRS = [
  'POST monitor', 'DELETE monitor', 'POST presence', 'DELETE presence',
  'POST make', 'POST answer', 'POST clear_connection', 'POST reroute', 'POST hold', 'POST retrieve', 'POST consultation',
  'POST transfer', 'POST 1step_transfer', 'POST dial_digit', 'POST reconnect', 'POST forward', 'GET forward', 'POST dnd',
  'GET dnd', 'POST pickup', 'POST conference', 'POST busy_service', 'POST call_back', 'GET status', 'POST park',
  'POST unpark', 'GET mwi', 'POST flexpage', 'POST agent_logon', 'POST agent_logoff', 'POST agent_state', 'POST confgroup',
  'POST confgroup_callee', 'DELETE confgroup_callee', 'POST confgroup_mutecallee', 'GET confroom', 'POST confroom',
];

describe('the route table', () => {
  it('serves exactly the spec\'s CTI method + path pairs (and the A-3 alias of Get Terminal Information)', () => {
    expect(SPEC_CTI_PAIRS).toHaveLength(37);
    expect(new Set([...COMMAND_ROUTES, 'POST monitor', 'DELETE monitor', 'POST presence', 'DELETE presence'])).toEqual(new Set([...SPEC_CTI_PAIRS, 'POST terminals']));
  });

  it('gives every other endpoint its one method (§0 cheat sheet) and nothing else', () => {
    expect(REST_METHODS).toEqual({ login: ['GET'], checkconnection: ['POST'], logout: ['POST'], smdr: ['GET', 'DELETE'], clickcall: ['POST'] });
    const accepts = (m: string, f: string): boolean => COMMAND_ROUTES.includes(`${m} ${f}`);
    const at = (path: string, method: string) => {
      const route = parseRoute(path);
      return route === undefined ? undefined : endpointOf(route, method, accepts);
    };
    expect(at('/ipxapi/server/v1/users/acd/login', 'GET')).toEqual({ kind: 'login' });
    expect(at('/ipxapi/server/v1/users/acd/login', 'POST')).toBeUndefined();
    expect(at('/ipxapi/users/acd/checkconnection', 'POST')).toEqual({ kind: 'checkconnection' });
    expect(at('/ipxapi/users/acd/logout', 'POST')).toBeUndefined(); // only check-connection has the short form
    expect(at('/ipxapi/server/v1/users/acd/call/make', 'POST')).toEqual({ kind: 'cti', feature: 'make' });
    expect(at('/ipxapi/server/v1/users/acd/call/make', 'GET')).toBeUndefined();
    expect(at('/ipxapi/server/v1/users/acd/acd', 'GET')).toBeUndefined(); // the ACD resource is a socket only (§6.1)
  });

  it('keeps each resource\'s rules in one module that names its section of ipecs-webapi.md', () => {
    const modules: Readonly<Record<string, readonly string[]>> = {
      'sessions.ts': ['§1.4', '§3'],
      'acd-socket.ts': ['§2.3', '§6'],
      'cti-commands.ts': ['§7.6'],
      'cti-world.ts': ['§7.5'],
      'monitor-presence.ts': ['§7.3', '§7.7'],
      'smdr.ts': ['§5'],
      'smdr-store.ts': ['§4.5'],
      'clickcall.ts': ['§8'],
      'admin.ts': ['§10.1 item 17'],
      'errors.ts': ['§9'],
      'routes.ts': ['§0', '§2.2'],
    };
    for (const [file, sections] of Object.entries(modules)) {
      const head = readFileSync(new URL(`../../src/emulator/${file}`, import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).join(' ');
      for (const s of sections) expect(head, `${file} names ${s}`).toContain(s);
    }
  });
});
