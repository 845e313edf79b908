// The wallboard page in a real browser (Debian's chromium through playwright-core).
//
// 1. Against the emulator: the page connects over SSE, shows "live", and its figures, queue table and agent board
//    follow the events with no reload; when the emulator goes away the page says so in words (not connected, the
//    cause, the attempts), greys the figures and shows none of them in a threshold colour.
// 2. A wall TV: a busy morning (test/serve/fixtures/busy-centre.ts) at 1920×1080 and 3840×2160, live and then
//    stale. The four hero figures are at least 13 % of the screen's height and fit their tiles, the others at least
//    6 %, labels at least 2.5 % (a 55" TV: hero digits about 7 cm high, readable from 6 m); in the stale state the
//    banner names it and no figure keeps a threshold colour. Screenshots go to test/artifacts/wallboard/ (or to
//    $IPECS_SCREENSHOTS, which `npm run screenshots` sets to docs/wallboard/, where they are committed).
//
// Needs /usr/bin/chromium: without it vitest leaves this file out with one loud line (test/prerequisites.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BehaviorSubject, firstValueFrom, interval, merge, Subject, type Subscription } from 'rxjs';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { connect, type IpecsClient } from '../../src/client.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createWallboardServer, type WallboardServer } from '../../src/serve/server.js';
import type { AcdSummary } from '../../src/metrics/types.js';
import type { ConnectionState } from '../../src/socket/types.js';
import { AGENT_NAMES, busyMorningSummaries } from './fixtures/busy-centre.js';

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
  evaluate<A, R>(fn: (arg: A) => R, arg: A): Promise<R>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  locator(selector: string): PwLocator;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
  on(event: 'request' | 'framenavigated', fn: (x: { url(): string }) => void): void;
  close(): Promise<void>;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Chromium {
  launchPersistentContext(
    userDataDir: string,
    options: { executablePath: string; headless: boolean; viewport: { width: number; height: number }; locale?: string; timezoneId?: string; args: string[] },
  ): Promise<BrowserContext>;
}
const PLAYWRIGHT: string = 'playwright-core';

/** The page's DOM, as much as the page-side checks use (functions, not strings: the page's CSP forbids eval). */
interface El {
  textContent: string | null;
  clientWidth: number;
  scrollWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { height: number };
}
interface PageGlobals {
  document: { querySelector(selector: string): El | null; querySelectorAll(selector: string): ArrayLike<El>; body: El };
  getComputedStyle(el: El): { fontSize: string; color: string; borderTopColor: string; backgroundImage: string };
  innerHeight: number;
}
/** Runs in the page: the text of `selector` matches `pattern` (a RegExp source). */
const textMatches = ([selector, pattern]: readonly [string, string]): boolean => new RegExp(pattern).test((globalThis as unknown as PageGlobals).document.querySelector(selector)?.textContent ?? '');
/** Runs in the page: the `data-state` of `selector` is, or is not, one of `states`. */
const stateIn = ([selector, states, wanted]: readonly [string, readonly string[], boolean]): boolean =>
  states.includes((globalThis as unknown as PageGlobals).document.querySelector(selector)?.getAttribute('data-state') ?? '') === wanted;

/** Runs in the page: the size of each figure and label as a share of the viewport height, and whether it fits. */
function measure(): { hero: number[]; second: number[]; label: number[]; overflow: string[]; colours: string[]; feed: string } {
  const g = globalThis as unknown as PageGlobals;
  const share = (sel: string): number[] => Array.from(g.document.querySelectorAll(sel)).map((el) => parseFloat(g.getComputedStyle(el).fontSize) / g.innerHeight);
  const values = Array.from(g.document.querySelectorAll('.tile .value'));
  return {
    hero: share('.hero .value'),
    second: share('.seconds .value'),
    label: share('.tile .label'),
    overflow: values.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent ?? ''),
    colours: values.map((el) => g.getComputedStyle(el).color),
    feed: g.document.body.getAttribute('data-feed') ?? '',
  };
}

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = process.env.IPECS_SCREENSHOTS === undefined ? join(import.meta.dirname, '..', 'artifacts', 'wallboard') : resolve(process.env.IPECS_SCREENSHOTS);
const GREY = 'rgb(125, 133, 144)';

let browser: BrowserContext | undefined;
const profile = mkdtempSync(join(tmpdir(), 'ipecs-chromium-'));

