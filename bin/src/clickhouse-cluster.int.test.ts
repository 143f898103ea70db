import { buildReport } from '@runlens/analyzer';
import { type Store, openClickHouseStore } from '@runlens/pipeline';
import { type TestClickHouseCluster, clickHouseClusterUnavailable, startClickHouseCluster } from '@runlens/pipeline/testing/clickhouse-cluster';
import { type TestServer, startClickHouse, startSideBySide } from '@runlens/pipeline/testing/servers';
import {
  type RunScope, findingsOfRun, gpuUsage, hostUsage, mpiRankTotals, processBuckets, rankTotals, resourceBuckets, runById, runSeconds,
  sampleTotals, tableNames, topProcesses, visibleRuns,
} from '@runlens/schemas';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterRunData } from './testing/cluster-run-data.ts';
import { storedCounts, totals } from './testing/stored-counts.ts';

/**
 * The same run written to one ClickHouse 18.16 server and to a 2 shards × 2 replicas cluster
 * (ReplicatedReplacingMergeTree under Distributed tables, ZooKeeper): its report and every
 * run-page query read the same from both, through FINAL, from any replica as the entry point.
 */
const unavailable = clickHouseClusterUnavailable();
const log = (what: string, fields: Record<string, unknown>): void => console.log(`[ch-cluster] ${what} ${JSON.stringify(fields)}`);

async function runPage(store: Store, data: ClusterRunData): Promise<Record<string, unknown>> {
  const run = await runById(store, data.runId);
  const scope: RunScope = { run_id: data.runId, hosts: run?.hosts ?? [], start_ms: data.base, end_ms: data.endMs };
  return {
    run, findings: await findingsOfRun(store, data.runId), seconds: await runSeconds(store, data.runId),
    totals: await sampleTotals(store, data.runId), top: await topProcesses(store, data.runId, 8), ranks: await rankTotals(store, data.runId),
    mpi: await mpiRankTotals(store, data.runId), hosts: await hostUsage(store, data.runId), gpus: await gpuUsage(store, data.runId),
    process: await processBuckets(store, scope, 10), network: await resourceBuckets(store, 'network', scope, 10),
    gpu: await resourceBuckets(store, 'gpu', scope, 10), outside: await resourceBuckets(store, 'outside_cpu', scope, 10),
    list: (await visibleRuns(store, { user: 'ops', role: 'ops' })).filter((r) => r.run_id.startsWith(data.runId)),
  };
}

/**
 * Sums over shards add floats in another order than one server does: 369.0000000000035 against
 * 369.0000000000015. Twelve significant digits is far below what a report or chart shows, and far
 * above that noise; everything else (order, counts, strings) must match exactly.
 */
function sig12(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(sig12);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sig12(x)]));
  return v;
}

describe.skipIf(unavailable !== null)(`ClickHouse cluster reads like one server${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let single: TestServer;
  let cluster: TestClickHouseCluster;
  const stores: Store[] = [];
  const database = `t_${randomBytes(4).toString('hex')}`;
  const data = new ClusterRunData();

  beforeAll(async () => {
    [single, cluster] = await startSideBySide([startClickHouse(), startClickHouseCluster()] as const);
  }, 400_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    await Promise.all([single?.stop(), cluster?.stop()]);
  });

  it('a run\'s report and run-page queries are identical on the 2×2 cluster and on a single server', async () => {
    const one = await openClickHouseStore({ url: single.url, database });
    const writer = await openClickHouseStore({ url: cluster.urls.s1r1, database, cluster: cluster.name });
    stores.push(one, writer);
    await one.migrate();
    expect(await writer.migrate()).toEqual([]);
    expect(writer.capabilities.cluster).toEqual({ name: cluster.name, shards: 2, replicas: 2, onCluster: true });
    await data.insert(one);
    await data.insert(writer);
    await cluster.syncReplicas(database, tableNames);
    // Read through the other shard's second replica: what the first one wrote reached it.
    const reader = await openClickHouseStore({ url: cluster.urls.s2r2, database, cluster: cluster.name });
    stores.push(reader);

    const oneCounts = await storedCounts(one, 'process_samples', 'host');
    const clusterCounts = await storedCounts(reader, 'process_samples', 'host');
    log('process_samples per host', { single: totals(oneCounts.values()), cluster: totals(clusterCounts.values()) });
    // Raw counts differ by when each server's background merges ran; FINAL must not.
    const finals = (m: Map<string, { final: number }>): Record<string, number> => Object.fromEntries([...m].map(([k, c]) => [k, c.final]).sort());
    expect(finals(clusterCounts)).toEqual(finals(oneCounts));
    expect(Object.values(finals(clusterCounts))).toEqual(Array(6).fill(180));

    const expected = await runPage(one, data);
    expect((expected.findings as unknown[]).length).toBe(2);
    expect(sig12(await runPage(reader, data))).toEqual(sig12(expected));
    const report = await buildReport(one, data.runId, data.endMs);
    expect(report?.baseline?.runs).toBe(5);
    expect(sig12(await buildReport(reader, data.runId, data.endMs))).toEqual(sig12(report));
  }, 400_000);
});
