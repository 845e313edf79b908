// A host application composing ipecs-rx's streams with its own operators: alert when the queue's longest wait
// passes a threshold, and log every abandoned call with the abandon rate, against the built-in emulator.
//
//   npx tsx examples/host-app.ts

import { distinctUntilChanged, filter, map, pairwise } from 'rxjs';
import { connect } from '../src/index.js';
import { startEmulator } from '../src/emulator/index.js';

const emulator = await startEmulator({ port: 0, centre: { seed: 7, speed: 60 } });
const client = connect(
  { ...emulator.clientConfig(), log: { file: null } },
  { env: {} },
);

// Queue alarm: true while someone has waited longer than 30 s; print only the edges.
const alarm = client.summary$
  .pipe(
    map((s) => s.longestWaitTime > 30),
    distinctUntilChanged(),
  )
  .subscribe((on) => {
    console.log(on ? 'ALARM: a caller has waited more than 30 s' : 'queue back under 30 s');
  });

// Abandoned calls, with the abandon rate at that moment.
const abandons = client.summary$
  .pipe(
    pairwise(),
    filter(([a, b]) => b.totalAbandonedCalls > a.totalAbandonedCalls),
    map(([, b]) => b),
  )
  .subscribe((s) => {
    // null while no call came in this period (a call from before the reset can be abandoned after it)
    const rate = s.abandonRate === null ? 'n/a' : `${(s.abandonRate * 100).toFixed(1)}%`;
    console.log(`abandoned call #${s.totalAbandonedCalls}, abandon rate ${rate}`);
  });

setTimeout(() => {
  alarm.unsubscribe();
  abandons.unsubscribe();
  void client.close().then(() => emulator.stop());
}, 20_000);