beforeAll(async () => {
  const { chromium } = (await import(PLAYWRIGHT)) as { chromium: Chromium };
  // A fresh profile (playwright passes it as --user-data-dir); a British locale: the clock reads 24-hour anyway.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1920, height: 1080 },
    locale: 'en-US',
    timezoneId: 'Europe/London',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  return browser.pages()[0] ?? (await browser.newPage());
}

describe('wallboard page in chromium, against the emulator', () => {
  let emu: Emulator | undefined;
  let client: IpecsClient | undefined;
  let server: WallboardServer | undefined;
  let page: Page | undefined;
  let url = '';
  const outside: string[] = [];

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, centre: false });
    client = connect({ ...emu.clientConfig(), socket: { backoffBaseMs: 200, backoffCapMs: 400 }, log: { file: null, console: false } }, { logger: silentLogger, env: {} });
    const c = client;
    server = createWallboardServer({
      summary$: c.summary$,
      connection$: c.connection$,
      activity$: merge(c.events$, c.errors$),
      stats: () => c.stats(),
      logger: silentLogger,
      updateIntervalMs: 100,
      healthIntervalMs: 500,
      title: 'Test floor',
      agentNames: { '0001': 'Alice Martin' },
      serviceLevelSeconds: 20,
    });
    url = (await server.listen(0)).url;
    page = await newPage();
    // Nothing may be fetched from anywhere but the wallboard server.
    page.on('request', (req) => {
      if (!req.url().startsWith(url)) outside.push(req.url());
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await client?.close();
    await emu?.stop();
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
    expect(await page.locator('#connection').innerText()).toMatch(/^live$/i);
    await until('callsInQueue', '0');
    await until('totalAnsweredCalls', '0');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));

    // An agent starts: the board shows Alice Martin ready, with her time in state; Agents ready 1.
    emu.sendAcd({ code: 84, source: '1001' });
    emu.sendAcd({ code: 11, source: '1001', data1: 8, data2: '0001' });
    await until('agentsReady', '1');
    await page.waitForSelector('#agents li[data-station="1001"][data-state="ready"]', { timeout: 15_000 });
    expect(await page.locator('#agents li[data-station="1001"] .name').innerText()).toBe('Alice Martin');
    await page.waitForFunction(textMatches, ['#agents li[data-station="1001"] .st', '^ready 0:0[1-9]$'] as const, { timeout: 15_000 });

    // A call queues in group 8: Calls waiting 1, and the queue row shows it; the longest wait ticks.
    emu.sendAcd({ code: 3, callRefId: 102, source: '6', data1: 8, data2: 5 });
    emu.sendAcd({ code: 62, callRefId: 102, source: '6', sourceType: 'CO', data1: 8 });
    await until('callsInQueue', '1');
    await page.waitForSelector('#groups tr[data-group="8"]', { timeout: 15_000 });
    expect(await page.locator('#groups tr[data-group="8"] td').nth(1).innerText()).toBe('1');
    await page.waitForFunction(textMatches, ['[data-tile] [data-figure="longestWaitTime"]', '^0:0[1-9]$'] as const, { timeout: 15_000 });

    // It rings agent 1001 and is answered: Calls waiting 0, Answered 1, the agent on a call, the service level shows.
    emu.sendAcd({ code: 66, callRefId: 102, source: '1001', dest: '6', destType: 'CO', data1: 8, data2: 8 });
    emu.sendAcd({ code: 42, callRefId: 102, source: '1001', dest: '6', destType: 'CO' });
    emu.sendAcd({ code: 17, callRefId: 102, source: '1001', dest: '6', destType: 'CO' });
    await until('totalAnsweredCalls', '1');
    await until('callsInQueue', '0');
    await until('agentsOnCall', '1');
    await until('serviceLevel', '100%');
    await page.waitForSelector('#agents li[data-station="1001"][data-state="on_call"]', { timeout: 15_000 });
    expect(await page.locator('#sl-seconds').innerText()).toBe('answered within 20 s');
    expect(await page.locator('[data-tile="serviceLevel"]').getAttribute('data-level')).toBe('green');
    // The abandon-rate tile has its colour too.
    expect(await page.locator('[data-tile="abandonRate"]').getAttribute('data-level')).toBe('green');
    // Nobody is ready any more: that tile turns red.
    expect(await page.locator('[data-tile="agentsReady"]').getAttribute('data-level')).toBe('red');
    expect(await figure('agentsReady')).toBe('0');
    // A 24-hour clock.
    expect(await page.locator('#clock').innerText()).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);

    const shot = join(ARTIFACTS, 'emulator-live.png');
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(navigations).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('says plainly what the figures cover: since when, and the agents that logged in before it started', async () => {
    if (page === undefined || emu === undefined || client === undefined) throw new Error('not started');
    const since = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Europe/London' }).format(new Date((await firstValueFrom(client.summary$)).coverage.since));
    await page.waitForFunction(textMatches, ['#coverage', `^figures since ${since}; agents appear as they act$`] as const, { timeout: 15_000 });
    // An agent the client never saw logging in goes unavailable: it is named, and not counted logged in.
    emu.sendAcd({ code: 13, source: '1007', data1: 2 });
    await page.waitForFunction(textMatches, ['#coverage', `^figures since ${since}; agents appear as they act; 1 agent logged in before the start \\(not counted\\)$`] as const, { timeout: 15_000 });
  });

  it('says in words when the phone system goes away, greys the figures and counts the attempts', async () => {
    if (page === undefined || emu === undefined) throw new Error('not started');
    await emu.stop();
    emu = undefined;
    await page.waitForFunction(stateIn, ['#connection', ['down'], true] as const, { timeout: 15_000 });
    expect(await page.locator('#banner-headline').innerText()).toBe('Not connected to the phone system');
    expect(await page.locator('#banner-since').innerText()).toMatch(/^since ([01]\d|2[0-3]):[0-5]\d$/);
    await page.waitForFunction(textMatches, ['#banner-detail', '^The figures are frozen\\. Trying again \\([2-9]\\d* failed attempts\\): connection refused'] as const, { timeout: 15_000 });
    const m = await page.evaluate(measure, undefined);
    expect(m.feed).toBe('down');
    // No figure keeps a threshold colour (the red "Agents ready" and the green service level are grey now).
    expect(new Set(m.colours)).toEqual(new Set([GREY]));
    await page.screenshot({ path: join(ARTIFACTS, 'emulator-down.png') });
  });
});

