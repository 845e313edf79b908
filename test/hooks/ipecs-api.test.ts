// The legacy class as a first-class citizen (issue 15, item 8), against the emulator over real HTTPS + WSS: it
// surfaces the configuration's warnings, reports the connection (open, backoff with its cause, gap, fatal) so a
// legacy host can tell "no calls" from "not connected", and every hook gets the causing event and its instant as
// a second argument, the seed's payload first and unchanged.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ipecsAPI, type HookCause, type LegacyConnectionPayload } from '../../src/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { AcdEvent } from '../../src/protocol/acd-event.js';
import type { ConnectionState } from '../../src/socket/types.js';

let emulator: Emulator | undefined;
const apis: ipecsAPI[] = [];
afterEach(async () => {
  await Promise.all(apis.splice(0).map((a) => a.shutdown()));
  await emulator?.stop();
  emulator = undefined;
});

/** A config file for the emulator in a fresh folder; `extra` is merged in, `mode` is the file's. */
function configFile(emu: Emulator, extra: Record<string, unknown> = {}, mode = 0o600): { file: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ipecs-hooks-'));
  const file = join(dir, 'ipecs.conf');
  const log = join(dir, 'ipecsapi.log');
  const config = { ...emu.clientConfig(), log: { file: log }, ...extra };
  writeFileSync(file, JSON.stringify(config), { mode });
  chmodSync(file, mode);
  return { file, log };
}

async function until(what: string, predicate: () => boolean, ms = 15_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ipecsAPI (legacy)', () => {
  it('surfaces the configuration warnings: on `warnings` and in its log, each naming the file and the key', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const { file, log } = configFile(emulator, { metrics: { lateReportSecond: 30 } }, 0o644);
    const api = new ipecsAPI(file);
    apis.push(api);
    expect(api.warnings).toEqual([
      `${file}: unknown key "metrics.lateReportSecond" ignored (did you mean "metrics.lateReportSeconds"?)`,
      `${file}: holds a password but is readable by group or others (mode 644); run chmod 600 or use IPECS_PASSWORD`,
    ]);
    await api.shutdown(); // closes (flushes) the log
    const logged = readFileSync(log, 'utf8');
    expect(logged).toContain('unknown key \\"metrics.lateReportSecond\\" ignored');
    expect(logged).toContain('readable by group or others');
    expect(logged).not.toContain('"acd"'); // the password is never in the log
  });

  it('addConnectionHook: open, then backoff with its cause and a gap after a drop; hooks get (payload, {event, at})', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const api = new ipecsAPI(configFile(emulator).file);
    apis.push(api);
    const states: [LegacyConnectionPayload, HookCause<ConnectionState | Error>][] = [];
    const calls: [unknown, HookCause<AcdEvent>][] = [];
    const summaries: [Record<string, unknown>, HookCause<AcdEvent | undefined>][] = [];
    api.addConnectionHook((p, cause) => states.push([p, cause]));
    api.addNewCallHook((p, cause) => calls.push([p, cause]));
    api.addEventHook((s, cause) => summaries.push([s, cause]));
    const done = api.connectAPI();
    await until('open', () => states.some(([p]) => p.state === 'open'));
    expect(states[0]?.[0]).toMatchObject({ state: 'open', url: expect.stringContaining('wss://127.0.0.1') as unknown });
    expect(states[0]?.[1].event).toMatchObject({ kind: 'open' });
    expect(states[0]?.[1].at).toBe(states[0]?.[0].at);

    emulator.sendAcd({ code: 3, callRefId: 5, source: '7', data1: 1 });
    await until('new call', () => calls.length === 1);
    const [payload, cause] = calls[0] ?? [];
    expect(payload).toEqual({ 'Total Calls': 1 }); // the seed's payload, unchanged
    expect(cause?.event).toMatchObject({ code: 3, callRefId: 5 });
    expect(cause?.at).toBe(cause?.event.at);
    // The summary after that event names it as its cause; the first summary (at connect) has none.
    expect(summaries[0]?.[1].event).toBeUndefined();
    const after = summaries.find(([s]) => s['total-inbound-calls'] === 1);
    expect(after?.[1].event?.code).toBe(3);
    expect(after?.[1].at).toBe(after?.[0]['at']);

    emulator.faults.dropSockets();
    await until('gap', () => states.some(([p]) => p.state === 'gap'));
    const kinds = states.map(([p]) => p.state);
    expect(kinds.slice(0, 2)).toEqual(['open', 'backoff']);
    const backoff = states.find(([p]) => p.state === 'backoff')?.[0];
    expect(backoff).toMatchObject({ state: 'backoff', attempt: expect.any(Number) as unknown, delayMs: expect.any(Number) as unknown });
    expect(['network', 'server-closed']).toContain(backoff?.state === 'backoff' ? backoff.cause : '');
    const gap = states.find(([p]) => p.state === 'gap')?.[0];
    expect(gap?.state === 'gap' && gap.to >= gap.from).toBe(true);
    await api.shutdown();
    await done;
  });

  it('addConnectionHook: wrong credentials are a fatal call with the code, then connectAPI() rejects', async () => {
    emulator = await startEmulator({ port: 0, timeAndDate: false });
    const api = new ipecsAPI(configFile(emulator, { server: { host: '127.0.0.1', port: emulator.port, userId: 'acd', password: 'wrong' } }).file);
    apis.push(api);
    const states: LegacyConnectionPayload[] = [];
    api.addConnectionHook((p) => states.push(p));
    await expect(api.connectAPI()).rejects.toThrow();
    expect(states.at(-1)).toMatchObject({ state: 'fatal', code: 'AUTH_INVALID_CREDENTIALS' });
    expect(states.some((s) => s.state === 'open')).toBe(false);
  });
});
