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
