// The client's whole CTI suite under an account without the CTI and SMDR privileges (issue 16): every call-control
// command, Monitor/Presence Start/Stop, the terminal list and every SMDR request reach the emulator and come back
// as typed CtiErrors with the spec's names (§9.3 serviceNotSupported, §9.1 License error), never as successes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { CTI_COMMANDS, type CtiCommandName } from '../../src/cti/commands.js';
import { CtiError } from '../../src/cti/errors.js';
import { eq } from '../../src/cti/smdr-query.js';
import { rig, type Rig } from './harness.js';

type P = Record<string, unknown>;
const AGENT = { deviceNumber: '1054', agentId: '1207', groupNumber: '60304' };
/** A valid request of every command (the §7.6.37 fixtures' shapes), so nothing is refused before it is sent. */
const PARAMS: Readonly<Record<CtiCommandName, P>> = {
  getTerminalInformation: { startIndex: 1, count: 100 },
  makeCall: { deviceNumber: '1001', calledDN: '1002' },
  answerCall: { deviceNumber: '1002', callRefID: 1 },
  clearConnection: { deviceNumber: '1001', callRefID: 1 },
  rerouteCall: { deviceNumber: '1002', callRefID: 1, divertToDN: '1003' },
  holdCall: { deviceNumber: '1001', callRefID: 1 },
  retrieveCall: { deviceNumber: '1001', callRefID: 1 },
  consultationCall: { deviceNumber: '1001', callRefID: 1, calledDN: '1003', svcType: 'transfer' },
  transferCall: { deviceNumber: '1001', callRefID: 1 },
  singleStepTransferCall: { deviceNumber: '1001', callRefID: 1, transferDN: '1003' },
  generateDigit: { deviceNumber: '1001', callRefID: 1, dialDigit: '5' },
  reconnectCall: { deviceNumber: '1001', callRefID: 1 },
  setForwarding: { deviceNumber: '1001', DN: '1001', cfwdType: 'no_answer', destNumber: '1208' },
  getForwarding: { deviceNumber: '1001', DN: '1001' },
  setDnd: { deviceNumber: '1001', DN: '1001', svcType: 'enable' },
  getDnd: { deviceNumber: '1001', DN: '1001' },
  pickUp: { deviceNumber: '1003', callingDN: '1003', pickedDN: '1002', pickupType: 'direct_pickup' },
  conferenceCall: { deviceNumber: '1001', callRefID: 1 },
  callReject: { deviceNumber: '1002', callRefID: 1 },
  busyService: { deviceNumber: '1001', callRefID: 1, type: 'callback' },
  setCallBack: { deviceNumber: '1001', svcType: 'false' },
  getCallStatus: { deviceNumber: '1001' },
  callPark: { deviceNumber: '1001', callRefID: 1 },
  callUnPark: { deviceNumber: '1003', callingDN: '1003', parkingLoc: 1 },
  getMwi: { deviceNumber: '1001' },
  flexiblePage: { page_index: 1, service_num: '1001' },
  agentLogOn: { ...AGENT, loginPrimary: 'primary', loginPriority: 1 },
  agentLogOff: { ...AGENT, loginPrimary: 'primary' },
  agentSetState: { ...AGENT, agentState: 'dutyOff', reasonCode: '1' },
  confGroupCallStart: { deviceNumber: '1055', groupIndex: 10 },
  confGroupAddCallee: { deviceNumber: '1055', groupIndex: 10, memberType: 'station', memberIndex: 2, memberDN: '1056' },
  confGroupDropCallee: { deviceNumber: '1055', groupIndex: 10, memberIndex: 2 },
  confGroupSetMute: { deviceNumber: '1055', groupIndex: 10, memberIndex: 2, svcType: 'on' },
  getConfRoom: { deviceNumber: '1058', roomIndex: 3 },
  confRoomOpenClose: { deviceNumber: '1058', roomIndex: 3, roomPwd: '1234', roomUsage: 'true' },
};

const NOT_SUPPORTED = { name: 'serviceNotSupported', status: 403, apiCode: 102, resource: 'cti', code: 'API_ERROR' };
const errorOf = (p: Promise<unknown>): Promise<unknown> => p.then((v) => ({ resolved: v }), (e: unknown) => e);

let emu: Emulator;
let r: Rig;
beforeAll(async () => {
  emu = await startEmulator({
    port: 0, timeAndDate: false,
    accounts: [{ userId: 'acdonly', password: 'acdonly', kind: 'server', privileges: { acd: true, cti: false, smdr: false } }],
  });
  r = await rig(emu, { userId: 'acdonly' });
  await r.opened();
});
afterAll(async () => {
  await r.close();
  await emu.stop();
});

describe('the CTI suite under an account without the CTI privilege', () => {
  it('covers every command of the table', () => {
    expect(Object.keys(PARAMS).sort()).toEqual(Object.keys(CTI_COMMANDS).sort());
  });

  for (const name of Object.keys(CTI_COMMANDS) as CtiCommandName[]) {
    it(`${name}: CtiError serviceNotSupported (403, code 102)`, async () => {
      const before = emu.apiRequests().length;
      const err = await errorOf((r.cti.commands[name] as (p: P) => Promise<unknown>)(PARAMS[name]));
      expect(err).toBeInstanceOf(CtiError);
      expect(err).toMatchObject(NOT_SUPPORTED);
      expect(emu.apiRequests()).toHaveLength(before + 1); // it was sent, and refused by the PBX
    });
  }

  it('Monitor/Presence Start and Stop and the terminal list: CtiError serviceNotSupported, nothing kept', async () => {
    const devices = ['1001', '1002'];
    for (const run$ of [r.cti.monitor(devices), r.cti.unmonitor(devices), r.cti.presenceStart(devices), r.cti.presenceStop(devices)]) {
      const err = await errorOf(firstValueFrom(run$));
      expect(err).toBeInstanceOf(CtiError);
      expect(err).toMatchObject(NOT_SUPPORTED);
    }
    expect(r.cti.monitored().size).toBe(0);
    expect(r.cti.presenceSet().size).toBe(0);
    const terminals = await errorOf(firstValueFrom(r.cti.terminals$()));
    expect(terminals).toMatchObject(NOT_SUPPORTED);
    expect(r.events).toEqual([]);
  });

  it('SMDR without the SMDR privilege: CtiError "License error" (403, code 3) for query, count and delete', async () => {
    for (const p of [r.cti.smdr.query(), r.cti.smdr.count(), r.cti.smdr.delete(eq('Index', 1))]) {
      const err = await errorOf(p);
      expect(err).toBeInstanceOf(CtiError);
      expect(err).toMatchObject({ name: 'License error', status: 403, apiCode: 3, resource: 'smdr' });
    }
  });
});
