import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { type TestClickHouseCluster, clickHouseClusterUnavailable, startClickHouseCluster } from '@runlens/pipeline/testing/clickhouse-cluster';
import { type TestServer, freePort, startKafka } from '@runlens/pipeline/testing/servers';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './testing/cli-harness.ts';
import { RoleProcess, sleep } from './testing/role-process.ts';
import { type StoredCount, storedCounts, totals } from './testing/stored-counts.ts';

/**
 * Agents → one Kafka broker → two ingest replicas → a 2 shards × 2 replicas ClickHouse 18.16
 * cluster with ZooKeeper, while one replica (the entry point of one ingest replica, and a shard
 * replica the other's Distributed inserts may pick) is killed -9 and restarted, and ZooKeeper is
 * killed -9 and restarted (replicated tables turn read-only meanwhile). Every row the agents
 * published is stored once under FINAL, per host and table; lost and doubled rows are counted,
 * and both replicas of each shard end with the same rows.
 */
const unavailable = clickHouseClusterUnavailable();
const TABLES = ['process_samples', 'node_samples'] as const;
const FAILED = 'batch failed; it will be redelivered';
const log = (what: string, fields: Record<string, unknown>): void => console.log(`[ch-cluster-faults] ${what} ${JSON.stringify(fields)}`);

type Counts = Map<string, StoredCount>;

async function counts(store: Store, suffix = ''): Promise<Counts> {
  const out: Counts = new Map();
  for (const t of TABLES) for (const [host, c] of await storedCounts(store, `${t}${suffix}`, 'host')) out.set(`${host}/${t}`, c);
  return out;
}

function published(stops: readonly Record<string, unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of stops) {
    for (const t of TABLES) out[`${String(s.host)}/${t}`] = Number((s.rows_published as Record<string, number>)[t] ?? 0);
  }
  return out;
}

/** Lost: published but not stored; doubled: stored twice and still raw (FINAL collapses them). */
function lostAndDoubled(got: Counts, expected: Record<string, number>): { published: number; stored_final: number; lost: number; extra: number; doubled_raw: number } {
  let lost = 0;
  let extra = 0;
  for (const [k, n] of Object.entries(expected)) {
    const f = got.get(k)?.final ?? 0;
    lost += Math.max(0, n - f);
    extra += Math.max(0, f - n);
  }
  const t = totals([...got].filter(([k]) => k in expected).map(([, c]) => c));
  return { published: Object.values(expected).reduce((a, b) => a + b, 0), stored_final: t.final, lost, extra, doubled_raw: t.duplicates };
}

