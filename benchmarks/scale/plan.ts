// From per-core rates measured here to what 10,000 nodes need. Every input is a measurement
// from this run (or the storage benchmark's results.json); the arithmetic is all here.

export interface MeasuredRates {
  /** Real per-node output, from the recording: rows and numeric values per node-second. */
  readonly process_rows_per_node_s: number;
  readonly node_rows_per_node_s: number;
  readonly values_per_node_s: number;
  readonly messages_per_node_s: number;
  readonly bytes_per_message: number;
  /** Rows per CPU-second of one worker process. */
  readonly ingest_rows_per_cpu_s: { readonly chdb: number; readonly clickhouse: number };
  readonly analyze_rows_per_cpu_s: number;
  /** ClickHouse 18.16 server CPU per row inserted (the ingest through the server). */
  readonly server_rows_per_cpu_s: number;
  /** Messages per CPU-s of all brokers together, in the Kafka shape of `kafka`. */
  readonly broker_messages_per_cpu_s: number;
  /**
   * The Kafka the broker rate was measured on: production's shape is 3 brokers, replication
   * factor 3, min.insync.replicas 2, acks=all. `single_broker_messages_per_cpu_s` is one
   * unreplicated broker in the same run, when measured (the price of replication).
   */
  readonly kafka?: { readonly brokers: number; readonly replication_factor: number; readonly min_insync_replicas: number; readonly single_broker_messages_per_cpu_s: number | null };
  /**
   * Ingest into a replicated cluster (deploy/clickhouse/cluster-start: 2 shards × 2 replicas,
   * Distributed tables, synchronous inserts): ingest rows per CPU-s, and rows per CPU-s of all
   * replicas together (each row is written once and fetched once by its shard's other replica).
   * When measured, the plan sizes ingest and ClickHouse on these: production is replicated.
   */
  readonly cluster?: { readonly ingest_rows_per_cpu_s: number; readonly server_rows_per_cpu_s: number; readonly replicas: number };
  /**
   * The same workers warm (a second replay drained while they ran, after the first had settled):
   * rows per ingest CPU-s without the first drain's one-off costs (V8 compiling the hot path), each
   * write holding what arrived since the last fetch, as a deployment's do. Reported beside the
   * cold rates; the plan stays on the cold ones.
   */
  readonly ingest_warm_rows_per_cpu_s?: { readonly chdb: number | null; readonly clickhouse: number | null; readonly cluster: number | null };
  /** Compressed bytes per stored row of each table, if the storage benchmark has run. */
  readonly stored_bytes_per_row: { readonly process: number; readonly node: number } | null;
}

export interface PlanInput {
  readonly nodes: number;
  readonly seriesPerNode: number;
  /** Fraction of a core a worker may use in steady state, leaving room for catch-up after an outage. */
  readonly utilisation: number;
  readonly coresPerClickHouseShard: number;
  /** Cores of one Kafka broker; the plan never goes below 3 brokers (replication factor 3). */
  readonly coresPerKafkaBroker: number;
  readonly retentionDays: number;
  /** Usable disk per ClickHouse replica, TB. */
  readonly diskTbPerReplica: number;
}

export interface Plan {
  readonly rows_per_s: number;
  readonly issue_values_per_s: number;
  readonly measured_values_per_s: number;
  readonly messages_per_s: number;
  readonly kafka_mb_per_s: number;
  readonly ingest_workers: number;
  /** The same load into one unreplicated server (the peer of the cluster figure, when both were measured). */
  readonly ingest_workers_single_server: number;
  /** Ingest workers at the warm rate (into the cluster when measured), when measured. */
  readonly ingest_workers_warm: number | null;
  readonly analyze_workers: number;
  readonly broker_cores: number;
  readonly kafka_brokers: number;
  readonly clickhouse_cores: number;
  readonly clickhouse_shards: number;
  readonly partitions: number;
  readonly stored_gb_per_day: number | null;
}

const up = (x: number): number => Math.max(1, Math.ceil(x));

/** The warm rate of the worker the plan sizes (the cluster's, else the server's), if measured. */
function warmRate(m: MeasuredRates): number | null {
  const w = m.ingest_warm_rows_per_cpu_s;
  return (m.cluster ? w?.cluster : w?.clickhouse) ?? null;
}

export function plan(m: MeasuredRates, p: PlanInput): Plan {
  const rowsPerNode = m.process_rows_per_node_s + m.node_rows_per_node_s;
  // Plan for what a node really sends. The recorded node sends more values than the issue's
  // 100 series, so this covers it; a node with more processes scales rows linearly.
  const scale = Math.max(1, (p.seriesPerNode / m.values_per_node_s));
  const rows = p.nodes * rowsPerNode * scale;
  const messages = p.nodes * m.messages_per_node_s;
  const ingest = up(rows / ((m.cluster?.ingest_rows_per_cpu_s ?? m.ingest_rows_per_cpu_s.clickhouse) * p.utilisation));
  const warm = warmRate(m);
  const analyze = up(rows / (m.analyze_rows_per_cpu_s * p.utilisation));
  // On a cluster: cores over all replicas; one replica of each shard carries 1 / replicas of them.
  const chCores = rows / ((m.cluster?.server_rows_per_cpu_s ?? m.server_rows_per_cpu_s) * p.utilisation);
  const coresPerReplicaSet = chCores / (m.cluster?.replicas ?? 1);
  // Partitions: at least two per consumer so a group can grow without re-partitioning.
  const partitions = 2 ** Math.ceil(Math.log2(Math.max(ingest, analyze) * 2));
  const brokerCores = messages / (m.broker_messages_per_cpu_s * p.utilisation);
  const b = m.stored_bytes_per_row;
  const storedGbPerDay = b === null ? null
    : (p.nodes * scale * 86_400 * (m.process_rows_per_node_s * b.process + m.node_rows_per_node_s * b.node)) / 1e9;
  return {
    rows_per_s: rows,
    issue_values_per_s: p.nodes * p.seriesPerNode,
    measured_values_per_s: p.nodes * m.values_per_node_s,
    messages_per_s: messages,
    kafka_mb_per_s: (messages * m.bytes_per_message) / 1e6,
    ingest_workers: ingest,
    ingest_workers_single_server: up(rows / (m.ingest_rows_per_cpu_s.clickhouse * p.utilisation)),
    ingest_workers_warm: warm === null ? null : up(rows / (warm * p.utilisation)),
    analyze_workers: analyze,
    broker_cores: brokerCores,
    kafka_brokers: Math.max(3, up(brokerCores / p.coresPerKafkaBroker)),
    clickhouse_cores: chCores,
    clickhouse_shards: Math.max(up(coresPerReplicaSet / (p.coresPerClickHouseShard / 2)), storedGbPerDay === null ? 1 : up((storedGbPerDay * p.retentionDays) / 1000 / p.diskTbPerReplica)),
    partitions,
    stored_gb_per_day: storedGbPerDay,
  };
}

