// Emulator burst throughput: one raw `ws` client receives N ACD events as fast as the emulator can push them.
// Run: npx tsx bench/emulator-burst.ts [N]. Prints events/s for plain WS and for WSS; asserts nothing.
import { startEmulator } from '../src/emulator/index.js';
import { openRawSocket } from './helpers.js';

async function run(tls: boolean, n: number): Promise<void> {
  const emu = await startEmulator({ port: 0, tls, timeAndDate: false });
  try {
    const raw = await openRawSocket(emu);
    const { ws } = raw;
    let got = 0;
    let bytes = 0;
    const all = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        got++;
        bytes += data.length;
        if (got === n) resolve();
      });
    });
    const t0 = performance.now();
    const sent = await emu.burst(n);
    await all;
    const ms = performance.now() - t0;
    console.log(
      `${tls ? 'wss' : 'ws '}: ${n} events in ${ms.toFixed(0)} ms → ${Math.round((n / ms) * 1000).toLocaleString('en')} events/s received ` +
        `(server send loop ${sent.ms.toFixed(0)} ms, ${(bytes / n).toFixed(0)} B/event)`,
    );
    await raw.close();
  } finally {
    await emu.stop();
  }
}

const n = Number(process.argv[2] ?? '200000');
await run(false, n);
await run(true, n);
