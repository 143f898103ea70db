import type { BusMessage, OutgoingMessage } from '../types.ts';

/** One partition's log: offsets only grow; old messages are trimmed once every group has passed them. */
export class PartitionLog {
  /** Held from `head` on; the slots before it are trimmed (emptied), and dropped in one splice now and then. */
  private messages: (BusMessage | undefined)[] = [];
  private head = 0;
  /** The offset of `messages[head]`. */
  private base = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly topic: string, readonly partition: number) {}

  get endOffset(): number {
    return this.base + this.messages.length - this.head;
  }

  /** Messages held (not yet trimmed). */
  get size(): number {
    return this.messages.length - this.head;
  }

  append(m: OutgoingMessage): void {
    this.messages.push({ topic: this.topic, partition: this.partition, offset: this.endOffset, ...m });
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  read(from: number, max: number): BusMessage[] {
    const start = this.head + Math.max(0, from - this.base);
    return this.messages.slice(start, start + max) as BusMessage[];
  }

  /** Calls `wake` once, at the next append (see waitForAny). */
  onAppend(wake: () => void): void {
    this.waiters.push(wake);
  }

  /** Forgets a `wake` not called yet. */
  offAppend(wake: () => void): void {
    const i = this.waiters.indexOf(wake);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /**
   * Forgets the messages before `offset`. Their slots are emptied at once and removed from the
   * array only once they are half of it: a topic past its retention is trimmed at every append, and
   * a splice per append moved the whole log each time.
   */
  trimBefore(offset: number): void {
    const n = Math.min(this.size, offset - this.base);
    if (n <= 0) return;
    this.messages.fill(undefined, this.head, this.head + n);
    this.head += n;
    this.base += n;
    if (this.head * 2 < this.messages.length) return;
    this.messages.splice(0, this.head);
    this.head = 0;
  }
}

/**
 * Resolves when any of `logs` holds a message at or after its `offsetOf`, or after `timeoutMs`.
 * One timer however many partitions: a consumer idling on 16 partitions set 16 timers every
 * 200 ms, and those not woken lived on until they fired.
 */
export function waitForAny(logs: readonly PartitionLog[], offsetOf: (log: PartitionLog) => number, timeoutMs: number): Promise<void> {
  for (let i = 0; i < logs.length; i++) if (offsetOf(logs[i]!) < logs[i]!.endOffset) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (let i = 0; i < logs.length; i++) logs[i]!.offAppend(done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (let i = 0; i < logs.length; i++) logs[i]!.onAppend(done);
  });
}
