// The two command tables cannot drift (issue 15, item 9): every call-control command of the typed table in
// src/cti/commands.ts has its entry in res/ipecs-commands.json (the resource file a host may edit) with the same
// method, path and parameters, and the file has no call-control command the table lacks. The comparison is a
// pure function, shown failing on a deliberately drifted copy of the file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CTI_COMMANDS } from '../../src/cti/commands.js';

interface FileCommand {
  readonly method: string;
  readonly path: string;
  readonly params?: readonly string[];
}
interface CommandsFile {
  readonly commands: Readonly<Record<string, FileCommand>>;
}

const CALL = '/server/{version}/users/{id}/call/';
/** The CTI commands the table does not hold: the monitor and presence subscriptions (src/cti/cti.ts). */
const SUBSCRIPTIONS: Readonly<Record<string, FileCommand>> = {
  monitorStart: { method: 'POST', path: `${CALL}monitor`, params: ['deviceNumber'] },
  monitorStop: { method: 'DELETE', path: `${CALL}monitor`, params: ['deviceNumber'] },
  presenceStart: { method: 'POST', path: `${CALL}presence`, params: ['deviceNumber'] },
  presenceStop: { method: 'DELETE', path: `${CALL}presence`, params: ['deviceNumber'] },
};

/** Every difference between the file's call-control commands and the typed table (empty: in step). */
function drift(file: CommandsFile): string[] {
  const problems: string[] = [];
  const expected: Record<string, FileCommand> = { ...SUBSCRIPTIONS };
  for (const [name, spec] of Object.entries(CTI_COMMANDS)) expected[name] = { method: spec.method, path: `${CALL}${spec.path}`, params: spec.params };
  for (const [name, want] of Object.entries(expected)) {
    const got = file.commands[name];
    if (got === undefined) {
      problems.push(`${name}: missing from the file`);
      continue;
    }
    if (got.method !== want.method) problems.push(`${name}: method ${got.method}, the table says ${want.method}`);
    if (got.path !== want.path) problems.push(`${name}: path ${got.path}, the table says ${want.path}`);
    if (JSON.stringify(got.params ?? []) !== JSON.stringify(want.params)) problems.push(`${name}: params ${JSON.stringify(got.params)}, the table says ${JSON.stringify(want.params)}`);
  }
  for (const [name, c] of Object.entries(file.commands)) {
    if (c.path.startsWith(CALL) && expected[name] === undefined) problems.push(`${name}: in the file, not in the table`);
  }
  return problems;
}

const file = JSON.parse(readFileSync(new URL('../../res/ipecs-commands.json', import.meta.url), 'utf8')) as CommandsFile;

describe('res/ipecs-commands.json against the typed CTI table', () => {
  it('lists every call-control command with the table’s method, path and parameters, and no other', () => {
    expect(drift(file)).toEqual([]);
    expect(Object.keys(CTI_COMMANDS)).toHaveLength(35); // §7.6.1-7.6.36 (7.6.30 is rerouteCall on the queued call)
  });

  it('a drifted copy is caught: a renamed path, a changed method, a dropped parameter, a stray and a missing command', () => {
    const { makeCall, answerCall, holdCall, clearConnection: _dropped, ...rest } = file.commands;
    const drifted: CommandsFile = {
      commands: {
        ...rest,
        makeCall: { ...(makeCall as FileCommand), path: `${CALL}make_call` },
        answerCall: { ...(answerCall as FileCommand), method: 'GET' },
        holdCall: { ...(holdCall as FileCommand), params: ['deviceNumber'] },
        parkEverything: { method: 'POST', path: `${CALL}park_all`, params: [] },
      },
    };
    expect(drift(drifted)).toEqual([
      `makeCall: path ${CALL}make_call, the table says ${CALL}make`,
      'answerCall: method GET, the table says POST',
      'clearConnection: missing from the file',
      'holdCall: params ["deviceNumber"], the table says ["deviceNumber","callRefID"]',
      'parkEverything: in the file, not in the table',
    ]);
  });
});
