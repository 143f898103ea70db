import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real, small filesystem (tmpfs) that a test can fill up and free again. */
export interface SmallDisk {
  readonly dir: string;
  availableBytes(): number;
  /** Writes a filler file until at most `leaveBytes` are free (ENOSPC ends it early). */
  fill(leaveBytes: number): void;
  /** Removes every filler file. */
  free(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeMiB`; returns why not (e.g. not root, no CAP_SYS_ADMIN) instead of throwing. */
export function mountSmallDisk(sizeMiB: number): SmallDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a ${sizeMiB} MiB tmpfs here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  let fillers = 0;
  const availableBytes = (): number => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir, availableBytes,
    fill(leaveBytes) {
      const fd = openSync(join(dir, `filler-${fillers++}`), 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (let left = availableBytes() - leaveBytes; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
    },
    free() {
      for (let i = 0; i < fillers; i++) rmSync(join(dir, `filler-${i}`), { force: true });
    },
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // chDB may still hold a file open
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
