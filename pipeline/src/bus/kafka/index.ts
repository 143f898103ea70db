import { type Logger, silentLogger } from '@runlens/schemas';
import { type Admin, CompressionTypes, type ConfigResourceTypes, Kafka, type Producer, logLevel } from 'kafkajs';
import type { Bus, BusProducer, OutgoingMessage, ReplicationShortfall, SubscribeOptions, Subscription } from '../types.ts';
import { installBoundedGzip } from './bounded-gzip.ts';
import { installBoundedLz4 } from './bounded-lz4.ts';
import { installIdleRequestQueue } from './idle-timer.ts';
import { classifyKafkaError } from './classify.ts';
import { replicationShortfalls, topicReplication } from './replication.ts';
import { type KafkaSecurity, kafkaAuthConfig } from './security.ts';
import { subscribeKafka } from './subscription.ts';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly partitions?: number;
  readonly log?: Logger;
  /** How long one send may retry before it fails (and the caller spools). */
  readonly sendTimeoutMs?: number;
  /** TLS and SASL/SCRAM; absent means PLAINTEXT (loopback test brokers only). */
  readonly security?: KafkaSecurity;
  /** What this client's producer compresses record batches with (default lz4); its consumers read both. */
  readonly compression?: BusCompression;
}

export type BusCompression = 'lz4' | 'gzip';

/** One topic as the cluster holds it: what replication gave it and who leads each partition. */
export interface TopicLayout {
  readonly topic: string;
  readonly minInsyncReplicas: number;
  readonly partitions: readonly { readonly partition: number; readonly leader: number; readonly replicas: readonly number[]; readonly isr: readonly number[] }[];
}

/** ConfigResourceTypes.TOPIC: kafkajs's CommonJS exports hide that enum from an ESM named import. */
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

const OPEN_HINT = 'the broker closed the connection; if it requires TLS and SASL, configure them (deploy/README.md)';

