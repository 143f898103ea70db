// The benchmark's Kafka in the shape it runs: production's 3 KRaft brokers (every topic with
// replication factor 3 and min.insync.replicas 2, every producer acks=all), or one broker with
// replication factor 1 as the peer that shows what replication costs. Both are started by
// deploy/kafka/start-cluster with the same heap and settings; broker CPU is summed over nodes.
import type { Bus } from '@runlens/pipeline';
import { type KafkaClusterTestServer, startKafkaCluster } from '@runlens/pipeline/testing/servers';
import { rmSync } from 'node:fs';
import { cpuSeconds, sleep } from '../ingest/proc.ts';

export interface BenchKafka {
  readonly brokers: number;
  /** The comma list roles take in RUNLENS_KAFKA_BROKERS. */
  readonly url: string;
  readonly pids: readonly number[];
  /** utime + stime of every broker JVM together, seconds. */
  cpu(): number;
  layout: KafkaClusterTestServer['layout'];
  stop(): Promise<void>;
}

/** How the topics the run created are replicated, as the brokers report them. */
export interface TopicsReplication {
  readonly replication_factor: number;
  readonly min_insync_replicas: number;
  readonly partitions: number;
}

export async function startBenchKafka(brokers: 1 | 3): Promise<BenchKafka> {
  const k: KafkaClusterTestServer = await startKafkaCluster(brokers);
  const pids = k.pids();
  return {
    brokers, url: k.url, pids,
    cpu: () => pids.reduce((a, p) => a + cpuSeconds(p), 0),
    layout: (topics) => k.layout(topics),
    stop: async () => {
      await k.stop({ kill: true });
      rmSync(k.dir, { recursive: true, force: true });
    },
  };
}

/** The smallest replication factor and min.insync.replicas over every partition of `topics`: what a write may rely on. */
export async function topicsReplication(kafka: BenchKafka, topics: readonly string[]): Promise<TopicsReplication> {
  const layout = await kafka.layout(topics);
  const parts = layout.flatMap((t) => t.partitions);
  return {
    replication_factor: Math.min(...parts.map((p) => p.replicas.length)),
    min_insync_replicas: Math.min(...layout.map((t) => t.minInsyncReplicas)),
    partitions: parts.length,
  };
}

/** Broker CPU per wall second with no client traffic (controller quorum, replica fetchers' long polls): the floor under every window. */
export async function idleCpuPerS(kafka: BenchKafka, seconds: number): Promise<number> {
  await sleep(5000); // past the start's own work (log recovery, the first metadata round)
  const cpu0 = kafka.cpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return (kafka.cpu() - cpu0) / ((performance.now() - t0) / 1000);
}

/**
 * Creates the topics, retried for up to a minute as the roles' readiness does: a cluster that
 * has just started may answer "This server does not host this topic-partition" for a moment.
 */
export async function ensureTopicsSettled(bus: Bus, topics: readonly string[]): Promise<void> {
  for (const deadline = Date.now() + 60_000; ; await sleep(2000)) {
    try {
      await bus.ensureTopics(topics);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}
