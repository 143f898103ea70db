import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineSplitter, type MetricRecorder } from './app-metrics.ts';

/** Bytes read from RUNLENS_METRIC_FILE at most per poll, and over the whole run. */
const MAX_READ_PER_POLL = 1 << 20;
export const MAX_FILE_BYTES = 64 << 20;

/**
 * Follows the file the app appends `name value` lines to (RUNLENS_METRIC_FILE): each poll reads
 * what was appended since the last one, bounded per poll and per run. A missing file is no
 * error (the app may never write one); a file cut shorter is read again from its new end.
 */
export class MetricFileTail {
  private offset = 0;
  private readonly lines: LineSplitter;
  truncated = false;

  constructor(readonly path: string, recorder: MetricRecorder) {
    this.lines = new LineSplitter((l) => recorder.fileLine(l));
  }

  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) this.offset = size;
      const want = Math.min(size - this.offset, MAX_READ_PER_POLL, MAX_FILE_BYTES - this.offset);
      if (size > MAX_FILE_BYTES) this.truncated = true;
      if (want <= 0) return;
      const buf = Buffer.alloc(want);
      const got = readSync(fd, buf, 0, want, this.offset);
      this.offset += got;
      this.lines.push(buf.subarray(0, got));
    } finally {
      closeSync(fd);
    }
  }

  /** Reads the rest (within the bounds) and the last line without a newline. */
  finish(): void {
    for (let i = 0; i < 64; i++) {
      const before = this.offset;
      this.poll();
      if (this.offset === before) break;
    }
    this.lines.end();
  }
}
