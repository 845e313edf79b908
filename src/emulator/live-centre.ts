// The live centre: paces a CentreModel (centre.ts) on the emulator's clock, simulated seconds = elapsed clock
// seconds × speed. Advancing the clock runs the model forward at once and sends the backlog in order. A warm start
// runs the model unseen to a mid-day instant first (agents logged in, calls ringing, queued and connected) and goes
// live from there with its PBX clock at now; the history is handed to `history` (the SMDR store keeps it), never
// sent. Any instant of the day can be recomputed from the resolved options, since the model is deterministic.

import type { EmulatorClock } from './clock.js';
import { CentreModel, centreStateAt, midDayInstant, resolveCentreOptions, type CentreEvent, type ResolvedCentreOptions } from './centre.js';
import type { CentreInfo, CentreState, GroundTruth, LiveCentreOptions } from './types.js';

/** Simulated seconds of unseen history of `warm: true`: an 08:00 shift start goes live after 11:00. */
export const DEFAULT_WARM_SECONDS = 3 * 3600;

/** Paces a {@link CentreModel} on the emulator's clock. */
export class LiveCentre {
  private readonly model: CentreModel;
  /** The simulated second it went live at. */
  readonly liveFrom: number;
  private timer: NodeJS.Timeout | undefined;
  private clockStart = 0;
  private stoppedAt: number | undefined;
  private readonly unlisten: () => void;

  constructor(
    opts: LiveCentreOptions,
    private readonly clock: EmulatorClock,
    private readonly send: (e: CentreEvent, pbxMs: number) => void,
    history: (e: CentreEvent, pbxMs: number) => void = () => undefined,
  ) {
    const { warm, ...modelOpts } = opts;
    const minWarm = warm === true ? DEFAULT_WARM_SECONDS : typeof warm === 'number' && warm > 0 ? Math.floor(warm) : 0;
    if (minWarm === 0) {
      this.liveFrom = 0;
      this.model = new CentreModel(modelOpts, clock.wall());
    } else {
      // The events (TIME & DATE aside) and the state do not depend on startTime, so the instant found on a probe is
      // the real model's too; startTime then puts that instant at the PBX clock's now.
      const probe = resolveCentreOptions(modelOpts, clock.wall());
      this.liveFrom = midDayInstant(probe, minWarm);
      const startTime = modelOpts.startTime ?? clock.wall() - this.liveFrom * 1000;
      this.model = new CentreModel({ ...modelOpts, startTime });
      for (const e of this.model.advance(this.liveFrom)) history(e, this.pbxTime(e.t));
    }
    this.unlisten = clock.onAdvance(() => {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.tick();
      }
    });
  }

  /** The model's options (seed, speed, startTime, …), every default filled in. */
  get options(): ResolvedCentreOptions {
    return this.model.options;
  }

  /** The PBX instant (epoch ms) of a simulated second. */
  pbxTime(simSeconds: number): number {
    return this.model.options.startTime + simSeconds * 1000;
  }

  private simNow(): number {
    if (this.stoppedAt !== undefined) return this.stoppedAt;
    return this.liveFrom + ((this.clock.monotonic() - this.clockStart) / 1000) * this.model.options.speed;
  }

  start(): void {
    this.clockStart = this.clock.monotonic();
    this.tick();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stoppedAt !== undefined) return;
    const now = this.simNow();
    this.catchUp(now);
    const next = this.model.nextTime();
    const waitMs = ((next - now) / this.model.options.speed) * 1000;
    this.timer = setTimeout(() => { this.tick(); }, Math.min(1000, Math.max(1, waitMs)));
    this.timer.unref();
  }

  private catchUp(now: number): void {
    for (const e of this.model.advance(Math.floor(now))) this.send(e, this.pbxTime(e.t));
  }

  stop(): void {
    if (this.stoppedAt !== undefined) return;
    this.unlisten();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.simNow();
    this.catchUp(now);
    this.stoppedAt = now;
  }

  /** The truth now (events due are sent first), or recomputed at `at`. */
  groundTruth(at?: number): GroundTruth {
    if (at !== undefined) {
      const model = new CentreModel(this.model.options);
      model.advance(Math.floor(at));
      return model.groundTruth(at, false);
    }
    const now = this.simNow();
    if (this.stoppedAt === undefined) this.catchUp(now);
    return this.model.groundTruth(now, this.stoppedAt === undefined);
  }

  /** The state now (events due are sent first), or recomputed at `at`. */
  state(at?: number): CentreState {
    if (at !== undefined) return centreStateAt(this.model.options, at);
    const now = this.simNow();
    if (this.stoppedAt === undefined) this.catchUp(now);
    return this.model.state(now);
  }

  info(): CentreInfo {
    return { running: this.stoppedAt === undefined, options: this.model.options, liveFrom: this.liveFrom, simSeconds: this.simNow() };
  }
}
