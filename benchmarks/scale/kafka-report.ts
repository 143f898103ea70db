// What the scale run prints: the workers' table and the Kafka brokers' cost per message, for
// the replicated 3-broker Kafka and (when run) the unreplicated single broker beside it.
import type { IngestRun } from '../ingest/kafka-ingest.ts';
import type { AnalyzeRun } from './analyze-worker.ts';
import type { GeneratorRun } from './generator.ts';
import type { TopicsReplication } from './kafka-shape.ts';

/** Broker CPU (all brokers together) and wall time over one measured window. */
export interface Window {
  readonly cpu_s: number;
  readonly wall_s: number;
}

export interface BrokerCost extends TopicsReplication {
  readonly brokers: number;
  readonly messages: number;
  /** All brokers' CPU per wall second with no clients, measured before the replay. */
  readonly idle_cpu_per_s: number;
  /** The generator's produce (acks=all: the leader answers once the in-sync followers have it). */
  readonly produce: Window;
  /** Ingest into the single server draining the backlog: its fetches. */
  readonly ingest_fetch: Window;
  /** The analyzer draining it: its router's fetch and produce onto the run- and host-keyed topics, and its second stage's fetch. */
  readonly analyze: Window;
  readonly cpu_s: number;
  /** The part of cpu_s the idle rate explains over the windows' wall time (quorum and replica fetchers' long polls). */
  readonly idle_share: number;
  /** Messages per CPU-s of all brokers: produced once, fetched by ingest and analyze, as in production. */
  readonly messages_per_cpu_s: number;
  /** The same with the idle rate over the windows' wall time taken out: the marginal cost, which a busy cluster's idle floor does not change. */
  readonly messages_per_cpu_s_net_of_idle: number;
}

export function brokerCost(brokers: number, replication: TopicsReplication, messages: number, idle: number, produce: Window, ingestFetch: Window, analyze: Window): BrokerCost {
  const cpu = produce.cpu_s + ingestFetch.cpu_s + analyze.cpu_s;
  const wall = produce.wall_s + ingestFetch.wall_s + analyze.wall_s;
  return {
    brokers, ...replication, messages, idle_cpu_per_s: idle, produce, ingest_fetch: ingestFetch, analyze,
    cpu_s: cpu, idle_share: (idle * wall) / cpu, messages_per_cpu_s: messages / cpu, messages_per_cpu_s_net_of_idle: messages / (cpu - idle * wall),
  };
}

/** Replicated broker CPU per message ÷ unreplicated: what replication factor 3 costs the brokers. */
export function replicationCost(replicated: BrokerCost, single: BrokerCost): number {
  return single.messages_per_cpu_s / replicated.messages_per_cpu_s;
}

const f1 = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(1));

function kafkaRow(b: BrokerCost): string {
  const shape = b.brokers === 1 ? '1 broker' : `${b.brokers} brokers, CPU summed`;
  return `| ${shape} | ${b.replication_factor} / ${b.min_insync_replicas}, acks=all, ${b.partitions} partitions | ${b.messages} | ${f1(b.produce.cpu_s)} / ${f1(b.ingest_fetch.cpu_s)} / ${f1(b.analyze.cpu_s)} | ${f1(b.cpu_s)} | ${b.idle_cpu_per_s.toFixed(3)} (${Math.round(b.idle_share * 100)}%) | ${Math.round(b.messages_per_cpu_s)} | ${Math.round(b.messages_per_cpu_s_net_of_idle)} |`;
}

export function kafkaMarkdown(replicated: BrokerCost, single: BrokerCost | null): string {
  return [
    '| Kafka | replication factor / min.insync.replicas | messages | broker CPU s: produce / ingest fetch / analyze | broker CPU s | idle CPU-s per s (share of the total) | messages per broker CPU-s | net of idle |',
    '|---|---|---:|---|---:|---|---:|---:|',
    ...(single ? [kafkaRow(single)] : []),
    kafkaRow(replicated),
    ...(single ? ['', `Replication cost: the 3 replicated brokers use ${replicationCost(replicated, single).toFixed(2)}× the single broker's CPU per message (${(single.messages_per_cpu_s_net_of_idle / replicated.messages_per_cpu_s_net_of_idle).toFixed(2)}× net of idle).`] : []),
  ].join('\n');
}

/** Everything one Kafka shape measured: the workers that drained its backlog and its brokers' CPU. */
export interface KafkaPass {
  readonly gen: GeneratorRun;
  readonly chdb: IngestRun | null;
  readonly server: IngestRun;
  readonly cluster: IngestRun | null;
  readonly analyze: AnalyzeRun;
  readonly broker: BrokerCost;
}

