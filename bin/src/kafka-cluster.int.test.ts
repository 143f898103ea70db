import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { type KafkaClusterTestServer, type TestServer, freePort, kafkaClusterMissing, startClickHouse, startKafkaCluster } from '@runlens/pipeline/testing/servers';
import { topicFor } from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { deliveryReport, expectStoredOnce, publishedCounts, settleStored } from './testing/published-vs-stored.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';

/**
 * Replicated Kafka on real servers: 4 agents sampling for real → a 3-node Kafka 3.9 KRaft
 * cluster (replication factor 3, min.insync.replicas 2, acks=all) → 2 ingest replicas →
 * Debian's ClickHouse 18.16. The broker leading most sample partitions is killed -9 mid-stream,
 * stays down while leadership moves, then restarts and catches up. Every row the agents
 * published is stored (lost = 0), and the copies a retry stored twice collapse under FINAL.
 */
const TABLES = ['process_samples', 'node_samples', 'device_samples'] as const;
const TOPICS = TABLES.map(topicFor);
const INTERVAL_MS = 1000;
const log = (what: string, fields: Record<string, unknown>): void => console.log(`[kafka-cluster] ${what} ${JSON.stringify(fields)}`);
// It failed 3 of 4 runs until ingest committed through the batch payload: kafkajs's
// consumer.commitOffsets retried NOT_COORDINATOR for ever against the coordinator it had
// cached, so ingest stopped once the group's coordinator moved with the killed broker.
const missing = kafkaClusterMissing();

describe.skipIf(missing !== null)(`replicated Kafka: 3 brokers, the partition leader killed -9 mid-stream${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let kafka: KafkaClusterTestServer;
  let clickhouse: TestServer;
  let store: Store;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];

  const env = (extra: Record<string, string>): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database,
    RUNLENS_SAMPLERS: 'process,node', RUNLENS_LOG_LEVEL: 'info', RUNLENS_INTERVAL_MS: String(INTERVAL_MS), ...extra,
  });
  const role = (name: 'ingest' | 'agent', extra: Record<string, string>): RoleProcess => {
    const r = new RoleProcess(name, env(extra));
    roles.push(r);
    return r;
  };
  /** Polls the cluster's view of the sample topics until `ok` holds; returns the last view. */
  const layoutUntil = async (what: string, ok: (l: Awaited<ReturnType<KafkaClusterTestServer['layout']>>) => boolean, timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await kafka.layout(TOPICS).catch(() => null);
      if (l && ok(l)) return l;
      if (Date.now() > deadline) throw new Error(`kafka: ${what} not within ${timeoutMs} ms; last layout ${JSON.stringify(l)}`);
      await sleep(1000);
    }
  };

  beforeAll(async () => {
    [kafka, clickhouse] = await Promise.all([startKafkaCluster(3), startClickHouse()]);
    store = await openClickHouseStore({ url: clickhouse.url, database });
  }, 400_000);
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    await store?.close();
    await Promise.all([kafka?.stop(), clickhouse?.stop()]);
  });

  it('loses nothing and collapses duplicates when the leader broker is killed -9 and restarted', async () => {
    const replicas = [role('ingest', { RUNLENS_METRICS_PORT: String(await freePort()) }), role('ingest', { RUNLENS_METRICS_PORT: String(await freePort()) })];
    await Promise.all(replicas.map((r) => r.waitFor('ingest started', 120_000)));
    const agents = ['sim-1', 'sim-2', 'sim-3', 'sim-4'].map((h) => role('agent', { RUNLENS_HOST: h, RUNLENS_SPOOL_DIR: tempDir('runlens-spool-') }));
    await Promise.all(agents.map((a) => a.waitFor('agent started', 120_000)));
    const startedAt = Date.now();

    // The roles created the topics: 3 replicas on 3 brokers, a write needs 2 in sync.
    const before = await layoutUntil('every replica in sync', (l) => l.every((t) => t.partitions.every((p) => p.isr.length === 3)));
    for (const t of before) {
      expect(t.minInsyncReplicas, t.topic).toBe(2);
      for (const p of t.partitions) expect(new Set(p.replicas).size, `${t.topic}/${p.partition}`).toBe(3);
    }
    await sleep(8000);

    // kill -9 the broker that leads most sample partitions, while the agents publish.
    const led = new Map<number, number>();
    for (const t of before) for (const p of t.partitions) led.set(p.leader, (led.get(p.leader) ?? 0) + 1);
    const [victim, ledCount] = [...led].sort((a, b) => b[1] - a[1])[0] ?? [1, 0];
    const killedAt = Date.now();
    await kafka.stopNode(victim, { kill: true });
    const moved = await layoutUntil(`leadership away from node ${victim}`, (l) => l.every((t) => t.partitions.every((p) => p.leader >= 0 && p.leader !== victim)));
    const failoverS = Math.round((Date.now() - killedAt) / 1000);
    expect(moved.every((t) => t.partitions.every((p) => !p.isr.includes(victim)))).toBe(true);
    await sleep(20_000); // agents keep publishing to 2 in-sync replicas
    await kafka.start(); // the same command brings back only the node that is down
    await layoutUntil(`node ${victim} back in sync`, (l) => l.every((t) => t.partitions.every((p) => p.isr.length === 3)));
    log('leader killed -9 and restarted', { node: victim, partitions_it_led: ledCount, failover_s: failoverS, down_s: Math.round((Date.now() - killedAt) / 1000) });
    await sleep(8000);

    const stoppedAt = Date.now();
    await Promise.all(agents.map((a) => a.stop()));
    const stops = agents.map((a) => a.lines.find((l) => l.msg === 'agent stopped') ?? {});
    expect(stops.every((s) => s.spool_dropped === 0 && s.spool_backlog === 0)).toBe(true);
    // Ticks against the clock are logged, not asserted: with three JVMs beside the roles on a
    // shared 2-core machine, a tick ratio says more about the machine than about Kafka.
    const tickRatios = stops.map((s) => Number((Number(s.ticks) * INTERVAL_MS / (stoppedAt - startedAt)).toFixed(2)));
    for (const s of stops) expect(Number(s.ticks), String(s.host)).toBeGreaterThan(0);
    const expected = publishedCounts(stops, TABLES);
    expect(Object.keys(expected)).toHaveLength(4 * TABLES.length);
    const got = await settleStored(store, TABLES, expected, 180_000);
    const report = deliveryReport(got, expected);
    log('delivery', { lost: report.lost, doubled: report.doubled, published: report.published, raw: report.raw, final: report.final,
      tick_ratios: tickRatios, spooled_agents: agents.filter((a) => a.lines.some((l) => l.msg === 'bus unreachable; spooling to disk')).length });
    if (report.lost > 0) for (const r of replicas) log('ingest log (lost rows)', { lines: r.lines.filter((l) => l.level !== 'debug').slice(-40) });
    expect(report.lost).toBe(0);
    expectStoredOnce('samples', got, expected, log);
  }, 600_000);
});
