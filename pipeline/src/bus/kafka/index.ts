import { type Logger, silentLogger } from '@runlens/schemas';
import { type Admin, CompressionTypes, Kafka, type Producer, logLevel } from 'kafkajs';
import type { Bus, BusProducer, OutgoingMessage, SubscribeOptions, Subscription } from '../types.ts';
import { installBoundedGzip } from './bounded-gzip.ts';
import { classifyKafkaError } from './classify.ts';
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
}

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
    this.kafka = new Kafka({
      clientId: opts.clientId, brokers: [...opts.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3_000,
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
      await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: this.opts.partitions ?? 4, replicationFactor: 1 })) });
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

  producer(): BusProducer {
    return {
      send: async (topic: string, messages: readonly OutgoingMessage[]) => {
        try {
          const p = await this.producerConnected();
          await p.send({
            topic, acks: -1, compression: CompressionTypes.GZIP,
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
