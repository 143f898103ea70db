/**
 * Scale: a replay generator emulates N virtual nodes from a real recording and feeds Kafka in
 * production's shape (3 KRaft brokers, replication factor 3, min.insync.replicas 2, acks=all);
 * one `runlens ingest` worker (into chDB, the ClickHouse 18.16 server, a 2×2 cluster) and one
 * `runlens analyze` worker each drain the same backlog. Before that, the same replay through one
 * unreplicated broker prices replication. Per-core rates give the 10,000-node plan. See README.md.
 *   node --import ./node_modules/tsx/dist/loader.mjs benchmarks/scale/run.ts
 */
import { type Bus, openKafkaBus } from '@runlens/pipeline';
import { startClickHouse } from '@runlens/pipeline/testing/servers';
import { ANALYZER_HOSTS_TOPIC, ANALYZER_RUNS_TOPIC, encodeBatch, sleep, topicFor } from '@runlens/schemas';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ClickHouseHttp } from '../ingest/clickhouse-http.ts';
import type { IngestRun } from '../ingest/kafka-ingest.ts';
import { settle } from '../ingest/proc.ts';
import { benchCompression } from '../lib/bus-codec.ts';
import { loadRecording } from '../lib/recording.ts';
import { replayTick, valuesPerNodeSecond } from '../lib/replay.ts';
import { runAnalyzeWorker } from './analyze-worker.ts';
import { Backlogs, type WorkerContext, clusterWorker, ingestWorker } from './ingest-worker.ts';
import { type KafkaPass, brokerCost, kafkaMarkdown, workersMarkdown } from './kafka-report.ts';
import { type BenchKafka, type TopicsReplication, ensureTopicsSettled, idleCpuPerS, startBenchKafka, topicsReplication } from './kafka-shape.ts';
import { type GeneratorRun, REPLAY_TABLES, publishReplay } from './generator.ts';
import { type MeasuredRates, type PlanInput, plan, planMarkdown } from './plan.ts';

const Config = z.object({
  BENCH_NODES: z.coerce.number().int().positive().default(256),
  BENCH_SECONDS: z.coerce.number().int().positive().default(40),
  BENCH_NODES_PER_JOB: z.coerce.number().int().positive().default(8),
  BENCH_PLAN_NODES: z.coerce.number().int().positive().default(10_000),
  BENCH_PLAN_SERIES: z.coerce.number().int().positive().default(100),
  /** When set, the ingest workers and the analyze worker run with --cpu-prof into this directory. */
  BENCH_CPU_PROF_DIR: z.string().optional(),
  /** 1 (default): also drain the backlog through one unreplicated broker, to price replication; 0 skips it. */
  BENCH_SINGLE_BROKER: z.coerce.number().int().min(0).max(1).default(1),
  /** 1 (default): each ingest worker of the replicated pass then drains a second replay published while it runs (warm); 0 skips it. */
  BENCH_WARM: z.coerce.number().int().min(0).max(1).default(1),
  /** Analyzer replicas draining the backlog together (their CPU summed): what adding replicas costs beyond their share. */
  BENCH_ANALYZE_REPLICAS: z.coerce.number().int().min(1).max(8).default(1),
});
export type ScaleConfig = z.infer<typeof Config>;

const log = (m: string): void => void process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const temp = mkdtempSync(join(tmpdir(), 'runlens-scale-'));
const stoppers: (() => Promise<void>)[] = [];
/** The agents' codec: RUNLENS_KAFKA_COMPRESSION's default (lz4), or BENCH_COMPRESSION=gzip; read before any server starts. */
const COMPRESSION = benchCompression();

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

/**
 * Says when the log holds more messages than were sent (produce retries wrote some twice): a group
 * that never committed lags by the whole log. Only a diagnostic: a group coordinator that is not
 * ready yet (fresh brokers) is retried, then the count is skipped, never the run.
 */
async function countLog(bus: Bus, sent: number): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const inLog = await bus.lag(`scale-bench-log-${Date.now()}`, REPLAY_TABLES.map(topicFor));
      if (inLog !== sent) log(`the log holds ${inLog} messages, ${sent} sent: ${inLog - sent} written twice by produce retries`);
      return;
    } catch (e) {
      if (attempt === 5) log(`could not count the log's messages: ${String(e)}`);
      else await sleep(1000);
    }
  }
}

/** On 3 brokers every topic must be what production runs (replication factor 3, min.insync.replicas 2), or the broker figure prices the wrong thing. */
function expectProductionShape(kafka: BenchKafka, r: TopicsReplication): TopicsReplication {
  if (kafka.brokers === 3 && (r.replication_factor !== 3 || r.min_insync_replicas !== 2)) {
    throw new Error(`3 brokers gave topics replication factor ${r.replication_factor}, min.insync.replicas ${r.min_insync_replicas}; want 3 and 2`);
  }
  return r;
}

