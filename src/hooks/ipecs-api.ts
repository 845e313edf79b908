// The legacy callback API of the original README, as a thin shim over connect(): every hook is a subscription
// to a stream of the client. It computes nothing; payloads come from metrics/legacy.ts.

import { map, type Observable, type Subscription } from 'rxjs';
import { connect, type IpecsClient } from '../client.js';
import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load.js';
import { defaultConfigPath } from '../config/default-path.js';
import { loadResources, type Messages } from '../config/resources.js';
import type { Logger } from '../logging/logger.js';
import { createLogger } from '../logging/winston-logger.js';
import type { ChangeKind } from '../metrics/types.js';
import { legacyHookPayload, toLegacySummary, type LegacySummary, type LegacyHookPayload } from '../metrics/legacy.js';

/** A legacy hook: called with a plain payload object. Its return value is ignored; a throw is logged and contained. */
export type LegacyHook<P> = (payload: P) => void;

/** The summary hook and one hook per per-event stream (metrics.md §5). */
type HookKind = 'event' | ChangeKind;

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
  /** The language resource messages. */
  readonly messages: Messages;
  private readonly logger: Logger & { close(): Promise<void> };
  private readonly hooks = new Map<HookKind, LegacyHook<never>[]>();
  private client: IpecsClient | undefined;
  private subscription: Subscription | undefined;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;

  /**
   * Loads the configuration file (default `res/ipecs.conf` of the install folder), the language and commands
   * resource files, and starts the logger named `log_id`.
   * @throws ConfigError naming the file, the key and what was expected, when anything is wrong.
   */
  constructor(f_name?: string, log_id = 'iPECsAPI') {
    this.config = loadConfigFile(f_name ?? defaultConfigPath()).config;
    this.messages = loadResources(this.config).messages;
    this.logger = createLogger({ label: log_id, ...this.config.log, secrets: [this.config.server.password] });
  }

  /** Called with the whole summary under the seed's keys (`stations-connected`, …) after every change. */
  addEventHook(fn: LegacyHook<LegacySummary>): void {
    this.add('event', fn);
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
      // A fatal connection error ends every stream with it: connectAPI() then rejects with that error.
      const dispatch = <P>(kind: HookKind, source$: Observable<P>) =>
        source$.subscribe({
          next: (payload) => {
            this.call(kind, payload);
          },
          error: (err: unknown) => {
            void this.finish(err);
          },
        });
      const sub = dispatch('event', client.summary$.pipe(map(toLegacySummary)));
      sub.add(dispatch('newCall', client.newCall$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('callDisconnected', client.callDisconnected$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('callAnswered', client.callAnswered$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('callWaiting', client.callWaiting$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('agentLoggedIn', client.agentLoggedIn$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('agentLoggedOut', client.agentLoggedOut$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('stationConnected', client.stationConnected$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('stationDisconnected', client.stationDisconnected$.pipe(map(legacyHookPayload))));
      sub.add(dispatch('stationBusy', client.stationBusy$.pipe(map(legacyHookPayload))));
      // A fatal connection error ends connectAPI() with that error.
      sub.add(
        client.connection$.subscribe({
          error: (err: unknown) => {
            void this.finish(err);
          },
        }),
      );
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

  private add(kind: HookKind, fn: LegacyHook<never>): void {
    const list = this.hooks.get(kind) ?? [];
    list.push(fn);
    this.hooks.set(kind, list);
  }

  // Each hook runs in its own try/catch: one that throws is logged and neither the other hooks nor the stream notice.
  private call(kind: HookKind, payload: unknown): void {
    for (const hook of this.hooks.get(kind) ?? []) {
      try {
        (hook as LegacyHook<unknown>)(payload);
      } catch (err: unknown) {
        this.logger.error(this.messages.format('hooks.hook-threw', kind, err instanceof Error ? err.message : String(err)));
      }
    }
  }
}

/** The original (lower-case) name of the class, as the seed's README spells it. */
export { IpecsAPI as ipecsAPI };