describe.skipIf(unavailable !== null)(`ingest into a ClickHouse cluster through faults${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let kafka: TestServer;
  let cluster: TestClickHouseCluster;
  let store: Store;
  const database = `t_${randomBytes(4).toString('hex')}`;
  const roles: RoleProcess[] = [];

  const env = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
    RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_CLICKHOUSE_URL: url, RUNLENS_CLICKHOUSE_DATABASE: database, RUNLENS_CLICKHOUSE_CLUSTER: cluster.name,
    RUNLENS_SAMPLERS: 'process,node', RUNLENS_LOG_LEVEL: 'info', RUNLENS_INTERVAL_MS: '1000', ...extra,
  });
  const ingest = async (url: string): Promise<RoleProcess> => {
    const r = new RoleProcess('ingest', env(url, { RUNLENS_METRICS_PORT: String(await freePort()) }));
    roles.push(r);
    await r.waitFor('ingest started', 180_000);
    return r;
  };
  const agent = (host: string): RoleProcess => {
    const r = new RoleProcess('agent', env(cluster.urls.s1r1, { RUNLENS_HOST: host, RUNLENS_SPOOL_DIR: tempDir('runlens-spool-') }));
    roles.push(r);
    return r;
  };
  const failed = (rs: readonly RoleProcess[], marks: readonly number[]): Record<string, unknown>[] =>
    rs.flatMap((r, i) => r.lines.slice(marks[i]).filter((l) => l.msg === FAILED));
  /** How many batches failed, and why: the store's failure reason and ClickHouse's code, as ingest logged them. */
  const failures = (rs: readonly RoleProcess[], marks: readonly number[]): { batches: number; causes: string[] } => {
    const lines = failed(rs, marks);
    const cause = (l: Record<string, unknown>): string => {
      const e = String(l.error);
      return [/\(([a-z_]+)\)/.exec(e)?.[1] ?? 'unclassified', /Code: \d+/.exec(e)?.[0]].filter(Boolean).join(', ');
    };
    return { batches: lines.length, causes: [...new Set(lines.map(cause))] };
  };

  beforeAll(async () => {
    [kafka, cluster] = await Promise.all([startKafka(), startClickHouseCluster()]);
  }, 400_000);
  afterAll(async () => {
    for (const r of roles) r.child.kill('SIGKILL');
    await store?.close();
    await Promise.all([kafka?.stop(), cluster?.stop()]);
  });

  it('loses nothing through a replica kill -9 and a ZooKeeper kill -9; duplicates collapse under FINAL', async () => {
    // Two ingest replicas enter the cluster at different servers: s1r1, and s2r2, the victim.
    const replicas = [await ingest(cluster.urls.s1r1), await ingest(cluster.urls.s2r2)];
    store = await openClickHouseStore({ url: cluster.urls.s1r1, database, cluster: cluster.name });
    const agents = ['chf-1', 'chf-2', 'chf-3', 'chf-4'].map((h) => agent(h));
    await Promise.all(agents.map((a) => a.waitFor('agent started')));
    await sleep(10_000);

    let marks = replicas.map((r) => r.lines.length);
    await cluster.stop({ node: 's2r2', kill: true });
    await sleep(20_000);
    await cluster.start('s2r2');
    const replicaFailures = failures(replicas, marks);
    log('replica s2r2 killed -9 for 20 s and restarted', { failed_batches_meanwhile: replicaFailures });
    await sleep(10_000);

    marks = replicas.map((r) => r.lines.length);
    await cluster.stop({ node: 'zk', kill: true });
    await sleep(20_000);
    await cluster.start('zk');
    const zkFailures = failures(replicas, marks);
    log('zookeeper killed -9 for 20 s and restarted', { failed_batches_meanwhile: zkFailures });
    await sleep(10_000);

    await Promise.all(agents.map((a) => a.stop()));
    const stops = agents.map((a) => a.lines.find((l) => l.msg === 'agent stopped') ?? {});
    expect(stops.every((s) => s.spool_dropped === 0)).toBe(true);
    const expected = published(stops);
    expect(Object.values(expected).every((n) => n > 0)).toBe(true);
    // Both faults were felt by ingest, not sidestepped.
    expect(replicaFailures.batches).toBeGreaterThan(0);
    expect(zkFailures.batches).toBeGreaterThan(0);

    const got = await settle(store, expected);
    log('stored rows', lostAndDoubled(got, expected));
    expect(Object.fromEntries([...got].filter(([k]) => k in expected).map(([k, c]) => [k, c.final]))).toEqual(expected);
    for (const c of got.values()) expect(c.raw).toBeGreaterThanOrEqual(c.final);

    // Each shard's two replicas hold the same rows: the restarted one caught up through ZooKeeper.
    await cluster.syncReplicas(database, TABLES);
    const perReplica: Record<string, Record<string, number>> = {};
    for (const [node, url] of Object.entries(cluster.urls)) {
      const direct = await openClickHouseStore({ url, database });
      perReplica[node] = Object.fromEntries([...(await counts(direct, '_local'))].map(([k, c]) => [k, c.final]));
      await direct.close();
    }
    log('rows per replica (FINAL)', Object.fromEntries(Object.entries(perReplica).map(([n, m]) => [n, Object.values(m).reduce((a, b) => a + b, 0)])));
    expect(perReplica.s1r2).toEqual(perReplica.s1r1);
    expect(perReplica.s2r2).toEqual(perReplica.s2r1);
    const shardSum = { ...perReplica.s1r1, ...perReplica.s2r1 };
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, shardSum[k] ?? 0]))).toEqual(expected);
  }, 600_000);
});

/** Polls FINAL counts until they match what was published, or the deadline passes. */
async function settle(store: Store, expected: Record<string, number>, timeoutMs = 180_000): Promise<Counts> {
  const deadline = Date.now() + timeoutMs;
  const done = (c: Counts): boolean => Object.entries(expected).every(([k, n]) => c.get(k)?.final === n);
  let got = await counts(store);
  while (!done(got) && Date.now() < deadline) {
    await sleep(2000);
    got = await counts(store);
  }
  return got;
}
