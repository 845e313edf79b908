// heartbeat: ping every interval; liveness comes only from what is RECEIVED (frames, pongs). A ping with no
// frame and no pong within the timeout terminates the socket and errors into the retry (half-open detection).
import { map, Subject, type Observable, type SchedulerLike } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SocketError } from '../src/session/errors.js';
import { heartbeat } from '../src/socket/heartbeat.js';
import type { SocketEvent, SocketHandle } from '../src/socket/types.js';
import { runMarbles } from './helpers/run-marbles.js';

/** A fake socket handle that records when it was pinged and terminated (virtual ms). */
function recordingHandle(now: () => number, onPing?: () => void): SocketHandle & { pings: number[]; terminations: number[] } {
  const pings: number[] = [];
  const terminations: number[] = [];
  return {
    pings,
    terminations,
    ping: () => {
      pings.push(now());
      onPing?.();
    },
    terminate: () => {
      terminations.push(now());
    },
  };
}

/** A socket whose peer answers every ping with a pong `pongAfterMs` later; the test emits `open` on `events`. */
function pongingSocket(scheduler: SchedulerLike, pongAfterMs: number) {
  const events = new Subject<SocketEvent>();
  const handle = recordingHandle(
    () => scheduler.now(),
    () => scheduler.schedule(() => { events.next({ kind: 'pong', at: scheduler.now() }); }, pongAfterMs),
  );
  const open: SocketEvent = { kind: 'open', at: 0, url: 'wss://pbx/ipxapi', handle };
  return { events, handle, open };
}

const frame = (at: number): SocketEvent => ({ kind: 'frame', frame: { at, data: Buffer.from('{}'), isBinary: false } });
const timeoutError = new SocketError('HEARTBEAT_TIMEOUT', 'no frame and no pong within 300 ms of a ping', 'transient', 'heartbeat-timeout');

describe('heartbeat', () => {
  it('open, then silence: ping at 400, nothing received by 700 → terminate and error at 700', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions, scheduler }) => {
      const handle = recordingHandle(() => scheduler.now());
      const open: SocketEvent = { kind: 'open', at: 0, url: 'wss://pbx/ipxapi', handle };
      //  events:  o (then nothing, the TCP connection stays up: half-open)
      //  pings:   400ms p
      //  result:  o at 0, # at 400 + 300
      const events = cold<SocketEvent>('o', { o: open });
      const result = events.pipe(heartbeat({ intervalMs: 400, timeoutMs: 300 }));
      expectObservable(result).toBe('o 699ms #', { o: open }, timeoutError);
      expectSubscriptions(events.subscriptions).toBe('^ 699ms !');
      return () => {
        expect(handle.pings).toEqual([400]);
        expect(handle.terminations).toEqual([700]);
      };
    })();
  });

  it('received frames keep the socket alive; pings continue every interval', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const handle = recordingHandle(() => scheduler.now());
      const open: SocketEvent = { kind: 'open', at: 0, url: 'wss://pbx/ipxapi', handle };
      // A frame every 250 ms: each ping (400, 800, 1200) sees a frame within its 300 ms window.
      const events = cold<SocketEvent>('o 249ms f 249ms f 249ms f 249ms f 249ms f 249ms f', { o: open, f: frame(0) });
      const result = events.pipe(heartbeat({ intervalMs: 400, timeoutMs: 300 }));
      expectObservable(result, '^ 1400ms !').toBe('o 249ms f 249ms f 249ms f 249ms f 249ms f', { o: open, f: frame(0) });
      return () => {
        expect(handle.pings).toEqual([400, 800, 1200]);
        expect(handle.terminations).toEqual([]);
      };
    })();
  });

  it('pongs count as liveness: a peer that answers every ping (50 ms later) is never terminated', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const { events, handle, open } = pongingSocket(scheduler, 50);
      const kinds: Observable<string> = events.pipe(
        heartbeat({ intervalMs: 400, timeoutMs: 300 }),
        map((e) => e.kind.charAt(0)), // o = open, p = pong
      );
      // Subscribe first, then the socket opens at 0.
      expectObservable(kinds, '^ 1300ms !').toBe('o 449ms p 399ms p 399ms p');
      scheduler.schedule(() => { events.next(open); }, 0);
      return () => {
        expect(handle.pings).toEqual([400, 800, 1200]);
        expect(handle.terminations).toEqual([]);
      };
    })();
  });

  it('a pong that comes too late does not save the socket (timeout 300, pong after 350)', () => {
    runMarbles(({ expectObservable, scheduler }) => {
      const { events, handle, open } = pongingSocket(scheduler, 350);
      expectObservable(events.pipe(heartbeat({ intervalMs: 400, timeoutMs: 300 })), '^ 2000ms !').toBe('o 699ms #', { o: open }, timeoutError);
      scheduler.schedule(() => { events.next(open); }, 0);
      return () => {
        expect(handle.terminations).toEqual([700]);
      };
    })();
  });

  it('stops its timers when the source errors or is unsubscribed (no ping after teardown)', () => {
    runMarbles(({ cold, expectObservable, scheduler }) => {
      const handle = recordingHandle(() => scheduler.now());
      const open: SocketEvent = { kind: 'open', at: 0, url: 'wss://pbx/ipxapi', handle };
      const events = cold<SocketEvent>('o 299ms #', { o: open });
      expectObservable(events.pipe(heartbeat({ intervalMs: 400, timeoutMs: 300 })), '^ 5s !').toBe('o 299ms #', { o: open });
      return () => {
        expect(handle.pings).toEqual([]);
      };
    })();
  });
});
