/**
 * Scale: a replay generator emulates N virtual nodes from a real recording and feeds a real
 * Kafka broker; one `runlens ingest` worker (into chDB, then into the ClickHouse 18.16 server)
 * and one `runlens analyze` worker each drain the same backlog. Their per-core rates give the
 * 10,000-node plan. See README.md.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/scale/run.ts
 */
import { openKafkaBus } from '@runlens/pipeline';
import { type TestServer, freePort, startClickHouse, startKafka } from '@runlens/pipeline/testing/servers';
import { clickHouseClusterUnavailable, startClickHouseCluster } from '@runlens/pipeline/testing/clickhouse-cluster';
import { encodeBatch, topicFor } from '@runlens/schemas';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ClickHouseHttp } from '../ingest/clickhouse-http.ts';
import { type IngestRun, runIngest } from '../ingest/kafka-ingest.ts';
import { loadRecording } from '../lib/recording.ts';
import { replayTick, valuesPerNodeSecond } from '../lib/replay.ts';
import { cpuSeconds } from '../ingest/proc.ts';
import { type AnalyzeRun, runAnalyzeWorker } from './analyze-worker.ts';
import { type GeneratorRun, REPLAY_TABLES, publishReplay } from './generator.ts';
import { type MeasuredRates, type PlanInput, plan, planMarkdown } from './plan.ts';

const Config = z.object({
  BENCH_NODES: z.coerce.number().int().positive().default(256),
  BENCH_SECONDS: z.coerce.number().int().positive().default(40),
  BENCH_NODES_PER_JOB: z.coerce.number().int().positive().default(8),
  BENCH_PLAN_NODES: z.coerce.number().int().positive().default(10_000),
  BENCH_PLAN_SERIES: z.coerce.number().int().positive().default(100),
  /** When set, the ingest workers run with --cpu-prof into this directory. */
  BENCH_CPU_PROF_DIR: z.string().optional(),
});

const log = (m: string): void => void process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const temp = mkdtempSync(join(tmpdir(), 'runlens-scale-'));
const servers: TestServer[] = [];

/**
 * Compressed bytes per stored row on chDB (production DDL), per table, from the storage
 * benchmark's control: a real recording played once. The replayed hour loops a one-minute
 * recording, which flatters compression, so it is not used for sizing.
 */
function storedBytesPerRow(): { process: number; node: number } | null {
  const path = join(import.meta.dirname, '..', 'storage', 'results.json');
  if (!existsSync(path)) return null;
  try {
    type Sized = { store?: string; table?: string; rows?: number; bytes?: number };
    const r = JSON.parse(readFileSync(path, 'utf8')) as { control?: { storage?: { bytes?: Sized[] } } };
    const per = (table: string): number | null => {
      const row = r.control?.storage?.bytes?.find((b) => b.store === 'chdb' && b.table === table);
      return row?.rows && row.bytes ? row.bytes / row.rows : null;
    };
    const [p, n] = [per('process_samples'), per('node_samples')];
    return p !== null && n !== null ? { process: p, node: n } : null;
  } catch {
    return null;
  }
}

/** Where one ingest worker writes: chDB, the single server, or the 2×2 cluster (its servers' and ZooKeeper's CPU summed). */
type Target = { kind: 'chdb' } | { kind: 'clickhouse'; http: ClickHouseHttp } | { kind: 'cluster'; url: string; name: string; pids: number[] };

async function ingestWorker(target: Target, kafka: TestServer, gen: GeneratorRun, brokerPid: number, profDir?: string): Promise<IngestRun> {
  const store = target.kind === 'chdb' ? 'chdb' : 'clickhouse';
  const env: Record<string, string> = target.kind === 'chdb'
    ? { RUNLENS_CHDB_PATH: join(temp, 'chdb-ingest'), RUNLENS_CLICKHOUSE_DATABASE: 'scale' }
    : target.kind === 'clickhouse'
      ? { RUNLENS_CLICKHOUSE_URL: target.http.url, RUNLENS_CLICKHOUSE_DATABASE: 'scale' }
      : { RUNLENS_CLICKHOUSE_URL: target.url, RUNLENS_CLICKHOUSE_CLUSTER: target.name, RUNLENS_CLICKHOUSE_DATABASE: 'scale' };
  const serverPid = target.kind === 'chdb' ? null : target.kind === 'clickhouse' ? target.http.serverPid() : target.pids;
  log(`ingest worker → ${target.kind}: draining ${gen.messages} messages`);
  const run = await runIngest({
    store, brokers: kafka.url, group: `scale-${target.kind}-${Date.now()}`, serverPid, brokerPid,
    env: { ...env, RUNLENS_METRICS_PORT: String(await freePort()) }, messages: gen.messages, timeoutS: 600, topics: REPLAY_TABLES.map(topicFor),
    ...(profDir ? { cpuProfDir: join(profDir, target.kind) } : {}),
  });
  const expected = gen.process_rows + gen.node_rows;
  if (run.rows_sent !== expected) throw new Error(`ingest → ${target.kind} stored ${run.rows_sent} rows, expected ${expected}`);
  log(`  ${target.kind}: ${Math.round(expected / run.ingest_cpu_s)} rows per ingest CPU-s, wall ${run.wall_s.toFixed(1)} s, ingest CPU ${run.ingest_cpu_s.toFixed(1)} s, server CPU ${run.server_cpu_s?.toFixed(1) ?? '-'} s, broker CPU ${run.broker_cpu_s?.toFixed(1) ?? '-'} s`);
  return run;
}

