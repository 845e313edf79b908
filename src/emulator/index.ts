// Public entry of the emulator (published as `ipecs-rx/emulator`): an independent iPECS Web API peer.
//
//   const emu = await startEmulator({ port: 0 });            // HTTPS + WSS, self-signed cert, account acd/acd
//   // client: GET {emu.baseUrl}/ipxapi/server/v1/users/acd/login (Basic), then WSS {…}/ipxapi with Bearer,
//   // pinning `ca: emu.certificatePem` or `emu.fingerprint256`
//   emu.sendAcd({ code: 3, callRefId: 1, source: '6', data1: 8, data2: 5 });   // inject one event
//   await emu.playScenario('inbound-answered', { speed: 10 });               // res/scenarios/*.ndjson
//   emu.faults.dropSockets(); await emu.restart({ downMs: 500 });             // faults
//   emu.startCentre({ seed: 1, speed: 60 }); …; emu.groundTruth();           // simulated centre + truth
//   await emu.stop();
//
// The same controls are served on the same port under /admin/… (local only, no PBX credentials):
//   GET  /admin/counters, /admin/ground-truth, /admin/sent-frames (with recordSent)
//   POST /admin/acd (JSON event or array), /admin/raw[?binary=1] (body verbatim), /admin/burst?n=N,
//        /admin/scenario?name=N[&speed=S], /admin/centre/start (JSON CentreOptions), /admin/centre/stop,
//        /admin/restart?downMs=N, /admin/faults/drop-sockets, /admin/faults/half-open?on=1|0,
//        /admin/faults/refuse-logins?seconds=N, /admin/faults/already-login?on=1|0,
//        /admin/faults/expire-sessions[?sockets=drop|close|keep], /admin/faults/malformed?kind=K[&size=N]
//   CTI / SMDR: GET /admin/api-requests, GET /admin/smdr; POST /admin/smdr (JSON record or array),
//        /admin/cti/registered?dn=N&on=1|0
//   (the ipxapi routes also serve call/* (CTI, §7), smdr (§5) and clickcall (§8): server.ts lists which file holds
//   each resource's rules)

export { startEmulator } from './server.js';
// Every name of types.ts is public (Emulator, EmulatorOptions, GroundTruth, …): re-exported whole, so no list to keep in step.
export type * from './types.js';
export { acdWireData, formatAcdFrame, formatPbxTime } from './format.js';
export type { AcdFormatOptions, AcdWireData, AcdWireInput } from './format.js';
export { loadScenario, parseScenario, resolveScenario, scenariosDir } from './scenario.js';
export type { ScenarioLine } from './scenario.js';
export { CentreModel, generateCentreEvents, resolveCentreOptions, simulateCentre } from './centre.js';
export type { CentreEvent, ResolvedCentreOptions } from './centre.js';
export { createRng } from './prng.js';
export { parseBody } from './http.js';
export type { ApiRequestRecord } from './http.js';
export { SmdrStore, SmdrFilterError, globToRegExp, matches as smdrMatches, validateFilter as validateSmdrFilter } from './smdr-store.js';
export type { SmdrRecordInput, SmdrStoredRecord } from './smdr-store.js';
export type { Rng } from './prng.js';
