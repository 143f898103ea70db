import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parseKmsgRecord } from './record.ts';
import type { KernelRecord } from './record.ts';

/** The kernel's largest record (CONSOLE_EXT_LOG_MAX); a smaller buffer makes read() fail with EINVAL. */
const RECORD_BUF = 8192;
/** Enough to skip any ring buffer (log_buf_len ≤ 2^25 bytes, records ≥ ~40 bytes) without looping forever. */
const MAX_SKIP = 1_000_000;

export interface KmsgBatch {
  readonly records: KernelRecord[];
  /** Records the kernel overwrote before we read them (EPIPE and sequence gaps). */
  readonly lost: number;
}

const codeOf = (e: unknown): string => (e instanceof Error && 'code' in e ? String(e.code) : 'UNKNOWN');

/**
 * /dev/kmsg, opened non-blocking: one read() returns one record, EAGAIN means caught up and
 * EPIPE means the ring buffer overwrote records we had not read (the next read resumes at the
 * oldest one left). Node has no lseek, so "start at the end" is a skip-read to EAGAIN at open.
 */
export class KmsgReader {
  private readonly buf = Buffer.alloc(RECORD_BUF);
  private lastSeq: number | null = null;

  private constructor(private readonly fd: number) {}

  /** The reader, or the errno that stopped it (EACCES/EPERM: needs CAP_SYSLOG under dmesg_restrict). */
  static open(path: string): KmsgReader | { error: string } {
    try {
      const r = new KmsgReader(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
      r.skipToEnd();
      return r;
    } catch (e) {
      return { error: codeOf(e) };
    }
  }

  private skipToEnd(): void {
    for (let i = 0; i < MAX_SKIP; i++) {
      const raw = this.readOne();
      if (raw === null) return;
      if (raw === 'lost') continue;
      const rec = parseKmsgRecord(raw, 64);
      if (rec) this.lastSeq = rec.seq;
    }
  }

  /** One record's text, 'lost' on EPIPE, null when caught up. Other errors are thrown (the device went away). */
  private readOne(): string | 'lost' | null {
    try {
      const n = readSync(this.fd, this.buf, 0, RECORD_BUF, null);
      return n === 0 ? null : this.buf.toString('utf8', 0, n);
    } catch (e) {
      const code = codeOf(e);
      if (code === 'EAGAIN') return null;
      if (code === 'EPIPE') return 'lost';
      throw e;
    }
  }

  /** Up to maxRecords new records; the rest wait in the kernel for the next call. */
  read(maxRecords: number, maxTextChars: number): KmsgBatch {
    const records: KernelRecord[] = [];
    let lost = 0;
    let epipe = false;
    while (records.length < maxRecords) {
      const raw = this.readOne();
      if (raw === null) break;
      if (raw === 'lost') { epipe = true; continue; }
      const rec = parseKmsgRecord(raw, maxTextChars);
      if (!rec) continue;
      if (this.lastSeq !== null && rec.seq > this.lastSeq + 1) lost += rec.seq - this.lastSeq - 1;
      else if (epipe) lost += 1; // overwritten, but the gap is unknown (seq reset): count at least one
      epipe = false;
      this.lastSeq = rec.seq;
      records.push(rec);
    }
    return { records, lost };
  }

  close(): void {
    try { closeSync(this.fd); } catch { /* already closed */ }
  }
}