/** The cluster bus: Apache Kafka through kafkajs, the only folder that imports it. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private readonly log: Logger;
  private producerP: Promise<Producer> | null = null;
  private adminP: Promise<Admin> | null = null;
  private readonly subs = new Set<Subscription>();

  constructor(private readonly opts: KafkaBusOptions) {
    this.log = opts.log ?? silentLogger;
    installBoundedGzip();
    installBoundedLz4();
    installIdleRequestQueue();
    this.kafka = new Kafka({
      clientId: opts.clientId, brokers: [...opts.brokers], connectionTimeout: 3_000,
      // The client's own errors (a consumer that crashed and restarts, a lost coordinator) go
      // to our log; its chatter below ERROR does not.
      logLevel: logLevel.ERROR, logCreator: () => ({ namespace, log }) => {
        this.log.warn('kafka client', { namespace, message: String(log.message).slice(0, 500), error: String(log.error ?? '').slice(0, 500) });
      },
      ...kafkaAuthConfig(opts.security),
      retry: { initialRetryTime: 200, retries: 5, maxRetryTime: opts.sendTimeoutMs ?? 5_000 },
    });
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    try {
      const admin = await this.admin();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      // Brokers that are registered and not fenced: a node down now means fewer replicas for
      // good, so say so when the bootstrap list names more brokers than answer.
      const { brokers } = await admin.describeCluster();
      const r = topicReplication(brokers.length);
      if (brokers.length < this.opts.brokers.length) {
        this.log.warn('creating topics with fewer brokers than configured', { topics: missing, brokers_seen: brokers.length, brokers_configured: this.opts.brokers.length, replication_factor: r.replicationFactor });
      }
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic, numPartitions: this.opts.partitions ?? 4, replicationFactor: r.replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(r.minInsyncReplicas) }],
        })),
      });
    } catch (e) {
      this.adminP = null;
      throw classifyKafkaError(e, 'create topics', this.hint);
    }
  }

  async missingTopics(topics: readonly string[]): Promise<string[]> {
    try {
      const existing = new Set(await (await this.admin()).listTopics());
      return topics.filter((t) => !existing.has(t));
    } catch (e) {
      this.adminP = null;
      throw classifyKafkaError(e, 'list topics');
    }
  }

  /** Leaders, replicas and in-sync replicas per partition, and min.insync.replicas, of existing topics. */
  async topicLayout(topics: readonly string[]): Promise<TopicLayout[]> {
    try {
      const admin = await this.admin();
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: TOPIC_RESOURCE, name, configNames: ['min.insync.replicas'] })),
      });
      const minIsr = new Map(configs.resources.map((r) => [r.resourceName, Number(r.configEntries[0]?.configValue ?? 1)]));
      return meta.topics.map((t) => ({
        topic: t.name, minInsyncReplicas: minIsr.get(t.name) ?? 1,
        partitions: t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr })),
      }));
    } catch (e) {
      this.adminP = null;
      throw classifyKafkaError(e, 'describe topics', this.hint);
    }
  }

  async replicationShortfalls(topics: readonly string[]): Promise<ReplicationShortfall[]> {
    let brokers: number;
    let present: string[];
    try {
      const admin = await this.admin();
      const existing = new Set(await admin.listTopics());
      present = topics.filter((t) => existing.has(t));
      brokers = (await admin.describeCluster()).brokers.length;
    } catch (e) {
      this.adminP = null;
      throw classifyKafkaError(e, 'describe cluster', this.hint);
    }
    return present.length === 0 ? [] : replicationShortfalls(await this.topicLayout(present), brokers);
  }

  producer(): BusProducer {
    return {
      send: async (topic: string, messages: readonly OutgoingMessage[]) => {
        try {
          const p = await this.producerConnected();
          // acks=all: the leader answers once every in-sync replica has the batch (topicReplication).
          await p.send({
            // LZ4 by default, not gzip: a twelfth of gzip's CPU to compress on the agents (bounded-lz4.ts).
            topic, acks: -1, compression: this.opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.LZ4,
            messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength), headers: { ...m.headers } })),
          });
        } catch (e) {
          throw classifyKafkaError(e, 'send', this.hint);
        }
      },
    };
  }

  async subscribe(opts: SubscribeOptions): Promise<Subscription> {
    const sub = await subscribeKafka(this.kafka, opts, this.log, this.hint);
    this.subs.add(sub);
    return { stop: async () => { this.subs.delete(sub); await sub.stop(); } };
  }

  async lag(group: string, topics: readonly string[]): Promise<number> {
    const admin = await this.admin();
    const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    let lag = 0;
    for (const t of committed) {
      const ends = await admin.fetchTopicOffsets(t.topic);
      for (const p of t.partitions) {
        const end = ends.find((e) => e.partition === p.partition);
        if (!end) continue;
        const done = Number(p.offset) >= 0 ? Number(p.offset) : Number(end.low);
        lag += Math.max(0, Number(end.high) - done);
      }
    }
    return lag;
  }

  async close(): Promise<void> {
    for (const s of [...this.subs]) await s.stop().catch(() => undefined);
    this.subs.clear();
    if (this.producerP) await (await this.producerP.catch(() => null))?.disconnect().catch(() => undefined);
    if (this.adminP) await (await this.adminP.catch(() => null))?.disconnect().catch(() => undefined);
  }

  /** Said when a broker hangs up on a client that has no TLS or SASL configured. */
  private get hint(): string | undefined {
    return this.opts.security?.sasl ? undefined : OPEN_HINT;
  }

  private producerConnected(): Promise<Producer> {
    if (!this.producerP) {
      const p = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false, maxInFlightRequests: 1 });
      this.producerP = p.connect().then(() => p);
      this.producerP.catch(() => { this.producerP = null; });
    }
    return this.producerP;
  }

  private admin(): Promise<Admin> {
    if (!this.adminP) {
      const a = this.kafka.admin();
      this.adminP = a.connect().then(() => a);
      this.adminP.catch(() => { this.adminP = null; });
    }
    return this.adminP;
  }
}
