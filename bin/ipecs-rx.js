#!/usr/bin/env node
// The ipecs-rx command. Runs the built library (npm run build makes dist/).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now, so the process ends by itself; this unref'd timer only makes sure a stray handle
// in a host environment cannot keep a finished command alive.
setTimeout(() => process.exit(code), 3000).unref();
