import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Resolve a command like the shell does, without running it; null when not found. */
export function findOnPath(cmd: string, pathList: string | undefined): string | null {
  const candidates = isAbsolute(cmd) || cmd.includes('/') ? [cmd] : (pathList ?? '').split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* not here */
    }
  }
  return null;
}
