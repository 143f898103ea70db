// Peers are Debian packages; a benchmark installs what it needs, so `npm run bench` works on a fresh machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

/**
 * Installs `pkg` with apt-get unless `probe` (a file the package ships) already exists.
 * Runs `apt-get update` only when the first try fails; services stay unstarted where policy-rc.d says so.
 */
export function ensureDebianPackage(pkg: string, probe: string): void {
  if (existsSync(probe)) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): void => void execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'inherit', env });
  log(`installing ${pkg} with apt-get`);
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    install();
  }
  if (!existsSync(probe)) throw new Error(`${probe} still missing after apt-get install ${pkg}`);
}

/** First line of `bin args`, for the results file; '' if the binary will not say. */
export function versionOf(bin: string, args: readonly string[] = ['--version']): string {
  try {
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]?.trim() ?? '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.split('\n')[0]?.trim() ?? '';
  }
}
