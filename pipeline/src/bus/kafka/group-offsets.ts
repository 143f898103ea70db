import { type Admin, Kafka, logLevel } from 'kafkajs';

// Group offsets set from outside the group: a benchmark (benchmarks/scale) starts a fresh worker's
// group where an earlier replay ended, so several replays in the same topics drain one by one.

/** Each topic's end offset per partition: where the log stood after a replay. */
export type LogEnds = ReadonlyMap<string, readonly { partition: number; offset: string }[]>;

export async function logEnds(brokers: string, topics: readonly string[]): Promise<LogEnds> {
  return withAdmin(brokers, async (admin) => new Map(await Promise.all(topics.map(async (t) =>
    [t, (await admin.fetchTopicOffsets(t)).map((p) => ({ partition: p.partition, offset: p.high }))] as const))));
}

/**
 * Commits `group`'s offsets at `ends` before any member joins, so a fresh worker drains only what
 * was published after them (one replay of several in the same topics).
 */
export async function startGroupAt(brokers: string, group: string, ends: LogEnds): Promise<void> {
  await withAdmin(brokers, async (admin) => {
    for (const [topic, partitions] of ends) await admin.setOffsets({ groupId: group, topic, partitions: [...partitions] });
  });
}

async function withAdmin<T>(brokers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'scale-bench-offsets', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
