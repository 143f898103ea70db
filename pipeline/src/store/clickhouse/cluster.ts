import type { ClickHouseClient } from '@clickhouse/client';
import { type ClusterCapabilities, ConfigError, ident } from '@runlens/schemas';

/**
 * Session settings for a store that reads and writes through Distributed tables.
 * - insert_distributed_sync: an INSERT returns only once every shard's replica has the rows, so
 *   ingest acknowledges after a durable write (asynchronously, the rows would sit in the entry
 *   server's spool, lost to readers, or for good, if that server died before forwarding them).
 *   With internal_replication=true a shard's other replica fetches them through ZooKeeper.
 * - prefer_localhost_replica=0: 18.16 fails `SELECT … FROM dist FINAL ORDER BY …` on its local
 *   shard ("Cannot find column … in source stream"); through the network path it is right.
 * - distributed_product_mode='global': the run-page queries use `IN (SELECT …)` over other
 *   Distributed tables; GLOBAL IN gives the single-server answer (the default refuses).
 */
export const CLUSTER_SETTINGS = {
  insert_distributed_sync: 1,
  prefer_localhost_replica: 0,
  distributed_product_mode: 'global',
} as const;

async function rows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

/**
 * The named cluster as the connected server sees it. The server must list it in remote_servers,
 * define the `shard` and `replica` macros the replicated tables' ZooKeeper paths use, and reach
 * ZooKeeper; each gap is a ConfigError naming what to fix.
 */
export async function probeCluster(client: ClickHouseClient, name: string): Promise<Omit<ClusterCapabilities, 'onCluster'>> {
  const c = ident(name);
  const members = await rows<{ shard_num: number; replica_num: number }>(client,
    `SELECT shard_num, replica_num FROM system.clusters WHERE cluster = '${c}'`);
  const problems: string[] = [];
  if (members.length === 0) problems.push(`RUNLENS_CLICKHOUSE_CLUSTER: the server has no cluster '${c}' in remote_servers`);
  const macros = new Set((await rows<{ macro: string }>(client, 'SELECT macro FROM system.macros')).map((m) => m.macro));
  for (const m of ['shard', 'replica']) if (!macros.has(m)) problems.push(`RUNLENS_CLICKHOUSE_CLUSTER: the server defines no '${m}' macro`);
  const zk = await rows<{ n: number }>(client, "SELECT count() AS n FROM system.zookeeper WHERE path = '/'").catch(() => null);
  if (zk === null) problems.push('RUNLENS_CLICKHOUSE_CLUSTER: the server has no ZooKeeper (replicated tables need one)');
  if (problems.length > 0) throw new ConfigError(problems);
  const shards = new Set(members.map((m) => Number(m.shard_num))).size;
  return { name: c, shards, replicas: Math.max(...members.map((m) => Number(m.replica_num))) };
}

/** Whether `ON CLUSTER` DDL works, found by trying the database's own CREATE with it. */
export async function createClusterDatabase(client: ClickHouseClient, database: string, cluster: string): Promise<boolean> {
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ident(database)} ON CLUSTER ${ident(cluster)}` });
    return true;
  } catch (e) {
    // Code 62 (syntax): a server without distributed DDL. Anything else is a real failure.
    if (!/Code: 62|Syntax error/.test(String(e))) throw e;
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${ident(database)}` });
    return false;
  }
}
