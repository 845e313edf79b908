// Where a checkpoint's text is kept: a file (file-store.ts) for the client and the CLI, the bridge's KV bucket for
// the bridge (src/bridge/kv-checkpoint.ts). The continuity wiring (continuity.ts) only reads and writes text.

/** A place for one checkpoint. */
export interface CheckpointStore {
  /** Names the place in log lines and reports (a file path, `kv:<bucket>/<key>`). */
  readonly name: string;
  /** The stored text, or `undefined` when there is none. Throws when the place cannot be read. */
  load(): string | undefined;
  /** Replaces the stored text atomically (a reader sees the old text or the new, never a mix). */
  save(text: string): void | Promise<void>;
  /** Keeps a text that was rejected (corrupt, foreign) aside, so the next save does not destroy it. Optional. */
  setAside?(): void;
}
