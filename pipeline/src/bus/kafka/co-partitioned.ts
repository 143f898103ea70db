import { AssignerProtocol, type Assignment, type PartitionAssigner } from 'kafkajs';

/**
 * Partition p of every topic to the same member: `members` sorted, member p mod n. Kafka Streams
 * co-partitions its inputs this way; kafkajs's round robin deals out the topics' partitions in one
 * sequence, so a key's partitions of two topics meet in one member only where the partition count
 * divides by the number of members.
 */
export function coPartitionedAssignment(members: readonly string[], topics: readonly { topic: string; partitions: readonly number[] }[]): Map<string, Assignment> {
  const sorted = [...members].sort();
  const out = new Map<string, Assignment>(sorted.map((m) => [m, {}]));
  if (sorted.length === 0) return out;
  for (const { topic, partitions } of topics) {
    for (const p of partitions) {
      const a = out.get(sorted[p % sorted.length] as string) as Assignment;
      (a[topic] ??= []).push(p);
    }
  }
  return out;
}

const NAME = 'RunLensCoPartitioned';
const VERSION = 0;

/** The kafkajs assigner of coPartitionedAssignment (a group whose members all offer it uses it). */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: NAME,
  version: VERSION,
  async assign({ members, topics }) {
    const layout = topics.map((topic) => ({ topic, partitions: cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId) }));
    return [...coPartitionedAssignment(members.map((m) => m.memberId), layout)].map(([memberId, assignment]) => ({
      memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: VERSION, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: VERSION, topics, userData: Buffer.alloc(0) }) };
  },
});
