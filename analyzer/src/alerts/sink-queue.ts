import { type ComponentCounters, DataError, type Logger } from '@runlens/schemas';
import type { Alert } from './alert.ts';
import type { AlertSink } from './alert-sink.ts';
import { AlertSpool, type AlertSpoolOptions } from './alert-spool.ts';

/** What /readyz and /metrics say about one receiver (snake_case: operators read it). */
export interface SinkState {
  readonly sink: AlertSink['name'];
  /** Alerts waiting for this receiver (spooled on disk where a spool file is set). */
  readonly queue_depth: number;
  readonly spool_bytes: number;
  readonly durable: boolean;
  /** How long the longest-waiting alert has waited, in seconds; 0 when none waits. */
  readonly oldest_undelivered_age_s: number;
  /** Since when every delivery has failed (ISO time), or null while deliveries succeed. */
  readonly failing_since: string | null;
  readonly last_error: string | null;
  readonly last_delivery: string | null;
  readonly dropped: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * One receiver's queue: a spool of undelivered alerts and the delivery of its contents. A
 * retryable failure keeps the batch and waits `retryMs` before the next try (the sink itself
 * retries within a try with capped, jittered backoff); a refusal drops the batch for good.
 */
export class SinkQueue {
  readonly spool: AlertSpool;
  private failingSinceMs: number | null = null;
  private lastError: string | null = null;
  private lastDeliveryMs: number | null = null;
  private retryAtMs = 0;

  constructor(readonly sink: AlertSink, spool: AlertSpoolOptions, private readonly counters: ComponentCounters, private readonly log: Logger, private readonly retryMs: number) {
    this.spool = new AlertSpool(spool);
    if (this.spool.depth > 0) log.info('undelivered alerts from before the restart', { sink: sink.name, alerts: this.spool.depth, oldest: iso(this.spool.oldestMs()) });
  }

  /** Queues new versions of alerts, durably, before the bus offsets that carried them are committed. */
  put(changed: ReadonlyMap<string, Alert>, nowMs: number): void {
    const dropped = this.spool.put(changed, nowMs);
    if (dropped === 0) return;
    this.counters.discard(`${this.sink.name}_spool_full`, dropped);
    this.log.error('alert spool full: oldest undelivered alerts dropped', { sink: this.sink.name, dropped, total_dropped: this.spool.dropped });
  }

  /** Posts everything queued, unless the last try failed less than `retryMs` ago (`force`: at shutdown). */
  async deliver(nowMs: number, force = false): Promise<void> {
    if (this.spool.depth === 0 || (!force && nowMs < this.retryAtMs)) return;
    const batch = this.spool.entries();
    try {
      await this.sink.post(batch.map((e) => e.alert));
      this.spool.done(batch);
      this.counters.sent += batch.length;
      this.lastDeliveryMs = Date.now();
      if (this.failingSinceMs !== null) this.log.info('alert delivery recovered', { sink: this.sink.name, failed_for_ms: Date.now() - this.failingSinceMs });
      this.failingSinceMs = null;
      this.counters.clear(`${this.sink.name}_delivery_failing`);
    } catch (e) {
      if (e instanceof DataError) {
        // The receiver refuses this body and always will: keeping it would block every later alert.
        this.spool.done(batch);
        this.counters.discard(`${this.sink.name}_refused`, batch.length);
        this.log.error('alert receiver refused a batch; dropped', { sink: this.sink.name, alerts: batch.length, error: e.message });
        return;
      }
      this.counters.error(this.sink.name);
      this.lastError = (e instanceof Error ? e.message : String(e)).slice(0, 300);
      this.retryAtMs = Date.now() + this.retryMs;
      if (this.failingSinceMs === null) this.log.error('alert delivery failing; alerts kept pending', { sink: this.sink.name, pending: this.spool.depth, error: this.lastError });
      this.failingSinceMs ??= nowMs;
    }
  }

  state(nowMs: number): SinkState {
    const oldest = this.spool.oldestMs();
    return {
      sink: this.sink.name, queue_depth: this.spool.depth, spool_bytes: this.spool.bytes, durable: this.spool.durable,
      oldest_undelivered_age_s: oldest === null ? 0 : Math.max(0, Math.round((nowMs - oldest) / 1000)),
      failing_since: iso(this.failingSinceMs), last_error: this.lastError, last_delivery: iso(this.lastDeliveryMs), dropped: this.spool.dropped,
    };
  }

  /** Failing for longer than `boundMs`: raised as a condition (runlens_condition on /metrics) and returned. */
  failingLongerThan(boundMs: number, nowMs: number): boolean {
    const over = this.failingSinceMs !== null && nowMs - this.failingSinceMs >= boundMs;
    if (over) this.counters.raise(`${this.sink.name}_delivery_failing`, 'receiver_unavailable');
    return over;
  }

  close(): void {
    this.spool.close();
  }
}