/**
 * One Kafka shape: the replay published into it, drained by ingest into the server (and, for the
 * full pass, into chDB and the 2×2 cluster), then by the analyzer. Broker CPU counts what
 * production pays per message: one produce (with its replication), ingest's fetch, and the
 * analyzer's fetch and repartition topics.
 */
async function kafkaPass(kafka: BenchKafka, http: ClickHouseHttp, cfg: ScaleConfig, full: boolean): Promise<KafkaPass> {
  const rec = loadRecording();
  const label = `${kafka.brokers}b`;
  const idle = await idleCpuPerS(kafka, 10);
  log(`Kafka of ${kafka.brokers} broker(s), pids ${kafka.pids.join(',')}: ${idle.toFixed(3)} CPU-s per s idle`);
  const bus = await openKafkaBus({ brokers: kafka.url.split(','), clientId: 'scale-bench', compression: COMPRESSION });
  await ensureTopicsSettled(bus, REPLAY_TABLES.map(topicFor));
  const [broker0, t0] = [kafka.cpu(), performance.now()];
  const gen = await publishReplay(bus, rec, { nodes: cfg.BENCH_NODES, seconds: cfg.BENCH_SECONDS, nodesPerJob: cfg.BENCH_NODES_PER_JOB }, log);
  const produce = { cpu_s: kafka.cpu() - broker0, wall_s: (performance.now() - t0) / 1000 };
  await countLog(bus, gen.messages);
  expectProductionShape(kafka, await topicsReplication(kafka, REPLAY_TABLES.map(topicFor)));
  log(`generator: ${gen.messages} messages, ${gen.process_rows + gen.node_rows} rows in ${gen.wall_s.toFixed(1)} s (${gen.cpu_s.toFixed(1)} CPU-s), broker CPU ${produce.cpu_s.toFixed(1)} s`);
  const prof = full ? cfg.BENCH_CPU_PROF_DIR : undefined;
  // The analyzer first: the ingest workers' warm phases publish more, which it must not read. It
  // starts once the brokers are back near idle, so no leftover of the produce's replication is
  // counted in its window (run P7: near idle within 2 s). Its share of the broker CPU is read
  // over its own window, from "analyze started" until idle, as ingest's is over its drain.
  const quietS = await settle(kafka.pids, 1.5 * idle + 0.02, 30);
  log(`brokers near idle ${quietS.toFixed(1)} s after the produce`);
  log(`analyze: ${cfg.BENCH_ANALYZE_REPLICAS} replica(s) draining the same backlog (${kafka.brokers} broker(s))`);
  const analyze = await runAnalyzeWorker({
    brokers: kafka.url, storeEnv: (i) => ({ RUNLENS_STORE: 'chdb', RUNLENS_CHDB_PATH: join(temp, `chdb-analyze-${label}-${i}`) }),
    timeoutS: 600, progress: log, cpuProfDir: prof && join(prof, 'analyze'), replicas: cfg.BENCH_ANALYZE_REPLICAS, brokerCpu: () => kafka.cpu(),
  });
  const backlogs = new Backlogs(kafka.url, gen, (seqBase) => publishReplay(bus, rec, { nodes: cfg.BENCH_NODES, seconds: cfg.BENCH_SECONDS, nodesPerJob: cfg.BENCH_NODES_PER_JOB }, log, seqBase), full && cfg.BENCH_WARM === 1);
  const ctx: WorkerContext = { kafka, temp, log, profDir: prof };
  const chdb = full ? await ingestWorker({ kind: 'chdb' }, await backlogs.next(), `scale_${label}`, ctx) : null;
  const server = await ingestWorker({ kind: 'clickhouse', http }, await backlogs.next(), `scale_${label}`, ctx);
  const cluster = full ? await clusterWorker(await backlogs.next(), `scale_${label}`, ctx) : null;
  await bus.close();
  const replication = expectProductionShape(kafka, await topicsReplication(kafka, [...REPLAY_TABLES.map(topicFor), ANALYZER_RUNS_TOPIC, ANALYZER_HOSTS_TOPIC]));
  const broker = brokerCost(kafka.brokers, replication, gen.messages, idle, produce, { cpu_s: server.broker_cpu_s ?? Number.NaN, wall_s: server.wall_s }, analyze.broker);
  log(`Kafka of ${kafka.brokers}: replication factor ${replication.replication_factor}, min.insync.replicas ${replication.min_insync_replicas}; ${Math.round(broker.messages_per_cpu_s)} messages per broker CPU-s`);
  return { gen, chdb, server, cluster, analyze, broker };
}

