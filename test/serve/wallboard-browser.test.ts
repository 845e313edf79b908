// The wallboard page in a real browser (Debian's chromium through playwright-core) against the emulator: the page
// connects over SSE, shows "live", and its figures, group table and agent list change as events arrive, with no
// reload. A screenshot is saved under test/artifacts/. Skipped only when /usr/bin/chromium is absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { merge } from 'rxjs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { connect, type IpecsClient } from '../../src/client.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createWallboardServer, type WallboardServer } from '../../src/serve/server.js';

// playwright-core's type declarations need the DOM lib, which this Node project does not load (it would change
// every global for everyone); the few calls used here are typed locally and the module is imported by name.
interface PwLocator {
  innerText(): Promise<string>;
  getAttribute(name: string): Promise<string | null>;
  nth(index: number): PwLocator;
}
interface Page {
  goto(url: string): Promise<unknown>;
  title(): Promise<string>;
  /** `fn` runs in the page (serialised; it sees only its argument and the page's globals). */
  waitForFunction<A>(fn: (arg: A) => boolean, arg: A, options?: { timeout?: number }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  locator(selector: string): PwLocator;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  on(event: 'request' | 'framenavigated', fn: (x: { url(): string }) => void): void;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Chromium {
  launchPersistentContext(userDataDir: string, options: { executablePath: string; headless: boolean; viewport: { width: number; height: number }; args: string[] }): Promise<BrowserContext>;
}
const PLAYWRIGHT: string = 'playwright-core';

/** The page's DOM, as much as the page-side checks use (functions, not strings: the page's CSP forbids eval). */
interface PageDom {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null;
}
/** Runs in the page: the text of `selector` matches `pattern` (a RegExp source). */
const textMatches = ([selector, pattern]: readonly [string, string]): boolean =>
  new RegExp(pattern).test((globalThis as unknown as { document: PageDom }).document.querySelector(selector)?.textContent ?? '');
/** Runs in the page: the `data-state` of `selector` is, or is not, one of `states`. */
const stateIn = ([selector, states, wanted]: readonly [string, readonly string[], boolean]): boolean =>
  states.includes((globalThis as unknown as { document: PageDom }).document.querySelector(selector)?.getAttribute('data-state') ?? '') === wanted;

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
if (!hasChromium) console.warn(`wallboard browser test SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('wallboard page in chromium', () => {
  let emu: Emulator | undefined;
  let client: IpecsClient | undefined;
  let server: WallboardServer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  let url = '';
  const profile = mkdtempSync(join(tmpdir(), 'ipecs-chromium-'));
  const outside: string[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, centre: false });
    client = connect(
      { server: { host: emu.host, port: emu.port, userId: 'acd', password: 'acd' }, tls: { fingerprint256: emu.fingerprint256 }, log: { file: null, console: false } },
      { logger: silentLogger, env: {} },
    );
    const c = client;
    server = createWallboardServer({
      summary$: c.summary$,
      connection$: c.connection$,
      activity$: merge(c.events$, c.errors$),
      stats: () => c.stats(),
      logger: silentLogger,
      updateIntervalMs: 100,
      title: 'Test floor',
    });
    url = (await server.listen(0)).url;
    // A fresh profile (playwright passes it as --user-data-dir).
    const { chromium } = (await import(PLAYWRIGHT)) as { chromium: Chromium };
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1600, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // Nothing may be fetched from anywhere but the wallboard server.
    page.on('request', (req) => {
      if (!req.url().startsWith(url)) outside.push(req.url());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await client?.close();
    await emu?.stop();
    rmSync(profile, { recursive: true, force: true });
  });

  const figure = (name: string): Promise<string> => {
    if (page === undefined) throw new Error('no page');
    return page.locator(`[data-tile] [data-figure="${name}"]`).innerText();
  };
  const until = async (name: string, value: string): Promise<void> => {
    if (page === undefined) throw new Error('no page');
    await page.waitForFunction(textMatches, [`[data-tile] [data-figure="${name}"]`, `^${value.replace(/[%]/g, '\\$&')}$`] as const, { timeout: 15_000 });
  };

  it('goes live, and its figures follow the events with no reload', async () => {
    if (page === undefined || emu === undefined) throw new Error('not started');
    await page.goto(`${url}/`);
    await expect(page.title()).resolves.toBe('Test floor');
    await page.waitForFunction(stateIn, ['#connection', ['live'], true] as const, { timeout: 15_000 });
    await until('callsInQueue', '0');
    await until('totalAnsweredCalls', '0');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));

    // An agent starts: the agent list shows 1001 ready, Available 1.
    emu.sendAcd({ code: 84, source: '1001' });
    emu.sendAcd({ code: 11, source: '1001', data1: 8, data2: '0001' });
    await until('agentsAvailable', '1');
    await page.waitForSelector('#agents li[data-station="1001"][data-state="available"]', { timeout: 15_000 });

    // A call queues in group 8: In queue 1, and the group row shows it.
    emu.sendAcd({ code: 3, callRefId: 102, source: '6', data1: 8, data2: 5 });
    emu.sendAcd({ code: 62, callRefId: 102, source: '6', sourceType: 'CO', data1: 8 });
    await until('callsInQueue', '1');
    await page.waitForSelector('#groups tr[data-group="8"]', { timeout: 15_000 });
    expect(await page.locator('#groups tr[data-group="8"] td').nth(1).innerText()).toBe('1');
    // The longest wait ticks on the page (summary ticks while the call waits).
    await page.waitForFunction(textMatches, ['[data-tile] [data-figure="longestWaitTime"]', '^[1-9]\\d* s$'] as const, { timeout: 15_000 });

    // It rings agent 1001 and is answered: In queue 0, Answered 1, the agent is busy, the service level shows.
    emu.sendAcd({ code: 66, callRefId: 102, source: '1001', dest: '6', destType: 'CO', data1: 8, data2: 8 });
    emu.sendAcd({ code: 42, callRefId: 102, source: '1001', dest: '6', destType: 'CO' });
    emu.sendAcd({ code: 17, callRefId: 102, source: '1001', dest: '6', destType: 'CO' });
    await until('totalAnsweredCalls', '1');
    await until('callsInQueue', '0');
    await until('agentsBusy', '1');
    await until('serviceLevel', '100%');
    await page.waitForSelector('#agents li[data-station="1001"][data-state="busy"]', { timeout: 15_000 });
    expect(await page.locator('[data-tile="serviceLevel"]').getAttribute('data-level')).toBe('green');
    // The availability tile turns red: no agent is ready any more.
    expect(await page.locator('[data-tile="agentsAvailable"]').getAttribute('data-level')).toBe('red');
    expect(await figure('agentsAvailable')).toBe('0');
    // The last-event age is shown and ticks.
    await page.waitForFunction(textMatches, ['#age', ' s$'] as const, { timeout: 15_000 });

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'wallboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(navigations).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('shows the feed going down, with the reason', async () => {
    if (page === undefined || emu === undefined) throw new Error('not started');
    await emu.stop();
    emu = undefined;
    await page.waitForFunction(stateIn, ['#connection', ['live', 'connecting'], false] as const, { timeout: 15_000 });
    const reason = await page.locator('#reason').innerText();
    expect(reason).toMatch(/socket not open/);
    await page.screenshot({ path: join(ARTIFACTS, 'wallboard-down.png') });
  });
});
