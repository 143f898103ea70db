import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HeldLock {
  /** The pid written in owner.pid: the live process holding the lock. */
  readonly pid: number;
  release(): Promise<void>;
}

/**
 * Another process that owns a data dir, as a live `runlens up` would: it holds the kernel
 * lock on `owner.pid` (a pid written into the file without the lock no longer owns anything).
 */
export async function holdDataDirLock(dataDir: string): Promise<HeldLock> {
  const lock = join(dataDir, 'owner.pid');
  const child = spawn('flock', ['--exclusive', lock, 'sh', '-c', `echo $$ > '${lock}'; exec sleep 600`], { detached: true, stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = existsSync(lock) ? Number.parseInt(readFileSync(lock, 'utf8'), 10) : Number.NaN;
    if (Number.isInteger(pid) && pid > 0) {
      return { pid, release: async () => { process.kill(-(child.pid ?? 0), 'SIGKILL'); await exited; } };
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`could not hold ${lock}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
