import type { BusProducer, OutgoingMessage } from '@runlens/pipeline';
import { ComponentCounters, type Logger, backoffMs } from '@runlens/schemas';
import { DiskSpool } from './disk-spool.ts';

/**
 * Sends through the bus; while the bus is unreachable, batches go to a bounded disk spool
 * and are replayed in order once it is back. Once anything is spooled, new batches queue
 * behind it, so per-host order holds. Drops (spool full) are counted and logged as ERROR.
 */
export class SpoolingProducer implements BusProducer {
  private readonly spool: DiskSpool;
  private draining: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  /** Batches handed in (received) and delivered to the bus (sent); bus failures; spool drops. */
  readonly counters = new ComponentCounters('spool');
  spooled = 0;

  constructor(private readonly inner: BusProducer, dir: string, maxBytes: number, private readonly log: Logger) {
    this.spool = new DiskSpool(dir, maxBytes);
    if (this.spool.size > 0) this.schedule(0);
  }

  get dropped(): number {
    return this.spool.dropped;
  }

  get sent(): number {
    return this.counters.sent;
  }

  get backlog(): number {
    return this.spool.size;
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    this.counters.received++;
    if (this.spool.size === 0 && !this.draining) {
      try {
        await this.inner.send(topic, messages);
        this.counters.sent++;
        return;
      } catch (e) {
        this.counters.error('bus_send');
        this.log.warn('bus unreachable; spooling to disk', { error: String(e) });
      }
    }
    const dropped = this.spool.append(topic, messages);
    this.spooled++;
    if (dropped > 0) this.counters.discard('spool_full', dropped);
    if (dropped > 0) this.log.error('spool full: oldest batches dropped', { dropped, total_dropped: this.spool.dropped });
    this.schedule(0);
  }

  /** Replays what is spooled; resolves when the spool is empty or the bus fails again. */
  drain(): Promise<void> {
    this.draining ??= this.replay().finally(() => { this.draining = null; });
    return this.draining;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain().then(() => {
        if (this.spool.size > 0) this.schedule(backoffMs(this.failures, 500, 15_000));
      });
    }, delayMs);
  }

  private async replay(): Promise<void> {
    for (let b = this.spool.peek(); b && !this.closed; b = this.spool.peek()) {
      try {
        await this.inner.send(b.topic, b.messages);
      } catch {
        this.failures++;
        this.counters.error('bus_send');
        return;
      }
      this.spool.remove(b.file);
      this.counters.sent++;
      if (this.failures > 0) this.log.info('bus back; replaying spool', { backlog: this.spool.size });
      this.failures = 0;
    }
  }
}