function ingestRow(name: string, rows: number, r: IngestRun, server: string): string {
  return `| ${name} | ${rows} | ${f1(r.wall_s)} | ${f1(r.ingest_cpu_s)} | ${Math.round(rows / r.ingest_cpu_s)} | ${server}broker ${f1(r.broker_cpu_s)}${writesNote(rows, r.writes)} |`;
}

/** The same worker's warm phase (WarmPhase): a second replay, published while it ran. */
function warmRow(name: string, r: IngestRun, server: string): string[] {
  const w = r.warm;
  return w ? [`| ${name}, warm (the next replay, published live) | ${w.rows} | ${f1(w.wall_s)} | ${f1(w.ingest_cpu_s)} | ${Math.round(w.rows / w.ingest_cpu_s)} | ${server}${writesNote(w.rows, w.writes)} |`] : [];
}

/** How many writes (parts per table, at most) the rows took, when the worker said. */
const writesNote = (rows: number, writes: number | undefined): string =>
  (writes ? `, ${writes} writes of ${Math.round(rows / writes).toLocaleString('en-US')} rows` : '');

function analyzeRow(name: string, a: AnalyzeRun, broker: number): string {
  const who = a.replicas > 1 ? `${name.replace('analyze', `analyze, ${a.replicas} replicas (CPU summed)`)}` : name;
  return `| ${who} | ${a.samples} | ${f1(a.wall_s)} | ${f1(a.cpu_s)} | ${Math.round(a.samples / a.cpu_s)} | broker ${f1(broker)}, peak RSS ${a.peak_rss_mib.toFixed(0)} MiB${a.replicas > 1 ? ' (largest replica)' : ''}; router drained at ${f1(a.routed_wall_s)} s wall, ${f1(a.routed_cpu_s)} CPU-s |`;
}

/** One row per worker of the replicated pass, then the single broker's pass (ingest into the server, analyze). */
export function workersMarkdown(shape: { BENCH_NODES: number; BENCH_SECONDS: number }, repl: KafkaPass, single: KafkaPass | null): string {
  const rows = repl.gen.process_rows + repl.gen.node_rows;
  const b = repl.broker.brokers;
  return [
    '| worker (one process) | rows | wall s | CPU s | rows per CPU-s | other CPU s |', '|---|---:|---:|---:|---:|---|',
    `| replay generator (${shape.BENCH_NODES} nodes × ${shape.BENCH_SECONDS} s), ${b} brokers | ${rows} | ${f1(repl.gen.wall_s)} | ${f1(repl.gen.cpu_s)} | ${Math.round(rows / repl.gen.cpu_s)} | broker ${f1(repl.broker.produce.cpu_s)} |`,
    ...(repl.chdb ? [ingestRow(`ingest → chDB, ${b} brokers`, rows, repl.chdb, ''), ...warmRow('ingest → chDB', repl.chdb, 'in-process engine')] : []),
    ingestRow(`ingest → ClickHouse 18.16, ${b} brokers`, rows, repl.server, `server ${f1(repl.server.server_cpu_s)}, `),
    ...warmRow('ingest → ClickHouse 18.16', repl.server, `server ${f1(repl.server.warm?.server_cpu_s)}`),
    ...(repl.cluster ? [ingestRow(`ingest → ClickHouse 18.16, 2 shards × 2 replicas, ${b} brokers`, rows, repl.cluster, `4 servers + ZooKeeper ${f1(repl.cluster.server_cpu_s)}, `)] : []),
    ...(repl.cluster ? warmRow('ingest → 2 shards × 2 replicas', repl.cluster, `4 servers + ZooKeeper ${f1(repl.cluster.warm?.server_cpu_s)}`) : []),
    analyzeRow(`analyze (both stages, until idle), ${b} brokers`, repl.analyze, repl.broker.analyze.cpu_s),
    ...(single ? [
      `| replay generator, 1 broker | ${rows} | ${f1(single.gen.wall_s)} | ${f1(single.gen.cpu_s)} | ${Math.round(rows / single.gen.cpu_s)} | broker ${f1(single.broker.produce.cpu_s)} |`,
      ingestRow('ingest → ClickHouse 18.16, 1 broker', rows, single.server, `server ${f1(single.server.server_cpu_s)}, `),
      analyzeRow('analyze (both stages, until idle), 1 broker', single.analyze, single.broker.analyze.cpu_s),
    ] : []),
  ].join('\n');
}
