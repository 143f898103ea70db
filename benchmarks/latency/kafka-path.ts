import { type Bus, type Store, openClickHouseStore, openKafkaBus } from '@runlens/pipeline';
import { type TestServer, freePort, startClickHouse, startKafka } from '@runlens/pipeline/testing/servers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPIN, type Started, alive, onInterrupt, sleep, startProcess, stopProcess } from './procs.ts';
import { type RunLensResult, type Schedule, measureRunLens } from './runlens-path.ts';

const RUNLENS = join(import.meta.dirname, '..', '..', 'bin', 'runlens');
const CLUSTER = 'latency';
const HOST = 'lat-node-1';

/** Starts both servers; if one fails, stops the other and names the one that failed. */
async function startServers(log: (l: string) => void): Promise<{ kafka: TestServer; clickhouse: TestServer }> {
  log('Kafka path: starting Kafka 3.9 and ClickHouse 18.16');
  const [k, c] = await Promise.allSettled([startKafka(), startClickHouse()]);
  if (k.status === 'fulfilled' && c.status === 'fulfilled') return { kafka: k.value, clickhouse: c.value };
  if (k.status === 'fulfilled') await k.value.stop({ kill: true });
  if (c.status === 'fulfilled') await c.value.stop({ kill: true });
  const why = (r: PromiseSettledResult<TestServer>): string => (r.status === 'rejected' ? String(r.reason) : 'ok');
  throw new Error(`Kafka path: servers failed to start (deploy/kafka/start, deploy/clickhouse/start): kafka: ${why(k)}; clickhouse: ${why(c)}`);
}

/** A `bin/runlens` role; resolves once it logs `<role> started`, or throws with its log tail. */
async function startRole(role: 'agent' | 'ingest' | 'analyze', env: Record<string, string>): Promise<Started> {
  const r = startProcess(`runlens ${role}`, RUNLENS, [role], env);
  for (const deadline = Date.now() + 90_000; Date.now() < deadline; await sleep(100)) {
    if (r.lines.some((l) => l.msg === `${role} started`)) return r;
    if (!alive(r.child)) break;
  }
  throw new Error(`Kafka path: runlens ${role} did not start (exit ${r.child.exitCode ?? r.child.signalCode ?? 'none yet'})\n${r.tail()}`);
}

/**
 * The cluster path: `runlens agent` → Kafka 3.9 → `runlens ingest` → Debian ClickHouse 18.16,
 * with `runlens analyze` on the same broker and store, each its own process with default
 * settings. chDB cannot be the store here: it belongs to the ingest process, and this poller
 * would be a second process opening it. Runs are Slurm jobs the agent finds by SLURM_JOB_ID.
 */
export async function measureKafka(s: Schedule, log: (l: string) => void): Promise<RunLensResult> {
  const { kafka, clickhouse } = await startServers(log);
  const unregister = onInterrupt(async () => void (await Promise.allSettled([kafka.stop({ kill: true }), clickhouse.stop({ kill: true })])));
  const roles: Started[] = [];
  const spool = mkdtempSync(join(tmpdir(), 'runlens-latency-spool-'));
  let store: Store | null = null;
  let bus: Bus | null = null;
  try {
    const database = `lat_${Date.now().toString(36)}`;
    const env = { RUNLENS_KAFKA_BROKERS: kafka.url, RUNLENS_STORE: 'clickhouse', RUNLENS_CLICKHOUSE_URL: clickhouse.url, RUNLENS_CLICKHOUSE_DATABASE: database, RUNLENS_LOG_LEVEL: 'info' };
    roles.push(await startRole('ingest', { ...env, RUNLENS_METRICS_PORT: String(await freePort()) }));
    const [analyze, agent] = await Promise.all([
      startRole('analyze', env),
      startRole('agent', { ...env, RUNLENS_HOST: HOST, RUNLENS_CLUSTER: CLUSTER, RUNLENS_SPOOL_DIR: spool }),
    ]);
    roles.push(analyze, agent);
    store = await openClickHouseStore({ url: clickhouse.url, database });
    bus = await openKafkaBus({ brokers: [kafka.url], clientId: 'runlens-latency-bench' });
    const jobBase = 700_000 + Math.floor(Math.random() * 100_000);
    return await measureRunLens({
      path: 'RunLens via Kafka', storeLabel: 'Kafka 3.9 → ClickHouse 18.16', settings: '1 s ticks, analyzer at each complete tick', store, bus,
      startRun: async (i) => {
        const job = String(jobBase + i);
        const proc = startProcess(`workload ${job}`, process.execPath, [SPIN, `job-${job}`, '0.1', '600'], { SLURM_JOB_ID: job });
        return { runId: `slurm-${CLUSTER}-${job}`, proc };
      },
      describe: () => roles.map((r) => r.tail()).join('\n'),
    }, s, log);
  } finally {
    await bus?.close();
    await store?.close();
    await Promise.all(roles.map((r) => stopProcess(r.child, 5000)));
    await Promise.allSettled([kafka.stop({ kill: true }), clickhouse.stop({ kill: true })]);
    unregister();
    rmSync(spool, { recursive: true, force: true });
    rmSync(kafka.dir, { recursive: true, force: true });
    rmSync(clickhouse.dir, { recursive: true, force: true });
  }
}
