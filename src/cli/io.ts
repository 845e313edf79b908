// The CLI's view of the terminal, so commands can be run from tests with captured output.

/** Output and stop signal of a CLI command. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTTY: boolean;
  /** Registers a callback for Ctrl-C / SIGTERM. */
  readonly onStop: (fn: () => void) => void;
}

/** The process's own terminal. Only the CLI touches process signals; the library never does. */
export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    isTTY: process.stdout.isTTY,
    onStop: (fn) => {
      process.once('SIGINT', fn);
      process.once('SIGTERM', fn);
    },
  };
}
