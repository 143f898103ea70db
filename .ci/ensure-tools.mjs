// Installs the Debian packages the tests drive (workload generators, Slurm), reusing what is there.
import { execFileSync, spawnSync } from 'node:child_process';

const NEEDED = [
  { bin: 'stress-ng', pkg: 'stress-ng' },
  { bin: 'fio', pkg: 'fio' },
  { bin: 'chromium', pkg: 'chromium' },
  // Debian's ClickHouse 18.16 server: the store tests run every read on it as well as on chDB.
  { bin: 'clickhouse-server', pkg: 'clickhouse-server' },
  { bin: 'clickhouse-client', pkg: 'clickhouse-client' },
  // A real scheduler for the Slurm tests (deploy/testbed): slurmctld, slurmd and munge.
  { bin: 'slurmd', pkg: 'slurm-wlm' },
  { bin: 'munged', pkg: 'munge' },
  // Alerting is tested against a real Alertmanager (v2 API, grouping, resolve).
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  // promtool checks every role's /metrics page (bin/src/metrics-endpoints.int.test.ts).
  { bin: 'promtool', pkg: 'prometheus' },
  // benchmarks/latency's memory-pressure workload maps its dataset (scenarios/generators/reread.py).
  { bin: 'python3', pkg: 'python3' },
  // deploy/testbed/stack-up forwards the hub's dashboard and ClickHouse to this machine's loopback.
  { bin: 'socat', pkg: 'socat' },
  // ZooKeeper 3.8 coordinates the replicated ClickHouse cluster (deploy/clickhouse/cluster-start).
  { bin: '/usr/share/zookeeper/bin/zkServer.sh', pkg: 'zookeeper' },
  // Open MPI for the MPI tests: mpirun, and mpicc to build the PMPI library and mpiwork.
  { bin: 'mpirun', pkg: 'openmpi-bin' },
  { bin: 'mpicc', pkg: 'libopenmpi-dev' },
];

function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function ensureTools(log = (m) => process.stderr.write(`${m}\n`)) {
  const missing = NEEDED.filter((t) => !has(t.bin)).map((t) => t.pkg);
  if (missing.length === 0) return;
  log(`installing ${missing.join(', ')} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env }).status === 0;
  if (!install()) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (!install()) throw new Error(`could not install ${missing.join(', ')}`);
  }
}