const f = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function brokerFrom(m: MeasuredRates): string {
  const k = m.kafka;
  const what = '(produced once, fetched by ingest and analyze)';
  if (!k) return `${f(m.broker_messages_per_cpu_s)} messages per broker CPU-s ${what}`;
  const single = k.single_broker_messages_per_cpu_s;
  return `${f(m.broker_messages_per_cpu_s)} messages per CPU-s of ${k.brokers} brokers together, replication factor ${k.replication_factor}, min.insync.replicas ${k.min_insync_replicas}, acks=all ${what}`
    + (single === null ? '' : `; one unreplicated broker: ${f(single)}, so replication costs ${f(single / m.broker_messages_per_cpu_s, 2)}×`);
}

export function planMarkdown(m: MeasuredRates, p: PlanInput, r: Plan): string {
  const c = m.cluster;
  const k = m.kafka;
  const into = c ? `into the ${c.replicas}-replica cluster` : 'into the server';
  const chFrom = c ? `${f(c.server_rows_per_cpu_s)} rows per CPU-s of all replicas together (18.16, ${c.replicas} replicas per shard)` : `${f(m.server_rows_per_cpu_s)} rows per server CPU-s (18.16)`;
  return [
    `| quantity (${f(p.nodes)} nodes at 1 Hz) | value | from |`,
    '|---|---:|---|',
    `| values/s (issue: ${p.seriesPerNode} series per node) | ${f(r.issue_values_per_s)} | given |`,
    `| values/s as recorded (${f(m.values_per_node_s)} per node) | ${f(r.measured_values_per_s)} | recording |`,
    `| rows/s to ingest and analyze | ${f(r.rows_per_s)} | ${f(m.process_rows_per_node_s, 1)} process + ${f(m.node_rows_per_node_s)} node rows per node-second |`,
    `| Kafka messages/s, MB/s | ${f(r.messages_per_s)}, ${f(r.kafka_mb_per_s, 1)} | one Arrow batch per table per tick, ${f(m.bytes_per_message)} B each |`,
    `| ingest workers (1 core each, ${f(p.utilisation * 100)}% busy) | ${r.ingest_workers} | ${f(c ? c.ingest_rows_per_cpu_s : m.ingest_rows_per_cpu_s.clickhouse)} rows per ingest CPU-s ${into} |`,
    ...(c ? [`| ingest workers into one unreplicated server (peer, same run) | ${r.ingest_workers_single_server} | ${f(m.ingest_rows_per_cpu_s.clickhouse)} rows per ingest CPU-s into the server |`] : []),
    ...(r.ingest_workers_warm === null ? [] : [`| ingest workers at the warm rate (not planned on) | ${r.ingest_workers_warm} | ${f(warmRate(m) ?? Number.NaN)} rows per ingest CPU-s ${into}, a worker that has run a while, fed live |`]),
    `| analyzer workers | ${r.analyze_workers} | ${f(m.analyze_rows_per_cpu_s)} rows per analyzer CPU-s |`,
    `| Kafka broker cores${k ? `, all ${k.brokers} brokers` : ''} | ${f(r.broker_cores, 1)} | ${brokerFrom(m)} |`,
    `| Kafka brokers (${p.coresPerKafkaBroker} cores each) | ${r.kafka_brokers} | broker cores ÷ ${p.coresPerKafkaBroker}, at least 3 for replication factor 3 |`,
    `| ClickHouse server cores for inserts${c ? ', all replicas' : ''} | ${f(r.clickhouse_cores, 1)} | ${chFrom} |`,
    `| ClickHouse shards (${p.coresPerClickHouseShard} cores, ${p.diskTbPerReplica} TB per replica) | ${r.clickhouse_shards} | the larger of insert cores (half of each shard's cores) and ${p.retentionDays} days of data |`,
    `| partitions per sample topic | ${r.partitions} | 2 × the larger consumer group, power of two |`,
    `| stored per day (one replica) | ${r.stored_gb_per_day === null ? 'run benchmarks/storage' : `${f(r.stored_gb_per_day)} GB`} | ${m.stored_bytes_per_row === null ? '' : `${f(m.stored_bytes_per_row.process, 1)} B per process row, ${f(m.stored_bytes_per_row.node)} B per node row (storage benchmark, real recording, chDB)`} |`,
  ].join('\n');
}
