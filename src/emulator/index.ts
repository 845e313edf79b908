// Public entry of the emulator (published as `ipecs-rx/emulator`): an independent iPECS Web API peer.
//
//   const emu = await startEmulator({ port: 0 });            // HTTPS + WSS, self-signed cert, account acd/acd
//   // client: GET {emu.baseUrl}/ipxapi/server/v1/users/acd/login (Basic), then WSS {…}/ipxapi with Bearer,
//   // pinning `ca: emu.certificatePem` or `emu.fingerprint256`
//   emu.sendAcd({ code: 3, callRefId: 1, source: '6', data1: 8, data2: 5 });   // inject one event
//   await emu.playScenario('inbound-answered', { speed: 10 });               // res/scenarios/*.ndjson
//   emu.faults.dropSockets(); await emu.restart({ downMs: 500 });             // faults
//   emu.startCentre({ seed: 1, speed: 60 }); …; emu.groundTruth();           // simulated centre + truth
//   emu.startCentre({ seed: 1, warm: true }); emu.centreState();             // a centre already mid-day
//   emu.advanceClock(3600);                                                   // an hour passes, no waiting
//   await emu.stop();
//
// The same controls are served on the same port under /admin/… (local only, no PBX credentials): admin.ts lists
// them. The ipxapi routes serve the Web API's resources: server.ts lists which file holds each resource's rules.

export { startEmulator } from './server.js';
// Every name of types.ts is public (Emulator, EmulatorOptions, GroundTruth, …): re-exported whole, so no list to keep in step.
export type * from './types.js';
export { acdWireData, formatAcdFrame, formatPbxTime } from './format.js';
export type { AcdFormatOptions, AcdWireData, AcdWireInput } from './format.js';
export { loadScenario, parseScenario, resolveScenario, scenariosDir } from './scenario.js';
export type { ScenarioLine } from './scenario.js';
export { CentreModel, centreStateAt, generateCentreEvents, isMidDay, midDayInstant, resolveCentreOptions, simulateCentre } from './centre.js';
export { DEFAULT_WARM_SECONDS } from './live-centre.js';
export type { CentreEvent, ResolvedCentreOptions } from './centre.js';
export { createRng } from './prng.js';
export { parseBody } from './http.js';
export type { ApiRequestRecord } from './http.js';
export { SmdrStore, SmdrFilterError, globToRegExp, matches as smdrMatches, validateFilter as validateSmdrFilter } from './smdr-store.js';
export type { SmdrRecordInput, SmdrStoredRecord } from './smdr-store.js';
export type { Rng } from './prng.js';
