import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coPartitionedAssigner, coPartitionedAssignment } from './co-partitioned.ts';

const layout = (topics: string[], n: number): { topic: string; partitions: number[] }[] => topics.map((topic) => ({ topic, partitions: Array.from({ length: n }, (_, p) => p) }));

describe('co-partitioned assignment', () => {
  it('gives partition p of every topic to one member, also where the count does not divide', () => {
    const a = coPartitionedAssignment(['m-b', 'm-c', 'm-a'], layout(['node', 'process', 'gpu'], 16));
    for (const [, assignment] of a) {
      const [first, ...rest] = Object.values(assignment);
      expect(first?.length).toBeGreaterThan(0);
      for (const ps of rest) expect(ps).toEqual(first);
    }
    // Every partition of every topic exactly once.
    const all = [...a.values()].flatMap((x) => Object.entries(x).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    expect(new Set(all).size).toBe(48);
    expect(all).toHaveLength(48);
    expect(a.get('m-a')?.node).toEqual([0, 3, 6, 9, 12, 15]);
  });

  it('keeps members without a partition in the answer, and answers no members with nothing', () => {
    const a = coPartitionedAssignment(['x', 'y', 'z'], layout(['t'], 2));
    expect(a.get('z')).toEqual({});
    expect(coPartitionedAssignment([], layout(['t'], 2)).size).toBe(0);
  });

  it('encodes what kafkajs decodes', async () => {
    const cluster = { findTopicPartitionMetadata: () => [0, 1, 2, 3].map((partitionId) => ({ partitionId })) } as never;
    const assigner = coPartitionedAssigner({ cluster, groupId: 'g', logger: {} as never });
    const out = await assigner.assign({ members: [{ memberId: 'b', memberMetadata: Buffer.alloc(0) }, { memberId: 'a', memberMetadata: Buffer.alloc(0) }], topics: ['t1', 't2'] });
    const decoded = Object.fromEntries(out.map((o) => [o.memberId, AssignerProtocol.MemberAssignment.decode(o.memberAssignment)?.assignment]));
    expect(decoded).toEqual({ a: { t1: [0, 2], t2: [0, 2] }, b: { t1: [1, 3], t2: [1, 3] } });
    expect(AssignerProtocol.MemberMetadata.decode(assigner.protocol({ topics: ['t1'] }).metadata)?.topics).toEqual(['t1']);
  });
});
