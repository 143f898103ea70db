import type { Bus, BusBatch, Subscription } from '@runlens/pipeline';
import { ComponentCounters, type Logger, type MetricFamily, type Row, RetryableError, type RunRecord, type Store, decodeMessage, messageRows, runById, topicFor } from '@runlens/schemas';
import { join } from 'node:path';
import { AlertBook, type AlertBookOptions } from './alert-book.ts';
import type { AlertSink } from './alert-sink.ts';
import { SinkQueue, type SinkState } from './sink-queue.ts';

export const ALERT_GROUP = 'runlens-alert';
const TOPICS = [topicFor('findings'), topicFor('node_events')];
/** Per sink, alerts waiting for delivery; beyond either bound the oldest are dropped and counted. */
const SPOOL_MAX_COUNT = 10_000;
const SPOOL_MAX_BYTES = 32 * 1024 * 1024;
const DEGRADED_AFTER_MS = 300_000;
const RUN_META_TTL_MS = 5000;
const MAX_RUNS_CACHED = 10_000;

export interface AlertForwarderOptions extends AlertBookOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly sinks: readonly AlertSink[];
  readonly log: Logger;
  /** How often the book is swept and pending alerts delivered (and a failing receiver retried). */
  readonly tickMs?: number;
  /** Where undelivered alerts are journaled, one file per receiver; null or absent: memory only. */
  readonly spoolDir?: string | null;
  readonly spoolMaxCount?: number;
  readonly spoolMaxBytes?: number;
  /** Delivery failing for longer than this makes the forwarder degraded (/readyz, runlens_condition). */
  readonly degradedAfterMs?: number;
}

/** The forwarder's word for /readyz: degraded once a receiver has failed for longer than the bound. */
export interface ForwarderState {
  readonly status: 'ok' | 'degraded';
  readonly degraded: readonly string[];
  readonly sinks: readonly SinkState[];
}

interface CachedRun { run: RunRecord | null; fetchedMs: number }

/**
 * Posts findings at warning and above, and kernel events, to Alertmanager (and/or a signed
 * webhook). It reads the findings and node_events topics with its own consumer group, so it
 * sees what the analyzer and the agents publish without polling the store; the store only
 * answers who a run belongs to and whether it has ended. What it takes off the bus is journaled
 * per receiver (sink-queue.ts, alert-spool.ts) before the bus commits, and delivered from there,
 * so a receiver that is down, or a forwarder killed, loses nothing; firing alerts are also
 * re-sent every `resendMs`, so a restarted Alertmanager learns them again.
 */
export class AlertForwarder {
  readonly counters = new ComponentCounters('alert_forwarder');
  private readonly book: AlertBook;
  private readonly queues: SinkQueue[];
  private readonly runs = new Map<string, CachedRun>();
  private sub: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;

  constructor(private readonly o: AlertForwarderOptions) {
    this.book = new AlertBook(o);
    const spool = (s: AlertSink) => ({ file: o.spoolDir ? join(o.spoolDir, `${s.name}.jsonl`) : null, maxCount: o.spoolMaxCount ?? SPOOL_MAX_COUNT, maxBytes: o.spoolMaxBytes ?? SPOOL_MAX_BYTES });
    this.queues = o.sinks.map((s) => new SinkQueue(s, spool(s), this.counters, o.log, o.tickMs ?? 2000));
  }

  async start(): Promise<void> {
    await this.o.bus.ensureTopics(TOPICS);
    this.sub = await this.o.bus.subscribe({ group: ALERT_GROUP, topics: TOPICS, eachBatch: (b) => this.consume(b) });
    this.flush();
    const loop = (): void => {
      this.ticking = this.ticking.then(() => this.tick()).catch((e: unknown) => this.o.log.error('alert tick failed', { error: String(e) }));
      this.timer = setTimeout(loop, this.o.tickMs ?? 2000);
    };
    this.timer = setTimeout(loop, this.o.tickMs ?? 2000);
  }

  /** Stops reading, then makes one last try to deliver what is pending (what fails stays spooled). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.sub?.stop();
    await this.ticking;
    await this.flushing;
    this.spoolChanged();
    await Promise.all(this.queues.map((q) => q.deliver(Date.now(), true)));
    for (const q of this.queues) q.close();
  }

  /** Each receiver's queue, and whether any has failed for longer than `degradedAfterMs`. */
  state(nowMs = Date.now()): ForwarderState {
    const bound = this.o.degradedAfterMs ?? DEGRADED_AFTER_MS;
    const degraded = this.queues.filter((q) => q.failingLongerThan(bound, nowMs))
      .map((q) => `alert delivery to ${q.sink.name} failing for more than ${Math.round(bound / 1000)} s`);
    return { status: degraded.length > 0 ? 'degraded' : 'ok', degraded, sinks: this.queues.map((q) => q.state(nowMs)) };
  }

