import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { OutgoingMessage } from '@runlens/pipeline';

export interface SpooledBatch {
  readonly file: string;
  readonly topic: string;
  readonly messages: OutgoingMessage[];
}

interface Header {
  readonly topic: string;
  readonly messages: { key: string; headers: Record<string, string>; bytes: number }[];
}

/**
 * A bounded on-disk FIFO of bus batches. One file per batch: a JSON header line, then the
 * message bodies back to back. Files are written to a temp name and renamed, so a crash
 * never leaves half a batch. When the spool exceeds `maxBytes`, the oldest batches go.
 */
export class DiskSpool {
  private seq: number;
  private bytes = 0;
  dropped = 0;

  constructor(private readonly dir: string, private readonly maxBytes: number) {
    mkdirSync(dir, { recursive: true });
    const files = this.files();
    this.seq = files.length > 0 ? Number.parseInt(files[files.length - 1] ?? '0', 10) + 1 : 0;
    for (const f of files) this.bytes += statSync(join(dir, f)).size;
  }

  get size(): number {
    return this.files().length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Appends a batch; returns how many old batches were dropped to stay within the bound. */
  append(topic: string, messages: readonly OutgoingMessage[]): number {
    const header: Header = { topic, messages: messages.map((m) => ({ key: m.key, headers: { ...m.headers }, bytes: m.value.byteLength })) };
    const body = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), ...messages.map((m) => Buffer.from(m.value))]);
    const name = `${String(this.seq++).padStart(16, '0')}.batch`;
    writeFileSync(join(this.dir, `${name}.tmp`), body);
    renameSync(join(this.dir, `${name}.tmp`), join(this.dir, name));
    this.bytes += body.length;
    let dropped = 0;
    for (const f of this.files()) {
      if (this.bytes <= this.maxBytes || f === name) break;
      this.remove(f);
      dropped++;
    }
    this.dropped += dropped;
    return dropped;
  }

  /** The oldest batch, or null when empty. A corrupt file is removed and skipped. */
  peek(): SpooledBatch | null {
    for (const file of this.files()) {
      const parsed = parseBatch(readFileSync(join(this.dir, file)));
      if (parsed) return { file, ...parsed };
      this.remove(file);
    }
    return null;
  }

  remove(file: string): void {
    const p = join(this.dir, file);
    try {
      this.bytes -= statSync(p).size;
      rmSync(p);
    } catch {
      /* already gone */
    }
  }

  private files(): string[] {
    return readdirSync(this.dir).filter((f) => f.endsWith('.batch')).sort();
  }
}

function parseBatch(buf: Buffer): { topic: string; messages: OutgoingMessage[] } | null {
  const nl = buf.indexOf(10);
  if (nl < 0) return null;
  try {
    const h = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Header;
    let at = nl + 1;
    const messages = h.messages.map((m) => {
      const value = new Uint8Array(buf.subarray(at, at + m.bytes));
      at += m.bytes;
      return { key: m.key, headers: m.headers, value };
    });
    return at === buf.length ? { topic: h.topic, messages } : null;
  } catch {
    return null;
  }
}
