import { DEAD_LETTER_TOPIC, DataError, type Logger, type TableName, concatBatches, tableNames, topicFor, groupBy } from '@runlens/schemas';
import type { Bus, BusBatch, BusMessage, Subscription } from '../bus/types.ts';
import { storeFailureReason } from '../store/classify.ts';
import type { Store } from '../store/types.ts';
import { ComponentCounters } from '../telemetry/counters.ts';
import { type ValidBatch, decode } from './decode.ts';

export interface IngestOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly group?: string;
  readonly tables?: readonly TableName[];
  /** Called after each durable batch with its latency and rows (telemetry). */
  readonly onBatch?: (ms: number, rows: number) => void;
}

export const INGEST_GROUP = 'runlens-ingest';

/** The self-alert raised while the store refuses writes for a reason that is not the data's. */
export const STORE_UNAVAILABLE = 'store_unavailable';

interface Reject { readonly msg: BusMessage; readonly code: string; readonly detail: string }

/**
 * Bus → store. Per partition batch: decode and validate every message, insert the valid
 * ones, send the rejects to the dead-letter topic with their original bytes, and only then
 * let the bus commit. A store failure throws, so the batch is redelivered: at-least-once.
 */
export class IngestService {
  readonly counters = new ComponentCounters('ingest');
  private sub: Subscription | null = null;
  readonly topics: string[];

  constructor(private readonly opts: IngestOptions) {
    this.topics = (opts.tables ?? tableNames).map(topicFor);
  }

  async start(): Promise<void> {
    await this.opts.bus.ensureTopics([...this.topics, DEAD_LETTER_TOPIC]);
    this.sub = await this.opts.bus.subscribe({
      group: this.opts.group ?? INGEST_GROUP,
      topics: this.topics,
      eachBatch: (b) => this.handle(b),
    });
  }

  /** Messages the store has not yet received. */
  lag(): Promise<number> {
    return this.opts.bus.lag(this.opts.group ?? INGEST_GROUP, this.topics);
  }

  async stop(): Promise<void> {
    await this.sub?.stop();
    this.sub = null;
  }

  private async handle(b: BusBatch): Promise<void> {
    const started = performance.now();
    const valid: ValidBatch[] = [];
    const rejects: Reject[] = [];
    for (const msg of b.messages) {
      this.counters.received++;
      const r = decode(msg);
      if (r.kind === 'ok') valid.push(r.value);
      else if (r.kind === 'drop') this.counters.discard(r.reason);
      else rejects.push({ msg, code: r.kind === 'dead_letter' ? r.code : 'unknown', detail: r.detail });
    }
    try {
      for (const group of groupBy(valid, (v) => v.table).values()) rejects.push(...(await this.insertGroup(group)));
    } catch (e) {
      this.storeDown(e, b);
      throw e;
    }
    if (valid.length > 0) this.storeUp();
    if (rejects.length > 0) await this.deadLetter(rejects);
    const refused = new Set(rejects.map((r) => r.msg.offset));
    const rows = valid.filter((v) => !refused.has(v.offset)).reduce((n, v) => n + v.batch.numRows, 0);
    this.counters.sent += rows;
    this.opts.onBatch?.(performance.now() - started, rows);
  }

  /**
   * One insert per table for the whole bus batch: per-insert cost dominates small inserts.
   * If the store refuses the merged insert as bad data, each message is tried alone so only
   * the bad ones go to the dead-letter topic. Retryable failures propagate.
   */
  private async insertGroup(group: readonly ValidBatch[]): Promise<Reject[]> {
    const first = group[0];
    if (!first) return [];
    const merged = group.length === 1 ? { ipc: first.bytes, table: first.batch.table } : concatBatches(group.map((v) => v.batch.table));
    try {
      await this.opts.store.insertArrow(first.table, merged.ipc, merged.table);
      return [];
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
    const refused: Reject[] = [];
    for (const v of group) {
      try {
        await this.opts.store.insertArrow(v.table, v.bytes, v.batch.table);
      } catch (e) {
        if (!(e instanceof DataError)) throw e;
        refused.push({ msg: v.msg, code: 'store_refused', detail: e.message.slice(0, 500) });
      }
    }
    return refused;
  }

  /**
   * A store failure that is not bad data: throwing leaves the offsets where they are, and
   * the bus redelivers the batch after its capped, jittered backoff (memory bus and Kafka
   * alike), so nothing is lost and nothing spins. One ERROR per condition, not per retry.
   */
  private storeDown(e: unknown, b: BusBatch): void {
    this.counters.error('insert');
    const reason = storeFailureReason(e);
    const fields = { reason, topic: b.topic, partition: b.partition, error: String(e).slice(0, 500) };
    if (this.counters.raise(STORE_UNAVAILABLE, reason)) this.opts.log.error('store unavailable; ingest paused, batches are kept and retried', fields);
    else this.opts.log.debug('store insert failed again; batch will be retried', fields);
  }

  private storeUp(): void {
    const was = this.counters.clear(STORE_UNAVAILABLE);
    if (was) this.opts.log.info('store available again; ingest resumed', { reason: was.reason, down_ms: Date.now() - was.since_ms });
  }

  private async deadLetter(rejects: readonly Reject[]): Promise<void> {
    await this.opts.bus.producer().send(DEAD_LETTER_TOPIC, rejects.map(({ msg, code, detail }) => ({
      key: msg.key,
      value: msg.value,
      headers: { ...msg.headers, reason: code, detail, source_topic: msg.topic, source_offset: String(msg.offset) },
    })));
    for (const r of rejects) this.counters.discard(`dead_letter:${r.code}`);
    this.opts.log.warn('messages sent to dead letter', { count: rejects.length, codes: [...new Set(rejects.map((r) => r.code))] });
  }
}
