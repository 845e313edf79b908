// The live centre: paces a CentreModel (centre.ts) on the emulator's clock, simulated seconds = elapsed clock
// seconds × speed. Advancing the clock runs the model forward at once and sends the backlog in order.

import type { EmulatorClock } from './clock.js';
import { CentreModel, type CentreEvent } from './centre.js';
import type { CentreOptions, GroundTruth } from './types.js';

/** Paces a {@link CentreModel} on the emulator's clock. */
export class LiveCentre {
  private readonly model: CentreModel;
  private timer: NodeJS.Timeout | undefined;
  private clockStart = 0;
  private stoppedAt: number | undefined;
  private readonly unlisten: () => void;

  constructor(
    opts: CentreOptions,
    private readonly clock: EmulatorClock,
    private readonly send: (e: CentreEvent) => void,
  ) {
    this.model = new CentreModel(opts, clock.wall());
    this.unlisten = clock.onAdvance(() => {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.tick();
      }
    });
  }

  /** The model's options (seed, speed, startTime, …), every default filled in. */
  get options(): CentreModel['options'] {
    return this.model.options;
  }

  private simNow(): number {
    if (this.stoppedAt !== undefined) return this.stoppedAt;
    return ((this.clock.monotonic() - this.clockStart) / 1000) * this.model.options.speed;
  }

  start(): void {
    this.clockStart = this.clock.monotonic();
    this.tick();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stoppedAt !== undefined) return;
    const now = this.simNow();
    for (const e of this.model.advance(Math.floor(now))) this.send(e);
    const next = this.model.nextTime();
    const waitMs = ((next - now) / this.model.options.speed) * 1000;
    this.timer = setTimeout(() => { this.tick(); }, Math.min(1000, Math.max(1, waitMs)));
    this.timer.unref();
  }

  stop(): void {
    if (this.stoppedAt !== undefined) return;
    this.unlisten();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.simNow();
    for (const e of this.model.advance(Math.floor(now))) this.send(e);
    this.stoppedAt = now;
  }

  groundTruth(): GroundTruth {
    const now = this.simNow();
    if (this.stoppedAt === undefined) for (const e of this.model.advance(Math.floor(now))) this.send(e);
    return this.model.groundTruth(now, this.stoppedAt === undefined);
  }
}
