import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startOrStop } from './servers.ts';

const run = promisify(execFile);
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'deploy', 'clickhouse');
const has = (path: string): boolean => spawnSync('sh', ['-c', `command -v ${path}`], { stdio: 'ignore' }).status === 0;

export const CLUSTER_NODES = ['s1r1', 's1r2', 's2r1', 's2r2'] as const;
export type ClusterNode = (typeof CLUSTER_NODES)[number] | 'zk';

/** Why a cluster cannot start here, or null: tests skip with this reason instead of failing. */
export function clickHouseClusterUnavailable(): string | null {
  if (!has('clickhouse-server')) return 'clickhouse-server is not installed (apt-get install clickhouse-server)';
  if (!has('/usr/share/zookeeper/bin/zkServer.sh')) return "Debian's zookeeper is not installed (apt-get install zookeeper)";
  if (!has('java')) return 'java is not installed (ZooKeeper needs it)';
  return null;
}

export interface TestClickHouseCluster {
  readonly name: string;
  readonly dir: string;
  /** The HTTP URL of each replica, by node. */
  readonly urls: Readonly<Record<(typeof CLUSTER_NODES)[number], string>>;
  /** Starts the whole cluster, or one node (ZooKeeper included) as the fault tests do. */
  start(node?: ClusterNode): Promise<void>;
  /** Stops it all, or one node; `kill` sends SIGKILL. */
  stop(opts?: { node?: ClusterNode; kill?: boolean }): Promise<void>;
  /** PIDs of the four servers and ZooKeeper, for CPU accounting (benchmarks). */
  pids(): number[];
  /** Waits until every replica of every `<table>_local` in `database` has fetched what its peer holds. */
  syncReplicas(database: string, tables: readonly string[]): Promise<void>;
}

/**
 * 2 shards × 2 replicas of Debian's ClickHouse and one ZooKeeper through deploy/clickhouse's
 * cluster-start, on free ports in a temp dir of their own.
 */
export async function startClickHouseCluster(): Promise<TestClickHouseCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-chcluster-'));
  const ports: number[] = [];
  while (ports.length < 13) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const url = (i: number): string => `http://127.0.0.1:${ports[1 + 3 * i] ?? 0}`;
  const urls = { s1r1: url(0), s1r2: url(1), s2r1: url(2), s2r2: url(3) };
  const only = (node?: ClusterNode): string[] => (node ? ['--only', node] : []);
  const c: TestClickHouseCluster = {
    name: 'runlens_2x2', dir, urls,
    start: async (node) => {
      await run(join(SCRIPTS, 'cluster-start'), ['--dir', dir, '--ports', ports.join(','), ...only(node)], { timeout: 300_000 });
    },
    stop: async (opts) => {
      await run(join(SCRIPTS, 'cluster-stop'), ['--dir', dir, ...only(opts?.node), ...(opts?.kill ? ['--kill'] : [])], { timeout: 120_000 });
    },
    pids: () => [...CLUSTER_NODES.map((n) => join(dir, n, 'clickhouse.pid.launch')), join(dir, 'zk', 'zk.pid')]
      .filter(existsSync).map((f) => Number(readFileSync(f, 'utf8').trim())),
    syncReplicas: async (database, tables) => {
      for (const u of Object.values(urls)) {
        for (const t of tables) {
          const res = await fetch(u, { method: 'POST', body: `SYSTEM SYNC REPLICA ${database}.${t}_local` });
          if (!res.ok) throw new Error(`sync ${t}_local on ${u}: ${await res.text()}`);
        }
      }
    },
  };
  return startOrStop(c);
}
