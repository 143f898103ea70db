import { basename } from 'node:path';

/**
 * An application's command fingerprint: the executable and the names of its options,
 * without their values, so `solver --steps 100 in.dat` and `solver --steps 200 b.dat`
 * are one app, while `solver --restart` is another mode of it.
 */
export function commandFingerprint(cmd: string): string {
  const words = cmd.trim().split(/\s+/).filter(Boolean);
  const exe = basename(words[0] ?? '');
  const flags = words.slice(1).filter((w) => w.startsWith('-')).map((w) => w.replace(/=.*$/, '')).sort();
  return [exe, ...new Set(flags)].join(' ');
}