async function main(): Promise<void> {
  const cfg = Config.parse(process.env);
  const rec = loadRecording();
  const perNode = valuesPerNodeSecond(rec);
  log(`recording of ${rec.host} (${rec.recorded_at}): ${perNode.process_rows.toFixed(1)} process rows, ${perNode.values.toFixed(0)} values per node-second`);
  log('starting ClickHouse 18.16');
  const ch = await startClickHouse();
  stoppers.push(async () => { await ch.stop({ kill: true }); rmSync(ch.dir, { recursive: true, force: true }); });
  const http = new ClickHouseHttp(ch.url, ch.dir);
  // The unreplicated peer first, stopped before the 3 brokers start so it takes no CPU from them.
  let single: KafkaPass | null = null;
  if (cfg.BENCH_SINGLE_BROKER) {
    log('starting one Kafka broker (replication factor 1): the peer that prices replication');
    const k1 = await startBenchKafka(1);
    stoppers.push(() => k1.stop());
    single = await kafkaPass(k1, http, cfg, false);
    await stoppers.pop()?.();
  }
  log('starting 3 Kafka brokers (KRaft; topics replication factor 3, min.insync.replicas 2; acks=all)');
  const k3 = await startBenchKafka(3);
  stoppers.push(() => k3.stop());
  const repl = await kafkaPass(k3, http, cfg, true);
  const measured = measuredRates(perNode, repl, single);
  const input: PlanInput = { nodes: cfg.BENCH_PLAN_NODES, seriesPerNode: cfg.BENCH_PLAN_SERIES, utilisation: 0.5, coresPerClickHouseShard: 16, coresPerKafkaBroker: 16, retentionDays: 30, diskTbPerReplica: 8 };
  const result = plan(measured, input);
  const md = `${workersMarkdown(cfg, repl, single)}\n\n${kafkaMarkdown(repl.broker, single?.broker ?? null)}\n\n${planMarkdown(measured, input, result)}`;
  process.stdout.write(`${md}\n`);
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({
    date: new Date().toISOString(), cpus: availableParallelism(), config: cfg, recording: { host: rec.host, recorded_at: rec.recorded_at, per_node: perNode },
    generator: repl.gen, ingest: { chdb: repl.chdb, clickhouse: repl.server, cluster: repl.cluster }, analyze: repl.analyze,
    kafka: { replicated: repl.broker, single: single ? { broker: single.broker, generator: single.gen, ingest_clickhouse: single.server, analyze: single.analyze } : null },
    measured, plan_input: input, plan: result,
  }, null, 2)}\n`);
}

function measuredRates(perNode: ReturnType<typeof valuesPerNodeSecond>, repl: KafkaPass, single: KafkaPass | null): MeasuredRates {
  const rows = repl.gen.process_rows + repl.gen.node_rows;
  const { chdb, server, cluster, analyze, broker } = repl;
  return {
    process_rows_per_node_s: perNode.process_rows, node_rows_per_node_s: perNode.node_rows, values_per_node_s: perNode.values,
    messages_per_node_s: REPLAY_TABLES.length, bytes_per_message: meanMessageBytes(repl.gen),
    ingest_rows_per_cpu_s: { chdb: rows / (chdb?.ingest_cpu_s ?? Number.NaN), clickhouse: rows / server.ingest_cpu_s },
    analyze_rows_per_cpu_s: rows / analyze.cpu_s,
    server_rows_per_cpu_s: rows / (server.server_cpu_s ?? Number.NaN),
    broker_messages_per_cpu_s: broker.messages_per_cpu_s,
    kafka: { brokers: broker.brokers, replication_factor: broker.replication_factor, min_insync_replicas: broker.min_insync_replicas, single_broker_messages_per_cpu_s: single?.broker.messages_per_cpu_s ?? null },
    ...(server.warm ? { ingest_warm_rows_per_cpu_s: { chdb: warmRowsPerCpuS(chdb), clickhouse: warmRowsPerCpuS(server), cluster: warmRowsPerCpuS(cluster) } } : {}),
    stored_bytes_per_row: storedBytesPerRow(),
    ...(cluster ? { cluster: { ingest_rows_per_cpu_s: rows / cluster.ingest_cpu_s, server_rows_per_cpu_s: rows / (cluster.server_cpu_s ?? Number.NaN), replicas: 2 } } : {}),
  };
}

const warmRowsPerCpuS = (r: IngestRun | null): number | null => (r?.warm ? r.warm.rows / r.warm.ingest_cpu_s : null);

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
  for (const stop of stoppers.splice(0).reverse()) await stop().catch((e: unknown) => log(`stop failed: ${String(e)}`));
  rmSync(temp, { recursive: true, force: true });
}
