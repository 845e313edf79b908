// The legacy callback API of the original README, as a thin shim over connect(): every hook is a subscription
// to a stream of the client. It computes nothing; payloads come from metrics/legacy.ts and connection-payload.ts.
// Every hook gets the seed's payload first (unchanged) and, second, what caused it and when.

import { Subscription, asyncScheduler, type Observable } from 'rxjs';
import { connect, type IpecsClient } from '../client.js';
import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load.js';
import { defaultConfigPath } from '../config/default-path.js';
import { loadResources, type Messages } from '../config/resources.js';
import type { Logger } from '../logging/logger.js';
import { createLogger } from '../logging/winston-logger.js';
import type { AcdEvent } from '../protocol/acd-event.js';
import type { ConnectionState } from '../socket/types.js';
import type { ChangeKind } from '../metrics/types.js';
import { legacyHookPayload, toLegacySummary, type LegacySummary, type LegacyHookPayload } from '../metrics/legacy.js';
import type { ChangeOfKind } from '../streams/event-streams.js';
import { connectionPayload, fatalPayload, type LegacyConnectionPayload } from './connection-payload.js';

/** What caused a hook call, its second argument: the event (`E`) and its instant (scheduler ms). */
export interface HookCause<E> {
  /** The ACD event, the connection state or the fatal error; `undefined` for a summary after a tick or a reset. */
  readonly event: E;
  readonly at: number;
}

/**
 * A legacy hook: called with a plain payload object (the seed's, unchanged) and what caused it. Its return value is
 * ignored; a throw is logged and contained. A seed-style `(payload) => …` callback fits as it is.
 */
export type LegacyHook<P, E = AcdEvent> = (payload: P, cause: HookCause<E>) => void;

/** The summary hook, one hook per per-event stream (metrics.md §5) and the connection hook. */
type HookKind = 'event' | 'connection' | ChangeKind;

/**
 * The original wrapper's API, kept for code written against its README.
 *
 * New code should prefer {@link connect} and its streams (`summary$`, `newCall$`, …): this class is a thin shim
 * over them, kept so that programs written for the original wrapper run unchanged.
 *
 * @example
 * ```ts
 * const api = new IpecsAPI('res/ipecs.conf', 'iPECsAPI');
 * api.addEventHook((summary) => wallboard.update(summary['total-inbound-calls']));
 * api.addNewCallHook((p) => crm.notify(p['Total Calls']));
 * await api.connectAPI(); // settles when shutdown() is called
 * ```
 */
export class IpecsAPI {
  /** The effective configuration. */
  readonly config: Config;
  /**
   * The configuration's warnings (unknown keys, a password file others can read, `tls.insecure`), each naming the
   * file and key. Also logged at `warn` when the API is created.
   */
  readonly warnings: readonly string[];
  /** The language resource messages. */
  readonly messages: Messages;
  private readonly logger: Logger & { close(): Promise<void> };
  private readonly hooks = new Map<HookKind, LegacyHook<never, never>[]>();
  private client: IpecsClient | undefined;
  private subscription: Subscription | undefined;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  /**
   * Loads the configuration file (default `res/ipecs.conf` of the install folder), the language and commands
   * resource files, and starts the logger named `log_id`.
   * @throws ConfigError naming the file, the key and what was expected, when anything is wrong.
   */
  constructor(f_name?: string, log_id = 'iPECsAPI') {
    const loaded = loadConfigFile(f_name ?? defaultConfigPath());
    this.config = loaded.config;
    this.warnings = loaded.warnings;
    this.messages = loadResources(this.config).messages;
    this.logger = createLogger({ label: log_id, ...this.config.log, secrets: [this.config.server.password] });
    for (const w of this.warnings) this.logger.warn(w);
  }

  /**
   * Called with the whole summary under the seed's keys (`stations-connected`, …) after every change; the cause is
   * the event after which it was taken (`undefined` after a tick or a reset).
   */
  addEventHook(fn: LegacyHook<LegacySummary, AcdEvent | undefined>): void {
    this.add('event', fn);
  }

