// The checkpoint of the metrics state (issue 17): its size and its encode/decode time for a centre of 1,000
// stations (900 agents on 10 groups) two simulated hours into its day, with its open calls (queued, ringing,
// connected, held). The state comes from the emulator's simulated centre, decoded and reduced by the client.
//
//   node --import tsx bench/checkpoint.ts
import { performance } from 'node:perf_hooks';
import { formatAcdFrame, simulateCentre } from '../src/emulator/index.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { decodeAcdFrame } from '../src/protocol/decode.js';
import { isDecodeError } from '../src/protocol/acd-event.js';
import { initialMetricsState, reduceMetrics } from '../src/metrics/reducer.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/metrics/checkpoint.js';
import { getGc } from './helpers.js';

const metrics = { ...DEFAULT_CONFIG.metrics, timeZone: 'UTC' };
const { events } = simulateCentre({ seed: 1, stations: 1000, agents: 900, groups: 10, arrivalPerHour: 3000 }, 2 * 3600);
let state = initialMetricsState(metrics, 0);
for (const { t, acd } of events) {
  const ev = decodeAcdFrame(formatAcdFrame(acd, { padBlanks: true }), false, t * 1000, DEFAULT_CONFIG.socket.maxFrameBytes);
  if (isDecodeError(ev)) throw new Error(ev.message);
  state = reduceMetrics(state, ev);
}
const identity = { host: 'pbx.example', port: 8743, userId: 'acd' };
const gc = getGc();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const RUNS = 30;
const enc: number[] = [];
const dec: number[] = [];
let text = '';
for (let i = 0; i < RUNS + 3; i++) {
  gc();
  const t0 = performance.now();
  text = encodeCheckpoint(state, identity, state.at);
  const t1 = performance.now();
  const d = decodeCheckpoint(text, metrics);
  const t2 = performance.now();
  if (!d.ok) throw new Error(d.problem.detail);
  if (i >= 3) {
    enc.push(t1 - t0);
    dec.push(t2 - t1);
  }
}
const bytes = Buffer.byteLength(text);
console.log(JSON.stringify({
  stations: state.stations.size,
  agentsLoggedIn: state.agentsLoggedIn,
  openCalls: state.calls.size,
  groups: state.groups.size,
  lateKeys: state.lateKeys.size,
  bytes,
  kib: Math.round(bytes / 1024),
  encodeMsMedian: Number(median(enc).toFixed(2)),
  decodeMsMedian: Number(median(dec).toFixed(2)),
  encodeMsMax: Number(Math.max(...enc).toFixed(2)),
  decodeMsMax: Number(Math.max(...dec).toFixed(2)),
}));