describe('wallboard on a wall TV: a busy morning at 1080p and 4K, live and stale', () => {
  let server: WallboardServer | undefined;
  let page: Page | undefined;
  let beat: Subscription | undefined;
  const summary$ = new Subject<AcdSummary>();
  const activity$ = new Subject<unknown>();

  beforeAll(async () => {
    server = createWallboardServer({
      summary$,
      connection$: new BehaviorSubject<ConnectionState>({ kind: 'open', at: Date.now(), url: 'wss://pbx' }),
      activity$,
      logger: silentLogger,
      updateIntervalMs: 50,
      healthIntervalMs: 200,
      // Stale after 2 s without a frame, so the test need not wait 150 s.
      freshnessMs: 2_000,
      title: 'Customer service, first floor',
      agentNames: AGENT_NAMES,
      groupNames: { '1': 'Sales', '2': 'Support' },
      serviceLevelSeconds: 20,
    });
    const { url } = await server.listen(0);
    beat = interval(200).subscribe(() => {
      activity$.next(0);
    });
    // The morning, summary by summary, so the server sees each agent change state when it did.
    for (const s of busyMorningSummaries(Date.now())) summary$.next(s);
    page = await newPage();
    await page.goto(`${url}/`);
    await page.waitForFunction(stateIn, ['#connection', ['live'], true] as const, { timeout: 15_000 });
    await page.waitForFunction(textMatches, ['[data-tile] [data-figure="callsInQueue"]', '^4$'] as const, { timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    beat?.unsubscribe();
    await page?.close();
    await server?.close();
  });

  const sizes = [
    { name: '1080p', width: 1920, height: 1080 },
    { name: '4k', width: 3840, height: 2160 },
  ] as const;

  it.each(sizes)('live at $name: hero figures large and whole, names and time in state, a screenshot', async ({ name, width, height }) => {
    if (page === undefined) throw new Error('not started');
    await page.setViewportSize({ width, height });
    await page.waitForFunction(([w]: readonly [number]) => (globalThis as unknown as { innerWidth: number }).innerWidth === w, [width] as const);
    const m = await page.evaluate(measure, undefined);
    expect(m.feed).toBe('live');
    expect(m.hero).toHaveLength(4);
    for (const h of m.hero) expect(h).toBeGreaterThanOrEqual(0.13);
    for (const s of m.second) expect(s).toBeGreaterThanOrEqual(0.06);
    for (const l of m.label) expect(l).toBeGreaterThanOrEqual(0.025);
    expect(m.overflow).toEqual([]);
    expect(await page.locator('[data-figure="longestWaitTime"]').innerText()).toMatch(/^1:1\d$/);
    expect(await page.locator('[data-tile="callsInQueue"]').getAttribute('data-level')).toBe('amber');
    expect(await page.locator('#agents li[data-station="1001"] .name').innerText()).toBe('Alice Martin');
    expect(await page.locator('#groups tr[data-group="2"] td').nth(0).innerText()).toBe('Support');
    expect(await page.locator('#agents li[data-station="1008"] .st').innerText()).toMatch(/^not ready 1[45]:\d\d$/);
    const shot = join(ARTIFACTS, `busy-${name}-live.png`);
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });

  it.each(sizes)('stale at $name: the banner says so, every figure grey, a screenshot', async ({ name, width, height }) => {
    if (page === undefined) throw new Error('not started');
    beat?.unsubscribe();
    await page.setViewportSize({ width, height });
    await page.waitForFunction(stateIn, ['#connection', ['stale'], true] as const, { timeout: 15_000 });
    expect(await page.locator('#banner-headline').innerText()).toBe('No news from the phone system');
    expect(await page.locator('#banner-detail').innerText()).toMatch(/^The figures may be out of date: nothing received for \d+ s/);
    expect(await page.locator('#banner-since').innerText()).toMatch(/^since ([01]\d|2[0-3]):[0-5]\d$/);
    const m = await page.evaluate(measure, undefined);
    expect(m.feed).toBe('stale');
    expect(new Set(m.colours)).toEqual(new Set([GREY]));
    for (const h of m.hero) expect(h).toBeGreaterThanOrEqual(0.13);
    expect(m.overflow).toEqual([]);
    const shot = join(ARTIFACTS, `busy-${name}-stale.png`);
    await page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeGreaterThan(50_000);
  });
});