  /**
   * Called with the connection's state as it changes, so a host can tell "no calls" from "not connected":
   * `{state: 'open', url}`, `{state: 'backoff', attempt, delayMs, cause, detail}` (reconnecting, and why), `{state:
   * 'gap', from, to}` (events in that interval were not seen) and `{state: 'fatal', code, error}` (the client
   * stopped; `connectAPI()` rejects). The cause is the connection state (or the fatal error).
   */
  addConnectionHook(fn: LegacyHook<LegacyConnectionPayload, ConnectionState | Error>): void {
    this.add('connection', fn);
  }
  /** `{"Total Calls": n}` when an inbound call is created. */
  addNewCallHook(fn: LegacyHook<LegacyHookPayload<'newCall'>>): void {
    this.add('newCall', fn);
  }
  /** `{"Active Calls": n}` when a call ends. */
  addCallDisconnectedHook(fn: LegacyHook<LegacyHookPayload<'callDisconnected'>>): void {
    this.add('callDisconnected', fn);
  }
  /** `{"Answered Calls": n}` when an inbound call is answered. */
  addCallAnsweredHook(fn: LegacyHook<LegacyHookPayload<'callAnswered'>>): void {
    this.add('callAnswered', fn);
  }
  /** `{"Calls In Queue": n}` when a call enters a queue. */
  addCallWaitingHook(fn: LegacyHook<LegacyHookPayload<'callWaiting'>>): void {
    this.add('callWaiting', fn);
  }
  /** `{"Agents Logged In": n}` when an agent logs in. */
  addAgentLoggedInHook(fn: LegacyHook<LegacyHookPayload<'agentLoggedIn'>>): void {
    this.add('agentLoggedIn', fn);
  }
  /** `{"Agents Logged In": n}` when an agent logs out. */
  addAgentLoggedOutHook(fn: LegacyHook<LegacyHookPayload<'agentLoggedOut'>>): void {
    this.add('agentLoggedOut', fn);
  }
  /** `{"Stations connected": n}` when a station enters service. */
  addStationConnectedHook(fn: LegacyHook<LegacyHookPayload<'stationConnected'>>): void {
    this.add('stationConnected', fn);
  }
  /** `{"Stations connected": n}` when a station leaves service. */
  addStationDisconnectedHook(fn: LegacyHook<LegacyHookPayload<'stationDisconnected'>>): void {
    this.add('stationDisconnected', fn);
  }
  /** `{"Busy Stations": n}` when a station goes from idle to busy. */
  addStationBusyHook(fn: LegacyHook<LegacyHookPayload<'stationBusy'>>): void {
    this.add('stationBusy', fn);
  }

  /**
   * Logs in, opens the socket and keeps listening. The Promise resolves when {@link IpecsAPI.shutdown} is called
   * and rejects if the client stops on a fatal error (wrong credentials, missing licence).
   */
  connectAPI(): Promise<void> {
    if (this.client) return Promise.reject(new Error(this.messages.format('hooks.already-connected')));
    const client = connect(this.config, { logger: this.logger, env: {} });
    this.client = client;
    return new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      // A fatal error (wrong credentials, missing licence) ends the client's data streams (connection$ only says
      // `closed`): it is reported once, by the connection hook and the rejection, from the summary stream; the
      // per-event streams ignore it. A root Subscription holds them side by side, so one ending ends no other.
      const fatal = (err: unknown): void => {
        const at = asyncScheduler.now();
        this.call('connection', fatalPayload(err, at), { event: err instanceof Error ? err : new Error(String(err)), at });
        void this.finish(err);
      };
      const perEvent = <K extends ChangeKind>(kind: K, source$: Observable<ChangeOfKind<K>>): Subscription =>
        source$.subscribe({
          next: (change) => {
            this.call(kind, legacyHookPayload(change), { event: change.event, at: change.event.at });
          },
          error: () => undefined,
        });
      const sub = new Subscription();
      sub.add(
        client.connection$.subscribe({
          next: (state) => {
            const payload = connectionPayload(state);
            if (payload !== undefined) this.call('connection', payload, { event: state, at: state.at });
          },
          error: () => undefined,
        }),
      );
      sub.add(
        client.summaryUpdates$.subscribe({
          next: (u) => {
            this.call('event', toLegacySummary(u.summary), { event: u.event, at: u.at });
          },
          error: fatal,
        }),
      );
      sub.add(perEvent('newCall', client.newCall$));
      sub.add(perEvent('callDisconnected', client.callDisconnected$));
      sub.add(perEvent('callAnswered', client.callAnswered$));
      sub.add(perEvent('callWaiting', client.callWaiting$));
      sub.add(perEvent('agentLoggedIn', client.agentLoggedIn$));
      sub.add(perEvent('agentLoggedOut', client.agentLoggedOut$));
      sub.add(perEvent('stationConnected', client.stationConnected$));
      sub.add(perEvent('stationDisconnected', client.stationDisconnected$));
      sub.add(perEvent('stationBusy', client.stationBusy$));
      this.subscription = sub;
    });
  }

  /** Logs out, closes the socket and settles the Promise of {@link IpecsAPI.connectAPI}. Idempotent. */
  async shutdown(): Promise<void> {
    await this.finish(undefined);
  }

  private async finish(error: unknown): Promise<void> {
    const client = this.client;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    if (client) await client.close();
    const settle = this.settle;
    this.settle = undefined;
    if (settle) {
      if (error === undefined) settle.resolve();
      else settle.reject(error);
    }
    await this.logger.close();
  }

  private add(kind: HookKind, fn: LegacyHook<never, never>): void {
    const list = this.hooks.get(kind) ?? [];
    list.push(fn);
    this.hooks.set(kind, list);
  }

  // Each hook runs in its own try/catch: one that throws is logged and neither the other hooks nor the stream notice.
  private call(kind: HookKind, payload: unknown, cause: HookCause<unknown>): void {
    for (const hook of this.hooks.get(kind) ?? []) {
      try {
        (hook as LegacyHook<unknown, unknown>)(payload, cause);
      } catch (err: unknown) {
        this.logger.error(this.messages.format('hooks.hook-threw', kind, err instanceof Error ? err.message : String(err)));
      }
    }
  }
}

/** The original (lower-case) name of the class, as the seed's README spells it. */
export { IpecsAPI as ipecsAPI };
