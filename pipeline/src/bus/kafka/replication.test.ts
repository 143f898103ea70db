import { describe, expect, it } from 'vitest';
import { topicReplication } from './replication.ts';

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
