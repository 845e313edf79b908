// Every call-control command of §7.6 against the emulator over real HTTPS + WSS, walked from ONE table: the request
// as the spec shapes it (what the emulator received: method, path, JSON body or query string, A-28), the decoded
// response, the documented events in order (§10.1-26, A-27) and an error case (a typed CtiError with the spec's
// name and code, or a CtiRequestError for a §10.1-28 limit, in which case nothing is sent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTI_COMMANDS, type CtiCommandName } from '../../src/cti/commands.js';
import { CtiError, CtiRequestError } from '../../src/cti/errors.js';
import { ctiErrorCode } from '../../src/protocol/catalogue.js';
import { rig, waitFor, type Rig } from './harness.js';

type P = Record<string, unknown>;
type Ctx = Record<string, number>;
interface Case {
  readonly name: CtiCommandName;
  readonly setup?: (r: Rig) => Promise<Ctx>;
  readonly params: (c: Ctx) => P;
  readonly result: (c: Ctx) => unknown;
  /** [type, deviceNumber] in order (a subsequence of what the monitors receive). */
  readonly events?: (c: Ctx) => readonly (readonly [string, string])[];
  /** Server error (`name`, status) before or after the success, or a client-side refusal (`client`). */
  readonly error: { readonly when: 'before' | 'after'; readonly params: (c: Ctx) => P; readonly errName: string; readonly status: number } | { readonly client: (c: Ctx) => P };
}

let r: Rig;
const run = (name: CtiCommandName, p: P): Promise<unknown> => (r.cti.commands[name] as (x: P) => Promise<unknown>)(p);
const ring = async (a: string, b: string): Promise<number> => ((await run('makeCall', { deviceNumber: a, calledDN: b })) as { callRefID: number }).callRefID;
const talk = async (a: string, b: string): Promise<number> => {
  const ref = await ring(a, b);
  await run('answerCall', { deviceNumber: b, callRefID: ref });
  return ref;
};
/** a talks to b, then consults c (answered): `held` is a↔b, `active` is a↔c. */
const consult = async (a: string, b: string, c: string): Promise<Ctx> => {
  const held = await talk(a, b);
  const active = ((await run('consultationCall', { deviceNumber: a, callRefID: held, calledDN: c, svcType: 'transfer' })) as { callRefID: number }).callRefID;
  await run('answerCall', { deviceNumber: c, callRefID: active });
  return { held, active };
};
const NO_CALL = (dn: string): Case['error'] => ({ when: 'before', params: () => ({ deviceNumber: dn, callRefID: 99_999 }), errName: 'invalidConnectionIdentifier', status: 404 });
const AGENT = { deviceNumber: '1054', agentId: '1207', groupNumber: '60304' };

