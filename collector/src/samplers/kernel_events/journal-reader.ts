import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseJournalLine } from './record.ts';
import type { KmsgBatch } from './kmsg-reader.ts';
import type { KernelRecord } from './record.ts';

/**
 * Fallback: `journalctl -k -f -n 0 -o short-monotonic`, lines queued between ticks. The queue
 * is bounded; lines beyond it are counted as lost. Sequence numbers are the reader's own.
 */
export class JournalReader {
  private readonly queue: KernelRecord[] = [];
  private dropped = 0;
  private seq = 0;
  private exited: string | null = null;

  private constructor(private readonly child: ChildProcess, private readonly maxQueue: number, maxTextChars: number) {
    child.on('error', (e) => { this.exited = e.message; });
    child.on('exit', (code, sig) => { this.exited = `journalctl exited (${sig ?? code})`; });
    if (!child.stdout) return;
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line.slice(0, maxTextChars + 300), maxTextChars));
  }

  /** Null when the binary does not run here (probed with --version, which needs no journal access). */
  static start(bin: string, maxQueue: number, maxTextChars: number): JournalReader | null {
    const probe = spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 5_000 });
    if (probe.error || probe.status !== 0) return null;
    const child = spawn(bin, ['-k', '-f', '-n', '0', '-o', 'short-monotonic', '--no-pager'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return new JournalReader(child, maxQueue, maxTextChars);
  }

  private onLine(line: string, maxTextChars: number): void {
    const rec = parseJournalLine(line, this.seq + 1, maxTextChars);
    if (!rec) return;
    this.seq += 1;
    if (this.queue.length >= this.maxQueue) this.dropped += 1;
    else this.queue.push(rec);
  }

  /** Why the follower stopped, or null while it runs. */
  get failure(): string | null {
    return this.exited;
  }

  read(maxRecords: number): KmsgBatch {
    const records = this.queue.splice(0, maxRecords);
    const lost = this.dropped;
    this.dropped = 0;
    return { records, lost };
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}
