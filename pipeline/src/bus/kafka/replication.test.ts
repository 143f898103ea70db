import { describe, expect, it } from 'vitest';
import { replicationShortfalls, topicReplication } from './replication.ts';

describe('topic replication follows the broker count', () => {
  it('one broker: one replica, one in sync', () => {
    expect(topicReplication(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });
  it('two brokers: two replicas, a write needs one', () => {
    expect(topicReplication(2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
  });
  it('three or more brokers: three replicas, a write needs two', () => {
    expect(topicReplication(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(topicReplication(9)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });
  it('no broker seen yet still asks for one replica (the broker then refuses, and the caller retries)', () => {
    expect(topicReplication(0).replicationFactor).toBe(1);
  });
});

describe('topics replicated less than the cluster allows', () => {
  const topic = (name: string, rf: number, minIsr: number) => ({
    topic: name, minInsyncReplicas: minIsr, partitions: [0, 1, 2, 3].map(() => ({ replicas: [1, 2, 3].slice(0, rf) })),
  });

  it('a topic created against one broker, in a cluster of three: named, with what it has and what it should have', () => {
    expect(replicationShortfalls([topic('runlens.node_samples.v1', 1, 1), topic('runlens.process_samples.v1', 3, 2)], 3)).toEqual([
      { topic: 'runlens.node_samples.v1', replication_factor: 1, min_insync_replicas: 1, wanted_replication_factor: 3, wanted_min_insync_replicas: 2 },
    ]);
  });

  it('three replicas that accept a write with one in sync fall short too', () => {
    expect(replicationShortfalls([topic('t', 3, 1)], 5)).toHaveLength(1);
  });

  it('the fewest replicas of any partition counts', () => {
    const t = { topic: 't', minInsyncReplicas: 2, partitions: [{ replicas: [1, 2, 3] }, { replicas: [2] }] };
    expect(replicationShortfalls([t], 3)[0]?.replication_factor).toBe(1);
  });

  it('a single broker wants one replica: nothing to say', () => {
    expect(replicationShortfalls([topic('t', 1, 1)], 1)).toEqual([]);
  });
});