/** The same backlog into a 2 shards × 2 replicas cluster, started for this and stopped after; null where it cannot run. */
async function clusterWorker(kafka: TestServer, gen: GeneratorRun, brokerPid: number, profDir?: string): Promise<IngestRun | null> {
  const why = clickHouseClusterUnavailable();
  if (why) {
    log(`no cluster run: ${why}`);
    return null;
  }
  log('starting a 2×2 ClickHouse cluster with ZooKeeper');
  const c = await startClickHouseCluster();
  try {
    return await ingestWorker({ kind: 'cluster', url: c.urls.s1r1, name: c.name, pids: c.pids() }, kafka, gen, brokerPid, profDir);
  } finally {
    await c.stop({ kill: true });
    rmSync(c.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cfg = Config.parse(process.env);
  const rec = loadRecording();
  const perNode = valuesPerNodeSecond(rec);
  log(`recording of ${rec.host} (${rec.recorded_at}): ${perNode.process_rows.toFixed(1)} process rows, ${perNode.values.toFixed(0)} values per node-second`);
  log('starting Kafka and ClickHouse 18.16');
  const kafka = await startKafka();
  servers.push(kafka);
  const ch = await startClickHouse();
  servers.push(ch);
  const http = new ClickHouseHttp(ch.url, ch.dir);
  const brokerPid = Number(readFileSync(join(kafka.dir, 'kafka.pid'), 'utf8').trim());
  const bus = await openKafkaBus({ brokers: [kafka.url], clientId: 'scale-bench' });
  const broker0 = cpuSeconds(brokerPid);
  const gen = await publishReplay(bus, rec, { nodes: cfg.BENCH_NODES, seconds: cfg.BENCH_SECONDS, nodesPerJob: cfg.BENCH_NODES_PER_JOB }, log);
  const brokerProduceCpu = cpuSeconds(brokerPid) - broker0;
  await bus.close();
  const bytes = meanMessageBytes(gen);
  log(`generator: ${gen.messages} messages, ${gen.process_rows + gen.node_rows} rows in ${gen.wall_s.toFixed(1)} s (${gen.cpu_s.toFixed(1)} CPU-s)`);
  const chdb = await ingestWorker({ kind: 'chdb' }, kafka, gen, brokerPid, cfg.BENCH_CPU_PROF_DIR);
  const server = await ingestWorker({ kind: 'clickhouse', http }, kafka, gen, brokerPid, cfg.BENCH_CPU_PROF_DIR);
  const cluster = await clusterWorker(kafka, gen, brokerPid, cfg.BENCH_CPU_PROF_DIR);
  log('analyze worker: draining the same backlog');
  const brokerBeforeAnalyze = cpuSeconds(brokerPid);
  const analyze: AnalyzeRun = await runAnalyzeWorker(kafka.url, { RUNLENS_STORE: 'chdb', RUNLENS_CHDB_PATH: join(temp, 'chdb-analyze') }, 600, log);
  const brokerAnalyzeCpu = cpuSeconds(brokerPid) - brokerBeforeAnalyze;
  const rows = gen.process_rows + gen.node_rows;
  const measured: MeasuredRates = {
    process_rows_per_node_s: perNode.process_rows, node_rows_per_node_s: perNode.node_rows, values_per_node_s: perNode.values,
    messages_per_node_s: REPLAY_TABLES.length, bytes_per_message: bytes,
    ingest_rows_per_cpu_s: { chdb: rows / chdb.ingest_cpu_s, clickhouse: rows / server.ingest_cpu_s },
    analyze_rows_per_cpu_s: rows / analyze.cpu_s,
    server_rows_per_cpu_s: rows / (server.server_cpu_s ?? Number.NaN),
    // Every message is produced once and fetched by two groups in production (ingest, analyze).
    broker_messages_per_cpu_s: gen.messages / (brokerProduceCpu + (server.broker_cpu_s ?? 0) + brokerAnalyzeCpu),
    stored_bytes_per_row: storedBytesPerRow(),
    ...(cluster ? { cluster: { ingest_rows_per_cpu_s: rows / cluster.ingest_cpu_s, server_rows_per_cpu_s: rows / (cluster.server_cpu_s ?? Number.NaN), replicas: 2 } } : {}),
  };
  const input: PlanInput = { nodes: cfg.BENCH_PLAN_NODES, seriesPerNode: cfg.BENCH_PLAN_SERIES, utilisation: 0.5, coresPerClickHouseShard: 16, retentionDays: 30, diskTbPerReplica: 8 };
  const result = plan(measured, input);
  const workers = [
    '| worker (one process) | rows | wall s | CPU s | rows per CPU-s | other CPU s |', '|---|---:|---:|---:|---:|---|',
    `| replay generator (${cfg.BENCH_NODES} nodes × ${cfg.BENCH_SECONDS} s) | ${rows} | ${gen.wall_s.toFixed(1)} | ${gen.cpu_s.toFixed(1)} | ${Math.round(rows / gen.cpu_s)} | broker ${brokerProduceCpu.toFixed(1)} |`,
    `| ingest → chDB | ${rows} | ${chdb.wall_s.toFixed(1)} | ${chdb.ingest_cpu_s.toFixed(1)} | ${Math.round(measured.ingest_rows_per_cpu_s.chdb)} | broker ${chdb.broker_cpu_s?.toFixed(1)} |`,
    `| ingest → ClickHouse 18.16 | ${rows} | ${server.wall_s.toFixed(1)} | ${server.ingest_cpu_s.toFixed(1)} | ${Math.round(measured.ingest_rows_per_cpu_s.clickhouse)} | server ${server.server_cpu_s?.toFixed(1)}, broker ${server.broker_cpu_s?.toFixed(1)} |`,
    ...(cluster ? [`| ingest → ClickHouse 18.16, 2 shards × 2 replicas | ${rows} | ${cluster.wall_s.toFixed(1)} | ${cluster.ingest_cpu_s.toFixed(1)} | ${Math.round(rows / cluster.ingest_cpu_s)} | 4 servers + ZooKeeper ${cluster.server_cpu_s?.toFixed(1)}, broker ${cluster.broker_cpu_s?.toFixed(1)} |`] : []),
    `| analyze (both stages, until idle) | ${analyze.samples} | ${analyze.wall_s.toFixed(1)} | ${analyze.cpu_s.toFixed(1)} | ${Math.round(measured.analyze_rows_per_cpu_s)} | broker ${brokerAnalyzeCpu.toFixed(1)}, peak RSS ${analyze.peak_rss_mib.toFixed(0)} MiB; router drained at ${analyze.routed_wall_s.toFixed(1)} s wall, ${analyze.routed_cpu_s.toFixed(1)} CPU-s |`,
  ].join('\n');
  const md = `${workers}\n\n${planMarkdown(measured, input, result)}`;
  process.stdout.write(`${md}\n`);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({
    date: new Date().toISOString(), cpus: availableParallelism(), config: cfg, recording: { host: rec.host, recorded_at: rec.recorded_at, per_node: perNode },
    generator: gen, ingest: { chdb, clickhouse: server, cluster }, analyze, measured, plan_input: input, plan: result,
  }, null, 2)}\n`);
}

/** Mean Arrow message size (before Kafka's compression), re-encoded for the first tick of up to 64 nodes. */
function meanMessageBytes(gen: GeneratorRun): number {
  const rec = loadRecording();
  let bytes = 0;
  const n = Math.min(gen.nodes, 64);
  for (let i = 0; i < n; i++) {
    const t = replayTick(rec, i, 0, { baseTs: 0, nodesPerJob: gen.nodesPerJob });
    bytes += encodeBatch('process_samples', t.process).byteLength + encodeBatch('node_samples', t.node).byteLength;
  }
  return bytes / (2 * n);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void cleanup().finally(() => process.exit(130)); });
main().then(
  async () => { await cleanup(); process.exit(0); },
  async (e: unknown) => { log(`failed: ${e instanceof Error ? e.stack : String(e)}`); await cleanup(); process.exit(1); },
);

async function cleanup(): Promise<void> {
  for (const s of servers.splice(0)) {
    await s.stop({ kill: true }).catch((e: unknown) => log(`stop failed: ${String(e)}`));
    rmSync(s.dir, { recursive: true, force: true });
  }
  rmSync(temp, { recursive: true, force: true });
}
