import type { BusMessage, OutgoingMessage } from '../types.ts';

/** One partition's log: offsets only grow; old messages are trimmed once every group has passed them. */
export class PartitionLog {
  private messages: BusMessage[] = [];
  private base = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly topic: string, readonly partition: number) {}

  get endOffset(): number {
    return this.base + this.messages.length;
  }

  /** Messages held (not yet trimmed). */
  get size(): number {
    return this.messages.length;
  }

  append(m: OutgoingMessage): void {
    this.messages.push({ topic: this.topic, partition: this.partition, offset: this.endOffset, ...m });
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  read(from: number, max: number): BusMessage[] {
    const start = Math.max(0, from - this.base);
    return this.messages.slice(start, start + max);
  }

  /** Resolves when a message at or after `offset` exists, or after `timeoutMs`. */
  waitFor(offset: number, timeoutMs: number): Promise<void> {
    if (offset < this.endOffset) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.waiters = self.waiters.filter((w) => w !== done);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  trimBefore(offset: number): void {
    const n = Math.min(this.messages.length, offset - this.base);
    if (n <= 0) return;
    this.messages.splice(0, n);
    this.base += n;
  }
}
