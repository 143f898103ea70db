import { MemoryBus, type ReplicationShortfall } from '@runlens/pipeline';
import { createLogger } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { warnUnderReplicated } from './wait-for.ts';

const logged = (): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } => {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createLogger('debug', {}, (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
};

/** The memory bus, reporting what a Kafka cluster grown after its topics were made reports (the method itself is tested on 3 brokers). */
class GrownCluster extends MemoryBus {
  constructor(private readonly short: ReplicationShortfall[] | Error) { super(); }
  override async replicationShortfalls(): Promise<ReplicationShortfall[]> {
    if (this.short instanceof Error) throw this.short;
    return this.short;
  }
}

describe('roles warn about topics replicated less than the cluster allows', () => {
  it('one WARN naming each topic, what it has and wants, and that it takes a partition reassignment', async () => {
    const { lines, log } = logged();
    const short = { topic: 'runlens.node_samples.v1', replication_factor: 1, min_insync_replicas: 1, wanted_replication_factor: 3, wanted_min_insync_replicas: 2 };
    await warnUnderReplicated(new GrownCluster([short]), ['runlens.node_samples.v1'], log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', topics: [short] });
    expect(String(lines[0]?.fix)).toMatch(/partition reassignment/);
    expect(String(lines[0]?.fix)).toMatch(/cannot change it in place/);
  });

  it('says nothing when every topic is replicated as it should be, and never holds a role back when the check fails', async () => {
    const { lines, log } = logged();
    await warnUnderReplicated(new GrownCluster([]), ['t'], log);
    expect(lines).toEqual([]);
    await warnUnderReplicated(new GrownCluster(new Error('TOPIC_AUTHORIZATION_FAILED')), ['t'], log);
    expect(lines.map((l) => l.level)).toEqual(['debug']);
  });
});
