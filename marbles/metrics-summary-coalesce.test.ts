// summary$ coalesces (metrics.md §3): the events of one burst (here: one instant of the virtual clock) yield one
// summary, emitted after the burst, equal to the per-event summary after the burst's last event. With
// `metrics.summaryPerEvent` every figure-changing event has its own summary; changes$ is one per event either way.
import { describe, expect, it } from 'vitest';
import { map, Subject } from 'rxjs';
import { runMarbles } from './helpers/run-marbles.js';
import { ev } from './helpers/acd-event-builders.js';
import { PER_EVENT_METRICS, QUIET_METRICS, summaryOf } from './helpers/metrics-marbles.js';
import { acdPipeline } from '../src/streams/pipeline.js';
import { createSummary } from '../src/metrics/summary.js';
import { silentLogger } from '../src/logging/logger.js';
import type { AcdSummary } from '../src/metrics/types.js';
import type { RawFrame } from '../src/socket/types.js';
import { buildFrameTexts } from '../bench/frames.js';

const calls = (s: AcdSummary): string => `${String(s.totalInboundCalls)} in, ${String(s.callsInQueue)} q, ${String(s.totalAnsweredCalls)} ans`;

describe('summary$ coalescing', () => {
  it('one summary per burst, the one after its last event; one per event with summaryPerEvent; changes$ per event', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const e = {
        r: ev(3, { ref: 1, src: 'co:1' }), // a call rings
        q: ev(62, { ref: 1, src: 'co:1', d1: '1' }), // is queued
        a: ev(42, { ref: 1, src: 'co:1', dst: '1001' }), // is answered
        t: ev(68, { d1: '1127', d2: '26' }), // TIME & DATE: no figure
        s: ev(3, { ref: 2, src: 'co:2' }), // a second call rings
      };
      const events = cold('   100ms (rqa) 95ms t 99ms (st) |', e);
      // Coalesced: the burst (rqa) is one summary (after a); t alone changes nothing; (st) is one (after s).
      expectObservable(summaryOf(events, scheduler, QUIET_METRICS).summary$.pipe(map(calls))).toBe('i 99ms a 199ms s 3ms |', {
        i: '0 in, 0 q, 0 ans',
        a: '1 in, 0 q, 1 ans',
        s: '2 in, 0 q, 1 ans',
      });
      // Per event: r, q and a each have their summary, in the same instant.
      expectObservable(summaryOf(events, scheduler, PER_EVENT_METRICS).summary$.pipe(map(calls))).toBe('i 99ms (rqa) 195ms s 3ms |', {
        i: '0 in, 0 q, 0 ans',
        r: '1 in, 0 q, 0 ans',
        q: '1 in, 1 q, 0 ans',
        a: '1 in, 0 q, 1 ans',
        s: '2 in, 0 q, 1 ans',
      });
      // The transitions stay one per event, each with its figure after that event.
      expectObservable(summaryOf(events, scheduler, QUIET_METRICS).changes$.pipe(map((c) => `${c.kind} ${String(c.figure)}`))).toBe('100ms (nwsa) 194ms m 3ms |', {
        n: 'newCall 1',
        s: 'stationConnected 1', // 1001, seen first at the answer
        w: 'callWaiting 1',
        a: 'callAnswered 1',
        m: 'newCall 2',
      });
    });
  });

  it("the coalesced summary after each burst equals the per-event summary after the burst's last event (a realistic day)", () => {
    // 4,000 frames of the bench's compressed contact-centre day, delivered in bursts of 1 to 9 frames per instant.
    const texts = buildFrameTexts(4_000);
    const bursts: string[][] = [];
    for (let i = 0, k = 0; i < texts.length; k++) {
      const n = 1 + ((k * 7) % 9);
      bursts.push(texts.slice(i, i + n));
      i += n;
    }
    const filters = { stations: [], groups: [], eventsAllowed: [], eventsBlocked: [] };
    const compared = runMarbles(({ scheduler }) => {
      const frames$ = new Subject<RawFrame>();
      const run = (metrics: typeof QUIET_METRICS): { latest: () => AcdSummary | undefined; count: () => number } => {
        const streams = createSummary(acdPipeline(frames$, { filters, maxFrameBytes: 4096, logger: silentLogger, scheduler }).events$, { metrics, scheduler });
        let latest: AcdSummary | undefined;
        let count = 0;
        streams.summary$.subscribe((s) => {
          latest = s;
          count++;
        });
        return { latest: () => latest, count: () => count };
      };
      const coalesced = run(QUIET_METRICS);
      const perEvent = run(PER_EVENT_METRICS);
      let checks = 0;
      bursts.forEach((burst, k) => {
        const at = 10 * (k + 1);
        scheduler.schedule(() => {
          for (const text of burst) frames$.next({ at, data: Buffer.from(text), isBinary: false });
        }, at);
        // After the burst (the coalesced summary goes out in the same instant, after the burst's events).
        scheduler.schedule(() => {
          expect(coalesced.latest()).toEqual(perEvent.latest());
          checks++;
        }, at + 1);
      });
      scheduler.flush();
      expect(coalesced.count()).toBeLessThan(perEvent.count());
      return checks;
    });
    expect(compared).toBe(bursts.length);
  });
});
