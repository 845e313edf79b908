// Where ipecs-rx keeps what it writes on its own (the log file, a bridge's spool): a per-user state folder, never
// the working directory nor the folder of a configuration file (which may be /etc).
//
//   $XDG_STATE_HOME/ipecs-rx        when XDG_STATE_HOME is set (systemd's StateDirectory= can point it anywhere)
//   ~/.local/state/ipecs-rx         otherwise (XDG Base Directory default)
//   %LOCALAPPDATA%\ipecs-rx\state   on Windows

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The per-user state folder (see the file comment). Not created here: whoever writes creates it. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'ipecs-rx');
  if (process.platform === 'win32' && env.LOCALAPPDATA !== undefined) return join(env.LOCALAPPDATA, 'ipecs-rx', 'state');
  return join(homedir(), '.local', 'state', 'ipecs-rx');
}

/** A path in the state folder; an absolute path is returned unchanged. */
export function statePath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return isAbsolute(path) ? path : resolve(stateDir(env), path);
}

/** The default spool folder of `ipecs-rx bridge`: `<state folder>/spool`. */
export function defaultSpoolDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'spool');
}
