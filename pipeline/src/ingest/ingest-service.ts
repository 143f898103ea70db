import { DEAD_LETTER_TOPIC, DataError, type Logger, type TableName, groupBy, tableNames, topicFor } from '@runlens/schemas';
import type { Bus, BusBatch, BusMessage, Subscription } from '../bus/types.ts';
import { storeFailureReason } from '../store/classify.ts';
import type { Store } from '../store/types.ts';
import { ComponentCounters } from '../telemetry/counters.ts';
import { type ValidBatch, decode } from './decode.ts';
import { type BufferLimits, DEFAULT_BUFFER_LIMITS, InsertBuffer } from './insert-buffer.ts';

export interface IngestOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly group?: string;
  readonly tables?: readonly TableName[];
  /** Called after each durable write with its latency and rows (telemetry). */
  readonly onBatch?: (ms: number, rows: number) => void;
  /** When buffered batches are written (default: 250 k rows or 1 s, whichever first). */
  readonly buffer?: BufferLimits;
}

export const INGEST_GROUP = 'runlens-ingest';

/** The self-alert raised while the store refuses writes for a reason that is not the data's. */
export const STORE_UNAVAILABLE = 'store_unavailable';

interface Reject { readonly msg: BusMessage; readonly code: string; readonly detail: string }

/** One bus batch, validated: what the buffer holds until the write. */
interface Checked { readonly batch: BusBatch; readonly valid: readonly ValidBatch[]; readonly rejects: readonly Reject[] }

/** Partitions of one fetch handled at once, so their batches meet in one write. */
const PARTITIONS_CONCURRENTLY = 64;
/**
 * The broker holds a fetch until this much is there or the buffer's wait (1 s) has passed. Large
 * on purpose: a live worker's fetches should end by the wait, not by the bytes. kafkajs fetches
 * from each broker on its own, and a fetch that ends by the bytes ends when that broker's share
 * fills, out of step with the others', so each broker's answer became a write of its own: with
 * 1 MiB, a worker fed live by 3 brokers made ~2.2 writes a second (benchmarks/scale, run P). Ended
 * by the wait, the brokers' answers come back together (they were asked together, when the last
 * write let go of their batches) and meet in one write (the buffer's quietMs): ~1.5 a second
 * there. A backlog fills it at once, so catching up does not wait.
 */
const FETCH_MIN_BYTES = 16 * 1024 * 1024;
/**
 * The most one fetch from one broker brings. A write holds at most one fetch per broker (each
 * broker's fetch loop asks again only once its batches are acknowledged, after the write), so
 * this bounds a part's size when ingest catches up: on one broker, kafkajs's 10 MiB held ~70 k
 * agent rows, and each part was soon merged again (benchmarks/ingest, seventh pass). With several
 * brokers the buffer's 250 k rows bound it first.
 */
const FETCH_MAX_BYTES = 48 * 1024 * 1024;

/**
 * Bus → store. Each bus batch is validated without decoding rows (schemas' decodeMessage),
 * then buffered across batches, partitions and topics until 250 k rows or 1 s. A write hands
 * the store the Arrow IPC messages of each table at once (it splices them into one stream, or
 * writes one Native block on 18.16: no value decoded into JS), inserts them, sends the rejects to the dead-letter topic with their original bytes, and only
 * then lets the bus commit every batch it held. A store failure throws to each of them, so
 * they are redelivered: at-least-once.
 */
export class IngestService {
  readonly counters = new ComponentCounters('ingest');
  private sub: Subscription | null = null;
  readonly topics: string[];
  private readonly buffer: InsertBuffer<Checked>;

  constructor(private readonly opts: IngestOptions) {
    this.topics = (opts.tables ?? tableNames).map(topicFor);
    this.buffer = new InsertBuffer(opts.buffer ?? DEFAULT_BUFFER_LIMITS, (items) => this.write(items));
  }

  async start(): Promise<void> {
    await this.opts.bus.ensureTopics([...this.topics, DEAD_LETTER_TOPIC]);
    this.sub = await this.opts.bus.subscribe({
      group: this.opts.group ?? INGEST_GROUP,
      topics: this.topics,
      eachBatch: (b) => this.handle(b),
      partitionsConcurrently: PARTITIONS_CONCURRENTLY,
      fetchMinBytes: FETCH_MIN_BYTES,
      fetchMaxBytes: FETCH_MAX_BYTES,
      fetchMaxWaitMs: (this.opts.buffer ?? DEFAULT_BUFFER_LIMITS).maxWaitMs,
    });
  }

  /** Messages the store has not yet received. */
  lag(): Promise<number> {
    return this.opts.bus.lag(this.opts.group ?? INGEST_GROUP, this.topics);
  }

  /** Stops consuming; what is buffered is written (and committed) first. */
  async stop(): Promise<void> {
    const stopping = this.sub?.stop();
    await this.buffer.flush();
    await stopping;
    this.sub = null;
  }

  /** Resolves once the batch's rows are durable (the bus then commits), or throws to redeliver it. */
  private handle(batch: BusBatch): Promise<void> {
    const valid: ValidBatch[] = [];
    const rejects: Reject[] = [];
    for (const msg of batch.messages) {
      this.counters.received++;
      const r = decode(msg);
      if (r.kind === 'ok') valid.push(r.value);
      else if (r.kind === 'drop') this.counters.discard(r.reason);
      else rejects.push({ msg, code: r.kind === 'dead_letter' ? r.code : 'unknown', detail: r.detail });
    }
    return this.buffer.add([{ batch, valid, rejects }], valid.reduce((n, v) => n + v.numRows, 0));
  }

  private async write(items: readonly Checked[]): Promise<void> {
    const started = performance.now();
    const valid = items.flatMap((c) => c.valid);
    const rejects = items.flatMap((c) => c.rejects);
    try {
      for (const group of groupBy(valid, (v) => v.table).values()) rejects.push(...(await this.insertGroup(group)));
    } catch (e) {
      if (items[0]) this.storeDown(e, items[0].batch, items.length);
      throw e;
    }
    if (valid.length > 0) this.storeUp();
    if (rejects.length > 0) await this.deadLetter(rejects);
    const refused = new Set(rejects.map((r) => r.msg));
    const rows = valid.filter((v) => !refused.has(v.msg)).reduce((n, v) => n + v.numRows, 0);
    this.counters.sent += rows;
    this.opts.onBatch?.(performance.now() - started, rows);
  }

  /**
   * One insert per table (per sender schema) for the whole buffer: per-insert cost dominates
   * small inserts. If the store refuses it as bad data, each message is tried alone so only
   * the bad ones go to the dead-letter topic. Retryable failures propagate.
   */
  private async insertGroup(group: readonly ValidBatch[]): Promise<Reject[]> {
    const first = group[0];
    if (!first) return [];
    try {
      await this.opts.store.insertArrow(first.table, group.map((v) => v.bytes));
      return [];
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
    }
    const refused: Reject[] = [];
    for (const v of group) {
      try {
        await this.opts.store.insertArrow(v.table, v.bytes);
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
  private storeDown(e: unknown, b: BusBatch, batches: number): void {
    this.counters.error('insert');
    const reason = storeFailureReason(e);
    const fields = { reason, topic: b.topic, partition: b.partition, batches, error: String(e).slice(0, 500) };
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
