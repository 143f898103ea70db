import { Partitioners } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/** The partition Kafka's producer puts a keyed message in (kafkajs's default, Java's murmur2): where a run id or host lands. */
export function kafkaPartitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionId: i, partitionErrorCode: 0, leader: 0, replicas: [0], isr: [0], offlineReplicas: [] }));
  return partitioner({ topic: '', message: { key, value: null }, partitionMetadata });
}
