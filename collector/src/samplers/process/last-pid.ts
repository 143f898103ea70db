import { readlinkSync } from 'node:fs';
import { KeptOpenFile } from '../../lib/proc-files.ts';

/**
 * The last pid the kernel handed out in our pid namespace: the last field of /proc/loadavg
 * (`idr_get_cursor(&task_active_pid_ns(current)->idr) - 1`). Every new process or thread takes
 * a pid, in its own namespace and in every namespace above it, so while this number stands
 * still no task was created here and the previous /proc listing, less the processes that have
 * gone since, is still the listing.
 */
export class LastPidWatch {
  private file: KeptOpenFile | null | undefined;
  private last = -1;

  constructor(private readonly loadavgPath: string) {}

  /**
   * Whether a task may have been created since the previous call: true when the last pid
   * moved, on the first call, and whenever loadavg cannot be read or parsed.
   */
  moved(): boolean {
    this.file ??= KeptOpenFile.open(this.loadavgPath);
    const bytes = this.file?.read() ?? null;
    const pid = bytes === null ? -1 : lastNumber(bytes);
    const moved = pid < 0 || pid !== this.last;
    this.last = pid;
    return moved;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}

/** The last decimal number of the text (trailing whitespace skipped); -1 when it ends otherwise. */
export function lastNumber(b: Uint8Array): number {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 10 || b[end - 1] === 32)) end--;
  let start = end;
  while (start > 0 && b[start - 1]! >= 48 && b[start - 1]! <= 57) start--;
  if (start === end || end - start > 15) return -1;
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (b[i]! - 48);
  return n;
}

/**
 * Whether `procRoot` shows our own pid namespace (its `self` is our pid). loadavg's last pid
 * counts in the reader's namespace: a /proc of another namespace (a host's /proc mounted into
 * a container) gets processes that never move it, so there the listing is never reused.
 */
export function showsOwnPidNamespace(procRoot: string): boolean {
  try {
    return readlinkSync(`${procRoot}/self`) === String(process.pid);
  } catch {
    return false;
  }
}