  /** Gauges for /metrics (the counters, drops included, come from `counters`). */
  families(nowMs = Date.now()): MetricFamily[] {
    const s = this.state(nowMs).sinks;
    const gauge = (name: string, help: string, v: (x: SinkState) => number): MetricFamily => ({ name, help, type: 'gauge', samples: s.map((x) => ({ labels: { sink: x.sink }, value: v(x) })) });
    return [
      gauge('runlens_alert_queue_alerts', 'Alerts waiting for delivery to a receiver (spooled on disk where a spool is set).', (x) => x.queue_depth),
      gauge('runlens_alert_spool_bytes', 'Bytes of the undelivered alerts in a receiver\'s spool.', (x) => x.spool_bytes),
      gauge('runlens_alert_oldest_undelivered_seconds', 'How long the longest-waiting undelivered alert has waited; 0 when none waits.', (x) => x.oldest_undelivered_age_s),
      gauge('runlens_alert_delivery_failing', 'Whether the last delivery to a receiver failed (1) or not (0).', (x) => (x.failing_since === null ? 0 : 1)),
    ];
  }

  private async consume(b: BusBatch): Promise<void> {
    const now = Date.now();
    for (const m of b.messages) {
      const d = decodeMessage(m);
      const rows = d.kind === 'ok' ? messageRows(d.value) : d;
      if (d.kind !== 'ok' || rows.kind !== 'ok') {
        this.counters.discard(`unreadable:${rows.kind === 'dead_letter' ? rows.code : rows.kind}`);
        continue;
      }
      this.counters.received += rows.value.length;
      if (d.value.table === 'node_events') for (const e of rows.value as Row<'node_events'>[]) this.book.event(e, now);
      else if (d.value.table === 'findings') await this.findings(rows.value as Row<'findings'>[], now);
    }
    // Journaled before this batch's offsets are committed; delivered without holding up the bus.
    this.spoolChanged();
    this.flush();
  }

  private async findings(rows: readonly Row<'findings'>[], now: number): Promise<void> {
    for (const f of rows) {
      const run = await this.run(f.run_id, now);
      // The verdict written at a run's end is the report, not a live alert.
      if (run === null || run.end_ms !== null) this.counters.discard(run === null ? 'unknown_run' : 'run_ended');
      else this.book.finding(f, run, now);
    }
  }

  /** A run's owner and state from the store, cached briefly; a store outage is retried by the bus. */
  private async run(runId: string, now: number): Promise<RunRecord | null> {
    const c = this.runs.get(runId);
    if (c && (c.run?.end_ms != null || now - c.fetchedMs < RUN_META_TTL_MS)) return c.run;
    const run = await runById(this.o.store, runId).catch((e: unknown) => {
      throw new RetryableError(`reading run ${runId}: ${String(e)}`, e);
    });
    this.runs.delete(runId);
    this.runs.set(runId, { run, fetchedMs: now });
    for (const k of this.runs.keys()) if (this.runs.size > MAX_RUNS_CACHED) this.runs.delete(k);
    return run;
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const runId of this.book.openRuns()) {
      const run = await this.run(runId, now).catch(() => undefined);
      if (run === null || (run && run.end_ms !== null)) this.book.runEnded(runId, now);
    }
    this.book.sweep(now);
    this.spoolChanged();
    this.flush();
    await this.flushing;
    // Raises (or keeps) the delivery_failing condition even when nobody probes /readyz or scrapes /metrics.
    this.state();
  }

  private spoolChanged(): void {
    const changed = this.book.takeChanged();
    if (changed.size === 0) return;
    const now = Date.now();
    for (const q of this.queues) q.put(changed, now);
  }

  /** One delivery pass at a time, so no alert is posted twice by overlapping passes. */
  private flush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.flushing = this.flushing.then(async () => {
      this.flushQueued = false;
      await Promise.all(this.queues.map((q) => q.deliver(Date.now())));
    }).catch((e: unknown) => this.o.log.error('alert delivery pass failed', { error: String(e) }));
  }
}
