/** The bus contract: Kafka semantics (keyed partitions, consumer groups, at-least-once). */
export interface BusMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface OutgoingMessage {
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface BusBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly BusMessage[];
  /** The partition's end offset when the batch was fetched: a consumer that reached it has caught up. */
  readonly highWatermark?: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface SubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /**
   * Called with messages of one partition, in order. Resolving commits the batch;
   * throwing redelivers it (after backoff) without moving the offset: at-least-once.
   */
  readonly eachBatch: (batch: BusBatch) => Promise<void>;
  readonly maxBatchMessages?: number;
  /**
   * How many partitions' batches may be in eachBatch at once (default 1). A consumer that
   * buffers across batches (ingest) raises it, so one write can hold a whole fetch.
   */
  readonly partitionsConcurrently?: number;
  /** Kafka: the broker holds a fetch until this many bytes are there (default 1) ... */
  readonly fetchMinBytes?: number;
  /** ... or this long has passed (default 5000 ms). */
  readonly fetchMaxWaitMs?: number;
  /** Kafka: the most bytes one fetch brings over all its partitions (kafkajs's default 10 MiB; at most 8 MiB per partition either way). */
  readonly fetchMaxBytes?: number;
  /**
   * Called with this member's whole assignment after every rebalance, before its batches. After a
   * rebalance every partition is read again from its committed offset, kept partitions included.
   */
  readonly onAssign?: (partitions: readonly TopicPartition[]) => void;
  /**
   * Offset to commit after a batch, when the consumer still needs earlier messages on a replay
   * (state kept in memory and rebuilt from the log): the bus commits min(this, next offset).
   */
  readonly commitBelow?: (topic: string, partition: number) => number | undefined;
  /**
   * Partition p of every topic goes to the same member (Kafka Streams' co-partitioning): a member
   * that reads a key's messages on one topic reads that key's messages on the others too. The
   * topics must have one partition count, which ensureTopics gives them.
   */
  readonly coPartitioned?: boolean;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface BusProducer {
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
}

/** An existing topic replicated less than the cluster allows now (Kafka; the memory bus has none). */
export interface ReplicationShortfall {
  readonly topic: string;
  /** The fewest replicas of any of its partitions. */
  readonly replication_factor: number;
  readonly min_insync_replicas: number;
  readonly wanted_replication_factor: number;
  readonly wanted_min_insync_replicas: number;
}

export interface Bus {
  readonly kind: 'memory' | 'kafka';
  ensureTopics(topics: readonly string[]): Promise<void>;
  /**
   * Existing `topics` with fewer replicas (or a lower min.insync.replicas) than a topic created now
   * would get. Creating never raises an existing topic's factor: that takes a partition reassignment.
   */
  replicationShortfalls(topics: readonly string[]): Promise<ReplicationShortfall[]>;
  /** Which of `topics` do not exist yet; throws a RetryableError while the bus is unreachable. */
  missingTopics(topics: readonly string[]): Promise<string[]>;
  producer(): BusProducer;
  subscribe(opts: SubscribeOptions): Promise<Subscription>;
  /** Messages in `topics` not yet committed by `group` (consumer lag). */
  lag(group: string, topics: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** Kafka's default partitioner idea: a stable hash of the key, so one host stays in order. */
export function partitionFor(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
