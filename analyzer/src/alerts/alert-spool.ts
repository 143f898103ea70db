import { closeSync, existsSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert } from './alert.ts';

/** An undelivered notification: the newest version of one alert, and since when its key has waited. */
export interface SpooledAlert {
  readonly seq: number;
  readonly key: string;
  /** When this key first went undelivered (a newer version of it keeps the older time). */
  readonly sinceMs: number;
  readonly alert: Alert;
}

export interface AlertSpoolOptions {
  /** The journal file; null keeps the queue in memory only (nothing survives a restart). */
  readonly file: string | null;
  readonly maxCount: number;
  readonly maxBytes: number;
}

interface Live extends SpooledAlert { readonly bytes: number }

/** One journal line: a put (`p` is its sequence number) or the sequence numbers done with (delivered, refused or dropped). */
type JournalLine = { p: number; k: string; t: number; a: Alert } | { d: number[] };

/** Rewrite the journal once its dead lines outweigh the live ones by this much. */
const COMPACT_SLACK_BYTES = 64 * 1024;

/**
 * One receiver's undelivered alerts, keyed like the alert book (a newer version of an alert
 * replaces the older one: the receiver needs only the latest state). On disk it is an
 * append-only JSON-lines journal, fsync'd per append before the caller goes on, so what the
 * forwarder has taken off the bus survives kill -9. Bounded by count and bytes; beyond either,
 * the oldest go and are counted. A torn last line (a crash mid-append) is skipped on load, and
 * every load rewrites the journal, so it never grows past one compaction.
 */
export class AlertSpool {
  private readonly live = new Map<string, Live>();
  private seq = 0;
  private liveBytes = 0;
  private fileBytes = 0;
  private fd: number | null = null;
  /** Alerts dropped to stay within the bounds since this process opened the spool. */
  dropped = 0;

  constructor(private readonly o: AlertSpoolOptions) {
    if (o.file === null) return;
    mkdirSync(dirname(o.file), { recursive: true });
    if (existsSync(o.file)) this.replay(readFileSync(o.file, 'utf8'));
    this.dropOldest();
    this.compact();
  }

  get depth(): number {
    return this.live.size;
  }

  /** Whether the queue is on disk (survives a restart). */
  get durable(): boolean {
    return this.o.file !== null;
  }

  get bytes(): number {
    return this.liveBytes;
  }

  /** When the longest-waiting alert went undelivered, or null when nothing waits. */
  oldestMs(): number | null {
    let oldest: number | null = null;
    for (const e of this.live.values()) oldest = oldest === null ? e.sinceMs : Math.min(oldest, e.sinceMs);
    return oldest;
  }

  /** Oldest first. */
  entries(): SpooledAlert[] {
    return [...this.live.values()];
  }

  /** Queues new versions of alerts, durably; returns how many old ones were dropped to stay in bounds. */
  put(changed: Iterable<readonly [string, Alert]>, nowMs: number): number {
    const lines: string[] = [];
    for (const [key, alert] of changed) {
      const was = this.live.get(key);
      const rec: JournalLine = { p: this.seq++, k: key, t: was?.sinceMs ?? nowMs, a: alert };
      const line = `${JSON.stringify(rec)}\n`;
      this.remove(key);
      this.add({ seq: rec.p, key, sinceMs: rec.t, alert, bytes: Buffer.byteLength(line) });
      lines.push(line);
    }
    if (lines.length === 0) return 0;
    const before = this.dropped;
    const gone = this.dropOldest();
    this.append([...lines, ...(gone.length > 0 ? [`${JSON.stringify({ d: gone })}\n`] : [])]);
    return this.dropped - before;
  }

  /** These versions were delivered (or refused for good): a newer version of the same alert stays. */
  done(entries: readonly SpooledAlert[]): void {
    const seqs = entries.filter((e) => this.live.get(e.key)?.seq === e.seq).map((e) => e.seq);
    for (const e of entries) if (this.live.get(e.key)?.seq === e.seq) this.remove(e.key);
    if (seqs.length > 0) this.append([`${JSON.stringify({ d: seqs })}\n`]);
    if (this.fileBytes > 4 * this.liveBytes + COMPACT_SLACK_BYTES) this.compact();
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private replay(text: string): void {
    const byKey = new Map<number, string>();
    for (const line of text.split('\n')) {
      const rec = parseRecord(line);
      if (rec === null) continue;
      if ('d' in rec) {
        for (const s of rec.d) if (this.live.get(byKey.get(s) ?? '')?.seq === s) this.remove(byKey.get(s) ?? '');
        continue;
      }
      byKey.set(rec.p, rec.k);
      this.seq = Math.max(this.seq, rec.p + 1);
      this.remove(rec.k);
      this.add({ seq: rec.p, key: rec.k, sinceMs: rec.t, alert: rec.a, bytes: Buffer.byteLength(`${line}\n`) });
    }
  }

  private add(e: Live): void {
    this.live.set(e.key, e);
    this.liveBytes += e.bytes;
  }

  private remove(key: string): void {
    const e = this.live.get(key);
    if (!e) return;
    this.live.delete(key);
    this.liveBytes -= e.bytes;
  }

  /** Drops the oldest until within bounds (always keeping the newest); returns their sequence numbers. */
  private dropOldest(): number[] {
    const gone: number[] = [];
    for (const e of this.live.values()) {
      if ((this.live.size <= this.o.maxCount && this.liveBytes <= this.o.maxBytes) || this.live.size <= 1) break;
      this.remove(e.key);
      gone.push(e.seq);
    }
    this.dropped += gone.length;
    return gone;
  }

  private append(lines: readonly string[]): void {
    if (this.o.file === null) return;
    this.fd ??= openSync(this.o.file, 'a', 0o600);
    const buf = Buffer.from(lines.join(''));
    writeSync(this.fd, buf);
    fdatasyncSync(this.fd);
    this.fileBytes += buf.length;
  }

  /** Writes the live alerts to a new journal, fsync'd, renamed over the old one, directory fsync'd. */
  private compact(): void {
    const file = this.o.file;
    if (file === null) return;
    this.close();
    const lines = [...this.live.values()].map((e) => `${JSON.stringify({ p: e.seq, k: e.key, t: e.sinceMs, a: e.alert } satisfies JournalLine)}\n`);
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    const buf = Buffer.from(lines.join(''));
    writeSync(fd, buf);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    const dir = openSync(dirname(file), 'r');
    fsyncSync(dir);
    closeSync(dir);
    this.fileBytes = buf.length;
  }
}

function parseRecord(line: string): JournalLine | null {
  if (line.trim() === '') return null;
  try {
    const v = JSON.parse(line) as Partial<{ p: unknown; k: unknown; t: unknown; a: unknown; d: unknown }>;
    if (Array.isArray(v.d) && v.d.every((x) => typeof x === 'number')) return { d: v.d as number[] };
    if (typeof v.p === 'number' && typeof v.k === 'string' && typeof v.t === 'number' && isAlert(v.a)) return { p: v.p, k: v.k, t: v.t, a: v.a };
  } catch {
    /* a torn last line */
  }
  return null;
}

function isAlert(a: unknown): a is Alert {
  if (a === null || typeof a !== 'object') return false;
  const o = a as { [k: string]: unknown };
  return typeof o.labels === 'object' && o.labels !== null && typeof o.annotations === 'object' && o.annotations !== null
    && typeof o.startsAt === 'string' && typeof o.endsAt === 'string' && typeof o.generatorURL === 'string';
}
