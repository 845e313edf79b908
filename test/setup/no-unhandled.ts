// Fails the suite on any uncaught exception, unhandled rejection or RxJS unhandled error (reliability bar R17).
// This is test harness code: the library itself registers no process handlers.
import { config } from 'rxjs';
import { afterAll } from 'vitest';

const problems: string[] = [];
const record = (kind: string) => (err: unknown) => {
  problems.push(`${kind}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
};
process.on('uncaughtException', record('uncaughtException'));
process.on('unhandledRejection', record('unhandledRejection'));
config.onUnhandledError = record('rxjs onUnhandledError');

afterAll(() => {
  if (problems.length > 0) throw new Error(`unhandled errors during this file:\n${problems.join('\n')}`);
});