const CASES: readonly Case[] = [
  { name: 'getTerminalInformation', params: () => ({ startIndex: 101, count: 100 }),
    result: () => ({ terminals: expect.arrayContaining([{ deviceIndex: 101, deviceNumber: '1100', deviceType: 'LIP-9040C', tenantNumber: 1, callControl: 'enable' }]) as unknown }),
    error: { client: () => ({ startIndex: 1, count: 101 }) } },
  { name: 'makeCall', params: () => ({ deviceNumber: '1001', calledDN: '901012345678' }), result: () => ({ callRefID: expect.any(Number) as unknown }),
    events: () => [['proceeding', '1001'], ['alerting', '1001'], ['connected', '1001']],
    error: { when: 'before', params: () => ({ deviceNumber: '9999', calledDN: '1002' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'answerCall', setup: async () => ({ ref: await ring('1002', '1003') }), params: (c) => ({ deviceNumber: '1003', callRefID: c.ref }), result: () => ({}),
    events: () => [['connected', '1003'], ['connected', '1002']], error: NO_CALL('1003') },
  { name: 'clearConnection', setup: async () => ({ ref: await talk('1004', '1005') }), params: (c) => ({ deviceNumber: '1004', callRefID: c.ref }), result: () => ({}),
    events: () => [['released', '1004'], ['releasedasc', '1005']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1010', callRefID: c.ref }), errName: 'noConnectionToClear', status: 403 } },
  { name: 'rerouteCall', setup: async () => ({ ref: await ring('1006', '1007') }), params: (c) => ({ deviceNumber: '1007', callRefID: c.ref, divertToDN: '1008' }), result: () => ({}),
    events: () => [['rerouting', '1007'], ['released', '1007'], ['ringing', '1008']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1007', callRefID: c.ref, divertToDN: '1007' }), errName: 'invalidDestination', status: 403 } },
  { name: 'holdCall', setup: async () => ({ ref: await talk('1011', '1012') }), params: (c) => ({ deviceNumber: '1011', callRefID: c.ref }), result: () => ({}),
    events: () => [['hold', '1011'], ['held', '1012']], error: NO_CALL('1011') },
  { name: 'retrieveCall', setup: async () => {
      const ref = await talk('1013', '1014');
      await run('holdCall', { deviceNumber: '1013', callRefID: ref });
      return { ref };
    }, params: (c) => ({ deviceNumber: '1013', callRefID: c.ref }), result: () => ({}), events: () => [['retrieve', '1013'], ['retrieved', '1014']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1014', callRefID: c.ref }), errName: 'NoHeldCall', status: 403 } },
  { name: 'consultationCall', setup: async () => ({ ref: await talk('1016', '1017') }), params: (c) => ({ deviceNumber: '1016', callRefID: c.ref, calledDN: '1018', svcType: 'transfer' }),
    result: () => ({ callRefID: expect.any(Number) as unknown }), events: () => [['hold', '1016'], ['held', '1017'], ['proceeding', '1016'], ['alerting', '1016'], ['ringing', '1018']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1016', callRefID: c.ref, calledDN: '1017', svcType: 'transfer' }), errName: 'invalidDestination', status: 403 } },
  { name: 'transferCall', setup: () => consult('1019', '1020', '1021'), params: (c) => ({ deviceNumber: '1019', callRefID: c.held }), result: (c) => ({ callRefID: c.held }),
    events: () => [['transferring', '1019'], ['transferred', '1020'], ['transferred', '1021'], ['released', '1019']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1022', callRefID: c.held }), errName: 'NoHeldCall', status: 403 } },
  { name: 'singleStepTransferCall', setup: async () => ({ ref: await talk('1023', '1024') }), params: (c) => ({ deviceNumber: '1023', callRefID: c.ref, transferDN: '1025' }),
    result: (c) => ({ callRefID: c.ref }), events: () => [['transferring', '1023'], ['transferred', '1024'], ['released', '1023'], ['ringing', '1025']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1023', callRefID: c.ref, transferDN: '1023' }), errName: 'invalidDestination', status: 403 } },
  { name: 'generateDigit', setup: async () => ({ ref: await talk('1026', '1027') }), params: (c) => ({ deviceNumber: '1026', callRefID: c.ref, dialDigit: '5' }), result: () => ({}),
    error: { client: (c) => ({ deviceNumber: '1026', callRefID: c.ref, dialDigit: '55' }) } },
  { name: 'reconnectCall', setup: () => consult('1028', '1029', '1030'), params: (c) => ({ deviceNumber: '1028', callRefID: c.active }), result: () => ({}),
    events: () => [['released', '1028'], ['releasedasc', '1030'], ['connected', '1028'], ['retrieved', '1029']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1031', callRefID: c.active }), errName: 'NoHeldCall', status: 403 } },
  { name: 'setForwarding', params: () => ({ deviceNumber: '1032', DN: '1032', cfwdType: 'no_answer', destNumber: '1208' }), result: () => ({}), events: () => [['forwarding', '1032']],
    error: { when: 'before', params: () => ({ deviceNumber: '1032', DN: '1032', cfwdType: 'busy', destNumber: '1032' }), errName: 'invalidForwardingDestination', status: 403 } },
  { name: 'getForwarding', params: () => ({ deviceNumber: '1032', DN: '1032' }), result: () => ({ cfwdType: 'no_answer', destNumber: '1208', ringTime: 10 }),
    error: { when: 'after', params: () => ({ deviceNumber: '1032', DN: '9999' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'setDnd', params: () => ({ deviceNumber: '1033', DN: '1033', svcType: 'enable' }), result: () => ({}), events: () => [['dnd', '1033']],
    error: { when: 'before', params: () => ({ deviceNumber: '9998', DN: '9998', svcType: 'enable' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'getDnd', params: () => ({ deviceNumber: '1033', DN: '1033' }), result: () => ({ svcType: 'enable' }),
    error: { when: 'after', params: () => ({ deviceNumber: '9997', DN: '9997' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'pickUp', setup: async () => ({ ref: await ring('1034', '1035') }), params: () => ({ deviceNumber: '1036', callingDN: '1036', pickedDN: '1035', pickupType: 'direct_pickup' }),
    result: () => ({}), events: () => [['released', '1035'], ['connected', '1034'], ['connected', '1036']],
    error: { when: 'before', params: () => ({ deviceNumber: '1036', callingDN: '1036', pickedDN: '1037', pickupType: 'direct_pickup' }), errName: 'generic', status: 403 } },
  { name: 'conferenceCall', setup: () => consult('1038', '1039', '1040'), params: (c) => ({ deviceNumber: '1038', callRefID: c.held }), result: (c) => ({ callRefID: c.held }),
    events: () => [['conferencing', '1038'], ['conferenced', '1039'], ['conferenced', '1040']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1041', callRefID: c.held }), errName: 'NoHeldCall', status: 403 } },
  { name: 'callReject', setup: async () => ({ ref: await ring('1042', '1043') }), params: (c) => ({ deviceNumber: '1043', callRefID: c.ref }), result: () => ({}),
    events: () => [['released', '1043'], ['releasedasc', '1042']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1044', callRefID: c.ref }), errName: 'noConnectionToClear', status: 403 } },
  { name: 'busyService', setup: async () => ({ busy: await talk('1045', '1046'), ref: await ring('1047', '1045') }), params: (c) => ({ deviceNumber: '1047', callRefID: c.ref, type: 'callback' }),
    result: (c) => ({ callRefID: c.ref }), events: () => [['released', '1047']],
    error: { when: 'before', params: (c) => ({ deviceNumber: '1045', callRefID: c.busy, type: 'callback' }), errName: 'InvalidState', status: 403 } },
  { name: 'setCallBack', params: () => ({ deviceNumber: '1047', svcType: 'false' }), result: () => ({}),
    error: { when: 'after', params: () => ({ deviceNumber: '1047', svcType: 'false' }), errName: 'InvalidState', status: 403 } },
  { name: 'getCallStatus', params: () => ({ deviceNumber: '1045' }), result: () => ({ state: 'stn_talk' }),
    error: { when: 'after', params: () => ({ deviceNumber: '9996' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'callPark', setup: async () => ({ ref: await talk('1049', '1050') }), params: (c) => ({ deviceNumber: '1049', callRefID: c.ref }), result: () => ({ parkingLoc: 1 }),
    events: () => [['released', '1049']], error: { when: 'before', params: (c) => ({ deviceNumber: '1051', callRefID: c.ref }), errName: 'noConnectionToClear', status: 403 } },
  { name: 'callUnPark', params: () => ({ deviceNumber: '1052', callingDN: '1052', parkingLoc: 1 }), result: () => ({}), events: () => [['connected', '1052']],
    error: { when: 'after', params: () => ({ deviceNumber: '1052', callingDN: '1053', parkingLoc: 1 }), errName: 'generic', status: 403 } },
  { name: 'getMwi', params: () => ({ deviceNumber: '1003' }), result: () => ({ msgStatus: true, newMsg: 3, oldMsg: 0, newUrgentMsg: 0 }),
    error: { when: 'after', params: () => ({ deviceNumber: '9995' }), errName: 'invalidCallingDeviceIdentifier', status: 404 } },
  { name: 'flexiblePage', params: () => ({ page_index: 1, service_num: '1053' }), result: () => ({}),
    error: { when: 'after', params: () => ({ page_index: 7, service_num: '1053' }), errName: 'invalidParameterValue', status: 403 } },
  { name: 'agentLogOn', params: () => ({ ...AGENT, loginPrimary: 'primary', loginPriority: 1 }), result: () => ({}), events: () => [['agent_logon', '1054']],
    error: { when: 'after', params: () => ({ ...AGENT, loginPrimary: 'primary', loginPriority: 1 }), errName: 'InvalidState', status: 403 } },
  { name: 'agentSetState', params: () => ({ ...AGENT, agentState: 'dutyOff', reasonCode: '1' }), result: () => ({}), events: () => [['agent_notready', '1054']],
    error: { client: () => ({ ...AGENT, agentState: 'dutyOff', reasonCode: '10' }) } },
  { name: 'agentLogOff', params: () => ({ ...AGENT, loginPrimary: 'primary' }), result: () => ({}), events: () => [['agent_logoff', '1054']],
    error: { when: 'after', params: () => ({ ...AGENT, loginPrimary: 'primary' }), errName: 'InvalidState', status: 403 } },
  { name: 'confGroupCallStart', params: () => ({ deviceNumber: '1055', groupIndex: 10 }), result: () => ({}), events: () => [['proceeding', '1055'], ['alerting', '1055'], ['connected', '1055']],
    error: { when: 'after', params: () => ({ deviceNumber: '1055', groupIndex: 10 }), errName: 'InvalidState', status: 403 } },
  { name: 'confGroupAddCallee', params: () => ({ deviceNumber: '1055', groupIndex: 10, memberType: 'station', memberIndex: 2, memberDN: '1056' }), result: () => ({}),
    events: () => [['confgroupmember', '']], // no deviceNumber: routed to the master's monitors
    error: { when: 'after', params: () => ({ deviceNumber: '1057', groupIndex: 10, memberType: 'station', memberIndex: 3, memberDN: '1056' }), errName: 'InvalidOperation', status: 403 } },
  { name: 'confGroupSetMute', params: () => ({ deviceNumber: '1055', groupIndex: 10, memberIndex: 2, svcType: 'on' }), result: () => ({}), events: () => [['setmuteon', '1055']],
    error: { when: 'after', params: () => ({ deviceNumber: '1055', groupIndex: 10, memberIndex: 5, svcType: 'on' }), errName: 'invalidParameterValue', status: 403 } },
  { name: 'confGroupDropCallee', params: () => ({ deviceNumber: '1055', groupIndex: 10, memberIndex: 2 }), result: () => ({}), events: () => [['confgroupmember', '']],
    error: { when: 'after', params: () => ({ deviceNumber: '1055', groupIndex: 10, memberIndex: 2 }), errName: 'invalidParameterValue', status: 403 } },
  { name: 'confRoomOpenClose', params: () => ({ deviceNumber: '1058', roomIndex: 3, roomPwd: '1234', roomUsage: 'true' }), result: () => ({}), events: () => [['confroommember', '1058']],
    error: { when: 'after', params: () => ({ deviceNumber: '1058', roomIndex: 3, roomPwd: '9999', roomUsage: 'false' }), errName: 'InvalidPassword', status: 403 } },
  { name: 'getConfRoom', params: () => ({ deviceNumber: '1058', roomIndex: 3 }), result: () => ({ roomIndex: 3, roomUsage: true, memberCount: 1, member: ['1058'] }),
    error: { when: 'after', params: () => ({ deviceNumber: '1058', roomIndex: 10 }), errName: 'invalidParameterValue', status: 403 } },
];


const expectRequest = (name: CtiCommandName, params: P): void => {
  const spec = CTI_COMMANDS[name];
  const last = r.emu.apiRequests().at(-1);
  expect(last?.method).toBe(spec.method);
  expect(last?.path).toBe(`/ipxapi/server/v1/users/acd/call/${spec.path}`);
  if (spec.method === 'GET') {
    expect(last?.query).toEqual(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
    expect(last?.body).toBeUndefined();
  } else {
    expect(last?.body).toEqual(params);
    expect(last?.query).toEqual({});
  }
};

const expectError = async (c: Case, ctx: Ctx): Promise<void> => {
  const before = r.emu.apiRequests().length;
  if ('client' in c.error) {
    await expect(run(c.name, c.error.client(ctx))).rejects.toBeInstanceOf(CtiRequestError);
    expect(r.emu.apiRequests()).toHaveLength(before); // nothing sent
    return;
  }
  const err: unknown = await run(c.name, c.error.params(ctx)).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CtiError);
  expect(err).toMatchObject({ name: c.error.errName, status: c.error.status, apiCode: ctiErrorCode(c.error.errName), resource: 'cti', code: 'API_ERROR' });
};

// Both emulator variants: clean type names (default) and the spec-literal spellings (quirks mode).
describe.each([false, true])('CTI commands against the emulator (one table, §7.6), quirks %s', (quirks) => {
  beforeAll(async () => {
    r = await rig({ cti: { quirks } });
    await r.opened();
    const devices = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    const results = await new Promise<readonly { ok: boolean }[]>((resolve, reject) => {
      r.cti.monitor(devices).subscribe({ next: resolve, error: reject });
    });
    expect(results.filter((x) => x.ok)).toHaveLength(120);
  }, 30_000);
  afterAll(() => r.close());
  it('covers every command of the table', () => {
    expect(new Set(CASES.map((c) => c.name))).toEqual(new Set(Object.keys(CTI_COMMANDS)));
  });

  it('monitored 120 devices in two sequential batches (100 + 20)', () => {
    const posts = r.emu.apiRequests().filter((q) => q.path.endsWith('/call/monitor'));
    expect(posts.map((q) => (q.body as { deviceNumber: string[] }).deviceNumber.length)).toEqual([100, 20]);
  });

  for (const c of CASES) {
    it(`${c.name}: request, response, events, error`, async () => {
      const ctx = (await c.setup?.(r)) ?? {};
      if (!('client' in c.error) && c.error.when === 'before') await expectError(c, ctx);
      const from = r.events.length;
      const params = c.params(ctx);
      const result = await run(c.name, params);
      expectRequest(c.name, params);
      expect(result).toEqual(c.result(ctx));
      const want = c.events?.(ctx) ?? [];
      if (want.length > 0) {
        const got = (): (readonly [string, string])[] => r.events.slice(from).map((e) => [e.type, 'deviceNumber' in e ? e.deviceNumber : ''] as const);
        const isSubsequence = (): boolean => {
          let i = 0;
          for (const g of got()) if (i < want.length && g[0] === want[i]?.[0] && g[1] === want[i]?.[1]) i++;
          return i === want.length;
        };
        await waitFor(`${c.name} events ${JSON.stringify(want)}`, isSubsequence).catch(() => {
          expect(got()).toEqual(want); // shows what came instead
        });
      }
      if ('client' in c.error || c.error.when === 'after') await expectError(c, ctx);
    }, 20_000);
  }

  it('evtSerialNum counts up by one from 1 for this session, with no gap', () => {
    const serials = r.events.map((e) => e.evtSerialNum);
    expect(serials[0]).toBe(1);
    expect(serials).toEqual(serials.map((_, i) => i + 1));
    expect(r.gaps).toEqual([]);
  });

  it('a call reject is reported with cause 103 and a finished call leaves an SMDR record', () => {
    const rej = r.events.find((e) => e.type === 'released' && e.deviceNumber === '1043');
    expect(rej).toMatchObject({ causeCode: 103, causeMsg: 'reject' });
    const rec = r.emu.smdrRecords().find((x) => x['StationNumber'] === '1004');
    expect(rec).toMatchObject({ DialedNumber1: '1005', Direction: 'I', DisconnectCause: '16-Normal Call Clearing' });
  });
});
