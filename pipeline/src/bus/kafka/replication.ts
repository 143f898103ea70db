import type { ReplicationShortfall } from '../types.ts';

/**
 * How the topics RunLens creates are replicated: the one home of that rule. It follows the
 * brokers the cluster has: 3 replicas once there are 3 brokers, and then a write with
 * acks=all (every producer here) needs 2 of them in sync, so one broker may die without a
 * loss or a stop. Fewer brokers give as many replicas as brokers and need one.
 */
export interface TopicReplication {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

export const MAX_REPLICATION = 3;

export function topicReplication(brokers: number): TopicReplication {
  const replicationFactor = Math.max(1, Math.min(MAX_REPLICATION, brokers));
  return { replicationFactor, minInsyncReplicas: replicationFactor >= MAX_REPLICATION ? 2 : 1 };
}

/**
 * Topics whose replication factor or min.insync.replicas falls short of what RunLens would create
 * on `brokers` brokers today: a topic created against one broker (or while nodes were down) keeps
 * one replica after the cluster grows, and a broker loss then stops or loses its partitions.
 */
export function replicationShortfalls(layouts: readonly { topic: string; minInsyncReplicas: number; partitions: readonly { replicas: readonly number[] }[] }[], brokers: number): ReplicationShortfall[] {
  const want = topicReplication(brokers);
  const out: ReplicationShortfall[] = [];
  for (const t of layouts) {
    const rf = Math.min(...t.partitions.map((p) => p.replicas.length));
    if (!Number.isFinite(rf)) continue;
    if (rf < want.replicationFactor || t.minInsyncReplicas < want.minInsyncReplicas) {
      out.push({ topic: t.topic, replication_factor: rf, min_insync_replicas: t.minInsyncReplicas, wanted_replication_factor: want.replicationFactor, wanted_min_insync_replicas: want.minInsyncReplicas });
    }
  }
  return out;
}
