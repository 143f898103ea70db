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

const BUF = Buffer.allocUnsafe(64 * 1024);
/** Views of BUF by length, each made once: a read hands one back without allocating. */
const VIEWS: (Buffer | undefined)[] = [];
const viewOf = (length: number): Buffer => (VIEWS[length] ??= BUF.subarray(0, length));

/**
 * Reads a small file from offset 0 into the shared buffer; returns its length. One read
 * usually suffices: /proc's seq files generate their whole text into a read with room for
 * it, and any file reads short only at its end, so a short read is the end. Text past
 * 64 KiB is cut, which no per-process file reaches.
 */
function readInto(fd: number): number {
  let total = 0;
  for (;;) {
    const room = BUF.length - total;
    const n = readSync(fd, BUF, total, room, total);
    total += n;
    if (n < room || total >= BUF.length) return total;
  }
}

/**
 * A small /proc file read with one open, read and close into a shared buffer (no stat and no
 * buffer per read, unlike readFileSync); why not, when it cannot be read. The bytes are a
 * view of that buffer: parse them before the next read.
 */
export function readSmall(path: string): { bytes: Buffer } | { reason: 'gone' | 'denied' } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = errCode(e);
    if (code === 'EACCES' || code === 'EPERM') return { reason: 'denied' };
    if (GONE.has(code) || code === 'EINVAL') return { reason: 'gone' };
    throw e;
  }
  try {
    return { bytes: viewOf(readInto(fd)) };
  } catch {
    return { reason: 'gone' }; // the process exited between open and read (ESRCH)
  } finally {
    closeSync(fd);
  }
}

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

  /**
   * Whole content, or null when the process is gone (then the file is closed). The bytes are
   * a view of a shared buffer: parse them before the next read.
   */
  read(): Buffer | null {
    if (this.fd === null) return null;
    try {
      return viewOf(readInto(this.fd));
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

/** The soft limit on open files, from /proc/self/limits; null when it cannot be read. */
export function openFilesLimit(procRoot = '/proc'): number | null {
  const line = (readText(`${procRoot}/self/limits`) ?? '').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
