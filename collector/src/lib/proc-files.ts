import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const GONE = new Set(['ENOENT', 'ESRCH', 'ENOTDIR']);

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
}

/** Read a small text file; null when it does not exist (a vanished PID, absent device). */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    const code = errCode(e);
    if (GONE.has(code) || code === 'EACCES' || code === 'EPERM' || code === 'EINVAL') return null;
    throw e;
  }
}

/** Why a read failed, for callers that report denied vs vanished differently. */
export function readTextOrReason(path: string): { text: string } | { reason: 'gone' | 'denied' } {
  try {
    return { text: readFileSync(path, 'latin1') };
  } catch (e) {
    const code = errCode(e);
    if (code === 'EACCES' || code === 'EPERM') return { reason: 'denied' };
    if (GONE.has(code) || code === 'EINVAL') return { reason: 'gone' };
    throw e;
  }
}

const BUF = Buffer.allocUnsafe(64 * 1024);

/**
 * A /proc file kept open between ticks: pread at offset 0 re-generates the content,
 * which costs about a third of open+read+close. A vanished process makes the read
 * fail with ESRCH; the caller then closes the file.
 */
export class KeptOpenFile {
  private fd: number | null;

  private constructor(fd: number) {
    this.fd = fd;
  }

  static open(path: string): KeptOpenFile | null {
    try {
      return new KeptOpenFile(openSync(path, 'r'));
    } catch {
      return null;
    }
  }

  /** Whole content, or null when the process is gone (then the file is closed). */
  read(): string | null {
    if (this.fd === null) return null;
    try {
      let total = 0;
      for (;;) {
        const n = readSync(this.fd, BUF, total, BUF.length - total, total);
        if (n === 0 || total + n >= BUF.length) return BUF.toString('latin1', 0, total + n);
        total += n;
      }
    } catch {
      this.close();
      return null;
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      /* already gone */
    }
    this.fd = null;
  }
}
