import { type ColumnDef, type TableName, catalog } from './catalog/index.ts';

/** What the target ClickHouse (server or chDB) accepts; see pipeline's capability probe. */
export interface StoreCapabilities {
  readonly version: string;
  readonly dateTime64: boolean;
  readonly codecs: boolean;
  readonly ttl: boolean;
  readonly lowCardinality: boolean;
  readonly queryParameters: boolean;
  readonly arrowInput: boolean;
  /** Set when the store writes through a cluster (RUNLENS_CLICKHOUSE_CLUSTER); absent on one server. */
  readonly cluster?: ClusterCapabilities;
}

/** A ClickHouse cluster as the connected server sees it (system.clusters, system.macros). */
export interface ClusterCapabilities {
  readonly name: string;
  readonly shards: number;
  readonly replicas: number;
  /** Whether distributed DDL (`ON CLUSTER`, through ZooKeeper) works; otherwise migrate runs on each server. */
  readonly onCluster: boolean;
}

export const MODERN_CAPABILITIES: StoreCapabilities = {
  version: '23.8', dateTime64: true, codecs: true, ttl: true, lowCardinality: true, queryParameters: true, arrowInput: true,
};

function baseType(def: ColumnDef, caps: StoreCapabilities): string {
  switch (def.type) {
    // Without DateTime64 (ClickHouse < 20.1) time is epoch milliseconds: DateTime would
    // drop the milliseconds and let two ticks of one second collapse on the sort key.
    case 'ts': return caps.dateTime64 ? 'DateTime64(3)' : 'UInt64';
    case 'str': return 'String';
    case 'lc': return caps.lowCardinality ? 'LowCardinality(String)' : 'String';
    case 'str_list': return 'Array(String)';
    case 'i32': return 'Int32';
    case 'u32': return 'UInt32';
    case 'u8': return 'UInt8';
    case 'f64': return 'Float64';
  }
}

/** Codecs suit the column's shape: time deltas, slowly moving gauges, counters. */
function codec(def: ColumnDef): string {
  if (def.type === 'ts') return 'CODEC(DoubleDelta, ZSTD(1))';
  if (def.type === 'f64') return def.kind === 'counter' ? 'CODEC(DoubleDelta, ZSTD(1))' : 'CODEC(Gorilla, ZSTD(1))';
  if (def.type === 'i32' || def.type === 'u32') return 'CODEC(T64, ZSTD(1))';
  return '';
}

export function columnType(def: ColumnDef, caps: StoreCapabilities): string {
  const t = baseType(def, caps);
  if (def.nullable !== true || def.type === 'str_list') return t;
  // LowCardinality(Nullable(String)) is the legal nesting; Nullable(LowCardinality) is not.
  return t.startsWith('LowCardinality(') ? 'LowCardinality(Nullable(String))' : `Nullable(${t})`;
}

/** Quote an identifier; catalog names are already snake_case, this guards the suffix. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier: ${name}`);
  return name;
}

function columnLines(name: TableName, caps: StoreCapabilities, withCodecs: boolean): string {
  return Object.entries(catalog[name].columns).map(([col, c]) => {
    const cc = withCodecs && caps.codecs ? codec(c) : '';
    return `  ${ident(col)} ${columnType(c, caps)}${cc ? ` ${cc}` : ''}`;
  }).join(',\n');
}

/**
 * CREATE TABLE for one catalog table, in `database` when given. On a cluster (caps.cluster)
 * this is the ReplicatedReplacingMergeTree table each replica holds, `<name>_local`; the
 * catalog's name is then the Distributed table over it (createDistributedTableSql).
 */
export function createTableSql(name: TableName, caps: StoreCapabilities, database?: string): string {
  const def = catalog[name];
  const cluster = caps.cluster;
  const physical = cluster ? localTableName(name) : ident(name);
  const target = database ? `${ident(database)}.${physical}` : physical;
  const version = def.engine.kind === 'idempotent_samples' ? '' : ident(def.engine.version);
  const engine = cluster
    ? `ReplicatedReplacingMergeTree('/clickhouse/runlens/${ident(cluster.name)}/${ident(database ?? 'default')}/${physical}/{shard}', '{replica}'${version ? `, ${version}` : ''})`
    : `ReplacingMergeTree(${version})`;
  const lines = [`CREATE TABLE IF NOT EXISTS ${target}${onCluster(caps)} (`, columnLines(name, caps, true), `) ENGINE = ${engine}`];
  if (def.timeColumn) lines.push(`PARTITION BY toYYYYMMDD(${timeExpr(def.timeColumn, caps)})`);
  lines.push(`ORDER BY (${def.orderBy.map(ident).join(', ')})`);
  if (def.timeColumn && def.ttlDays && caps.ttl) lines.push(`TTL toDateTime(${timeExpr(def.timeColumn, caps)}) + INTERVAL ${def.ttlDays} DAY`);
  return lines.join('\n');
}

/** ` ON CLUSTER name` where the cluster takes distributed DDL, else nothing. */
export function onCluster(caps: StoreCapabilities): string {
  return caps.cluster?.onCluster ? ` ON CLUSTER ${ident(caps.cluster.name)}` : '';
}

/** The replicated table under a Distributed one. */
export function localTableName(name: TableName): string {
  return `${ident(name)}_local`;
}

/**
 * The column a table is sharded by: host for sample tables, run_id for run tables, else the
 * first sort key column. It is always part of the sort key, which is also the dedup key, so a
 * replayed row lands on the shard of its original and FINAL collapses it there.
 */
export function shardColumn(name: TableName): string {
  const key: readonly string[] = catalog[name].orderBy;
  const col = ['host', 'run_id'].find((c) => key.includes(c)) ?? key[0];
  if (col === undefined) throw new Error(`${name} has no sort key to shard by`);
  return col;
}

/** The Distributed table a cluster reads and writes under the catalog's name, over `<name>_local`. */
export function createDistributedTableSql(name: TableName, caps: StoreCapabilities, database: string): string {
  const cluster = caps.cluster;
  if (!cluster) throw new Error('createDistributedTableSql needs a cluster');
  const db = ident(database);
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${ident(name)}${onCluster(caps)} (`, columnLines(name, caps, false),
    `) ENGINE = Distributed(${ident(cluster.name)}, ${db}, ${localTableName(name)}, cityHash64(${ident(shardColumn(name))}))`,
  ].join('\n');
}

/** A `ts` column as a DateTime-like expression, whatever its storage type. */
function timeExpr(col: string, caps: StoreCapabilities): string {
  return caps.dateTime64 ? col : `toDateTime(intDiv(${col}, 1000))`;
}

/** Columns in catalog order: the INSERT column list. */
export function columnNames(name: TableName): string[] {
  return Object.keys(catalog[name].columns);
}
