import type { Bus, BusBatch, Subscription } from '@runlens/pipeline';
import { ComponentCounters, DataError, type Logger, type Row, RetryableError, type RunRecord, type Store, decodeMessage, messageRows, runById, topicFor } from '@runlens/schemas';
import type { Alert } from './alert.ts';
import { AlertBook, type AlertBookOptions } from './alert-book.ts';
import type { AlertSink } from './alert-sink.ts';

export const ALERT_GROUP = 'runlens-alert';
const TOPICS = [topicFor('findings'), topicFor('node_events')];
/** Per sink, alerts waiting for delivery; beyond this the oldest are dropped and counted. */
const MAX_PENDING = 10_000;
const RUN_META_TTL_MS = 5000;
const MAX_RUNS_CACHED = 10_000;

export interface AlertForwarderOptions extends AlertBookOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly sinks: readonly AlertSink[];
  readonly log: Logger;
  /** How often the book is swept and pending alerts delivered. */
  readonly tickMs?: number;
}

interface CachedRun { run: RunRecord | null; fetchedMs: number }

/**
 * Posts findings at warning and above, and kernel events, to Alertmanager (and/or a signed
 * webhook). It reads the findings and node_events topics with its own consumer group, so it
 * sees what the analyzer and the agents publish without polling the store; the store only
 * answers who a run belongs to and whether it has ended. Delivery is retried from memory:
 * firing alerts are re-sent every `resendMs`, so a lost post or a restarted Alertmanager heals.
 */
export class AlertForwarder {
  readonly counters = new ComponentCounters('alert_forwarder');
  private readonly book: AlertBook;
  private readonly pending = new Map<AlertSink, Map<string, Alert>>();
  private readonly runs = new Map<string, CachedRun>();
  private sub: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private readonly failing = new Set<string>();

  constructor(private readonly o: AlertForwarderOptions) {
    this.book = new AlertBook(o);
    for (const s of o.sinks) this.pending.set(s, new Map());
  }

  async start(): Promise<void> {
    await this.o.bus.ensureTopics(TOPICS);
    this.sub = await this.o.bus.subscribe({ group: ALERT_GROUP, topics: TOPICS, eachBatch: (b) => this.consume(b) });
    const loop = (): void => {
      this.ticking = this.ticking.then(() => this.tick()).catch((e: unknown) => this.o.log.error('alert tick failed', { error: String(e) }));
      this.timer = setTimeout(loop, this.o.tickMs ?? 2000);
    };
    this.timer = setTimeout(loop, this.o.tickMs ?? 2000);
  }

  /** Stops reading, then makes one last delivery of what is pending. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.sub?.stop();
    await this.ticking;
    await this.deliver();
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
    await this.deliver();
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
    await this.deliver();
  }

  /** Hands what changed to every sink; a failing sink keeps its alerts pending for the next tick. */
  private async deliver(): Promise<void> {
    const changed = this.book.takeChanged();
    await Promise.all([...this.pending].map(async ([sink, pending]) => {
      for (const [k, a] of changed) {
        pending.delete(k);
        pending.set(k, a);
      }
      for (const k of pending.keys()) if (pending.size > MAX_PENDING && pending.delete(k)) this.counters.discard(`${sink.name}_pending_full`);
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      try {
        await sink.post(batch);
        for (const [k, a] of [...pending]) if (batch.includes(a)) pending.delete(k);
        this.counters.sent += batch.length;
        if (this.failing.delete(sink.name)) this.o.log.info('alert delivery recovered', { sink: sink.name });
      } catch (e) {
        if (e instanceof DataError) {
          // The receiver refuses this body and always will: keeping it would block every later alert.
          for (const [k, a] of [...pending]) if (batch.includes(a)) pending.delete(k);
          this.counters.discard(`${sink.name}_refused`);
          this.o.log.error('alert receiver refused a batch; dropped', { sink: sink.name, alerts: batch.length, error: e.message });
          return;
        }
        this.counters.error(sink.name);
        if (!this.failing.has(sink.name)) this.o.log.error('alert delivery failing; alerts kept pending', { sink: sink.name, pending: pending.size, error: String(e) });
        this.failing.add(sink.name);
      }
    }));
  }
}
