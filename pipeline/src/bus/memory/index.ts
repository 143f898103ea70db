import { backoffMs } from '@runlens/schemas';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, BusProducer, ReplicationShortfall, Subscription, SubscribeOptions } from '../types.ts';
import { partitionFor } from '../types.ts';
import { PartitionLog, waitForAny } from './topic-log.ts';

interface Member {
  readonly opts: SubscribeOptions;
  assigned: PartitionLog[];
  /** Next offset to read per partition: starts at the committed offset after each rebalance, as in Kafka. */
  position: Map<PartitionLog, number>;
  running: boolean;
  done: Promise<void>;
}

/**
 * An in-process bus with Kafka's semantics: keyed partitions keep a key's messages in
 * order; each consumer group has its own committed offsets; partitions are shared out
 * among a group's members; a failed batch is redelivered from the committed offset.
 * Retention is bounded by `retainMessages` per partition, like a size-based retention.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private logs = new Map<string, PartitionLog[]>();
  private committed = new Map<string, number>();
  private groups = new Map<string, Set<Member>>();

  constructor(private readonly partitions = 4, private readonly retainMessages = 100_000) {}

  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (const t of topics) this.topic(t);
  }

  /** One process holds every copy there is: nothing to replicate. */
  async replicationShortfalls(): Promise<ReplicationShortfall[]> {
    return [];
  }

  async missingTopics(topics: readonly string[]): Promise<string[]> {
    return topics.filter((t) => !this.logs.has(t));
  }

  producer(): BusProducer {
    return {
      send: async (topic, messages) => {
        const logs = this.topic(topic);
        for (const m of messages) {
          const log = logs[partitionFor(m.key, logs.length)];
          log?.append(m);
          // Consumed messages go every 1000; past `retainMessages` the oldest go at once.
          if (log && (log.endOffset % 1000 === 0 || log.size > this.retainMessages)) this.trim(log);
        }
      },
    };
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    for (const t of opts.topics) this.topic(t);
    const member: Member = { opts, assigned: [], position: new Map(), running: true, done: Promise.resolve() };
    const group = this.groups.get(opts.group) ?? new Set<Member>();
    this.groups.set(opts.group, group);
    group.add(member);
    this.rebalance(opts.group);
    member.done = this.consume(member);
    return {
      stop: async () => {
        member.running = false;
        await member.done;
        group.delete(member);
        this.rebalance(opts.group);
      },
    };
  }

  async lag(group: string, topics: readonly string[]): Promise<number> {
    let lag = 0;
    for (const t of topics) for (const log of this.topic(t)) lag += log.endOffset - this.offset(group, log);
    return lag;
  }

  async close(): Promise<void> {
    const stops = [...this.groups.values()].flatMap((g) => [...g]).map(async (m) => {
      m.running = false;
      await m.done;
    });
    await Promise.all(stops);
  }

  private topic(name: string): PartitionLog[] {
    let logs = this.logs.get(name);
    if (!logs) {
      logs = Array.from({ length: this.partitions }, (_, p) => new PartitionLog(name, p));
      this.logs.set(name, logs);
    }
    return logs;
  }

  private key(group: string, log: PartitionLog): string {
    return `${group}|${log.topic}|${log.partition}`;
  }

  private offset(group: string, log: PartitionLog): number {
    return this.committed.get(this.key(group, log)) ?? 0;
  }

  private rebalance(group: string): void {
    const members = [...(this.groups.get(group) ?? [])];
    for (const m of members) m.assigned = [];
    const topics = [...new Set(members.flatMap((m) => m.opts.topics))].sort();
    let i = 0;
    for (const t of topics) {
      for (const log of this.topic(t)) {
        const candidates = members.filter((m) => m.opts.topics.includes(t));
        const at = candidates.every((m) => m.opts.coPartitioned) ? log.partition : i++;
        candidates[at % Math.max(1, candidates.length)]?.assigned.push(log);
      }
    }
    for (const m of members) {
      m.position = new Map(m.assigned.map((log) => [log, this.offset(group, log)]));
      m.opts.onAssign?.(m.assigned.map((log) => ({ topic: log.topic, partition: log.partition })));
    }
  }

  private async consume(m: Member): Promise<void> {
    const failures = new Map<PartitionLog, number>();
    while (m.running) {
      // Like kafkajs's partitionsConsumedConcurrently: a buffering consumer gets a whole round at once.
      const logs = [...m.assigned];
      const delivered = (m.opts.partitionsConcurrently ?? 1) > 1
        ? (await Promise.all(logs.map((log) => this.deliver(m, log, failures)))).some(Boolean)
        : await this.sequentially(m, logs, failures);
      if (!m.running) return;
      if (!delivered) await this.idle(m);
    }
  }

  private async sequentially(m: Member, logs: readonly PartitionLog[], failures: Map<PartitionLog, number>): Promise<boolean> {
    let delivered = false;
    for (const log of logs) {
      if (await this.deliver(m, log, failures)) delivered = true;
      if (!m.running) break;
    }
    return delivered;
  }

  /**
   * One batch of one partition; true when there was one. Committed only after eachBatch resolves,
   * and no further than the consumer's commitBelow (state it must replay after a rebalance).
   */
  private async deliver(m: Member, log: PartitionLog, failures: Map<PartitionLog, number>): Promise<boolean> {
    // Revoked by a rebalance since this round began (each delivery yields): its new owner reads it.
    if (!m.assigned.includes(log)) return false;
    const from = m.position.get(log) ?? this.offset(m.opts.group, log);
    const messages = log.read(from, m.opts.maxBatchMessages ?? 500);
    if (messages.length === 0) return false;
    try {
      await m.opts.eachBatch({ topic: log.topic, partition: log.partition, messages, highWatermark: log.endOffset });
      const next = (messages[messages.length - 1]?.offset ?? from) + 1;
      // A partition taken away mid-batch is its new owner's to commit, as Kafka's generation check makes it.
      if (m.assigned.includes(log)) {
        m.position.set(log, next);
        this.committed.set(this.key(m.opts.group, log), Math.min(next, m.opts.commitBelow?.(log.topic, log.partition) ?? next));
      }
      failures.delete(log);
    } catch {
      // Not committed: the same messages come again after a backoff.
      const n = failures.get(log) ?? 0;
      failures.set(log, n + 1);
      await sleep(backoffMs(n, 100, 5000));
    }
    return true;
  }

  private async idle(m: Member): Promise<void> {
    const logs = m.assigned;
    await (logs.length > 0 ? waitForAny(logs, (log) => m.position.get(log) ?? this.offset(m.opts.group, log), 200) : sleep(200));
  }

  /** Trims what every group reading the topic has passed, and what is past the retention (a topic past it is trimmed at every append: no arrays made here). */
  private trim(log: PartitionLog): void {
    let passed = Infinity;
    for (const [g, members] of this.groups) {
      for (const mm of members) {
        if (!mm.opts.topics.includes(log.topic)) continue;
        passed = Math.min(passed, this.offset(g, log));
        break;
      }
    }
    log.trimBefore(Math.max(log.endOffset - this.retainMessages, passed === Infinity ? 0 : passed));
  }
}
