import { describe, expect, it } from 'vitest';
import { type ColumnDef, catalog, tableNames } from './catalog/index.ts';
import { MODERN_CAPABILITIES, type StoreCapabilities, columnNames, columnType, createDistributedTableSql, createTableSql, ident, shardColumn } from './ddl.ts';

/** What a ClickHouse 18.16 server accepts: no DateTime64, codecs, TTL or LowCardinality. */
const CH_18_16: StoreCapabilities = {
  version: '18.16', dateTime64: false, codecs: false, ttl: false, lowCardinality: false, queryParameters: false, arrowInput: false,
};

const defs = (name: (typeof tableNames)[number]): ColumnDef[] => Object.values(catalog[name].columns);

describe('createTableSql with modern capabilities', () => {
  it.each(tableNames)('%s uses DateTime64(3), codecs and, where it has a retention, TTL', (name) => {
    const sql = createTableSql(name, MODERN_CAPABILITIES);
    const def = catalog[name];
    expect(sql.startsWith(`CREATE TABLE IF NOT EXISTS ${name} (`)).toBe(true);
    if (defs(name).some((d) => d.type === 'ts')) expect(sql).toContain('DateTime64(3)');
    if (defs(name).some((d) => ['ts', 'f64', 'i32', 'u32'].includes(d.type))) expect(sql).toContain('CODEC(');
    const hasTtl = 'timeColumn' in def && 'ttlDays' in def;
    expect(sql.includes('\nTTL ')).toBe(hasTtl);
    expect(sql).toContain(`ORDER BY (${def.orderBy.join(', ')})`);
    for (const col of columnNames(name)) expect(sql).toMatch(new RegExp(`^  ${col} `, 'm'));
  });

  it('process_samples: exact types, codecs, partition and a 90-day TTL on the timestamp', () => {
    const sql = createTableSql('process_samples', MODERN_CAPABILITIES, 'runlens');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS runlens.process_samples (');
    expect(sql).toContain('  ts DateTime64(3) CODEC(DoubleDelta, ZSTD(1)),');
    expect(sql).toContain('  host LowCardinality(String),');
    expect(sql).toContain('  rank Nullable(Int32) CODEC(T64, ZSTD(1)),');
    expect(sql).toContain('  write_bytes_per_s Nullable(Float64) CODEC(Gorilla, ZSTD(1)),');
    expect(sql).toContain('\nPARTITION BY toYYYYMMDD(ts)\nORDER BY (host, run_id, pid, start_ticks, ts)\nTTL toDateTime(ts) + INTERVAL 90 DAY');
  });

  it('findings: ReplacingMergeTree on its version column, TTL 365 days on start_ts', () => {
    const sql = createTableSql('findings', MODERN_CAPABILITIES);
    expect(sql).toContain('ENGINE = ReplacingMergeTree(updated_ts)');
    expect(sql).toContain('TTL toDateTime(start_ts) + INTERVAL 365 DAY');
  });

  it('runs (a dimension table) has no partition and no TTL', () => {
    const sql = createTableSql('runs', MODERN_CAPABILITIES);
    expect(sql).not.toContain('PARTITION BY');
    expect(sql).not.toContain('TTL');
    expect(sql).toContain('  hosts Array(String),');
    expect(sql).toContain('  end_ts Nullable(DateTime64(3)) CODEC(DoubleDelta, ZSTD(1)),');
  });
});

describe('createTableSql for ClickHouse 18.16', () => {
  it.each(tableNames)('%s has no DateTime64, CODEC, TTL or LowCardinality', (name) => {
    const sql = createTableSql(name, CH_18_16);
    expect(sql).not.toContain('DateTime64');
    expect(sql).not.toContain('CODEC');
    expect(sql).not.toContain('TTL');
    expect(sql).not.toContain('LowCardinality');
    expect(sql).toContain(`ORDER BY (${catalog[name].orderBy.join(', ')})`);
  });

  it('keeps the daily partition and plain String attributes', () => {
    const sql = createTableSql('process_samples', CH_18_16);
    expect(sql).toContain('  host String,');
    expect(sql).toContain('  rank Nullable(Int32),');
    expect(sql).toMatch(/\nPARTITION BY toYYYYMMDD\(.*\bts\b.*\)\n/);
  });
});

describe('columnType', () => {
  it('nests a nullable low-cardinality string the only legal way', () => {
    const lc: ColumnDef = { type: 'lc', kind: 'attribute', unit: '1', description: '', nullable: true };
    expect(columnType(lc, MODERN_CAPABILITIES)).toBe('LowCardinality(Nullable(String))');
    expect(columnType(lc, CH_18_16)).toBe('Nullable(String)');
  });

  it('never wraps an array in Nullable', () => {
    const list: ColumnDef = { type: 'str_list', kind: 'attribute', unit: '1', description: '', nullable: true };
    expect(columnType(list, MODERN_CAPABILITIES)).toBe('Array(String)');
  });
});

describe('ident', () => {
  it.each(['x; DROP TABLE y', 'Runs', '1abc', '', 'a-b', 'a.b', 'a`b', 'tbl ', "t'"])('rejects %j', (name) => {
    expect(() => ident(name)).toThrow(/bad identifier/);
  });

  it('accepts snake_case names unchanged', () => {
    expect(ident('process_samples_t1')).toBe('process_samples_t1');
    expect(ident('_tmp')).toBe('_tmp');
  });

  it('guards the database name of CREATE TABLE', () => {
    expect(() => createTableSql('runs', MODERN_CAPABILITIES, 'x; DROP TABLE y')).toThrow(/bad identifier/);
  });
});

describe('cluster DDL (caps.cluster)', () => {
  const caps: StoreCapabilities = { ...CH_18_16, cluster: { name: 'c2x2', shards: 2, replicas: 2, onCluster: true } };

  it.each(tableNames)('%s: shard key is part of the sort key, so a replayed duplicate meets its original on one shard', (name) => {
    expect(catalog[name].orderBy as readonly string[]).toContain(shardColumn(name));
  });

  it('sample tables shard by host, run tables by run_id', () => {
    expect(['process_samples', 'node_samples', 'cgroup_samples', 'mpi_samples'].map((t) => shardColumn(t as 'process_samples'))).toEqual(['host', 'host', 'host', 'host']);
    expect(['runs', 'findings', 'run_summaries'].map((t) => shardColumn(t as 'runs'))).toEqual(['run_id', 'run_id', 'run_id']);
  });

  it('runs: a replicated local table on its version column, ON CLUSTER, and a Distributed table over it', () => {
    const local = createTableSql('runs', caps, 'rl');
    expect(local).toContain('CREATE TABLE IF NOT EXISTS rl.runs_local ON CLUSTER c2x2 (');
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/runlens/c2x2/rl/runs_local/{shard}', '{replica}', updated_ts)");
    const dist = createDistributedTableSql('runs', caps, 'rl');
    expect(dist).toContain('CREATE TABLE IF NOT EXISTS rl.runs ON CLUSTER c2x2 (');
    expect(dist).toContain('ENGINE = Distributed(c2x2, rl, runs_local, cityHash64(run_id))');
    expect(dist).not.toContain('ORDER BY');
  });

  it('sample tables have no version column; without distributed DDL there is no ON CLUSTER', () => {
    const noDdl: StoreCapabilities = { ...CH_18_16, cluster: { name: 'c2x2', shards: 2, replicas: 2, onCluster: false } };
    expect(createTableSql('node_samples', noDdl, 'rl')).toContain("ReplicatedReplacingMergeTree('/clickhouse/runlens/c2x2/rl/node_samples_local/{shard}', '{replica}')");
    expect(createTableSql('node_samples', noDdl, 'rl')).not.toContain('ON CLUSTER');
    expect(createDistributedTableSql('node_samples', noDdl, 'rl')).toContain('cityHash64(host)');
  });

  it('one server keeps plain ReplacingMergeTree under the catalog name', () => {
    expect(createTableSql('runs', CH_18_16, 'rl')).toContain('CREATE TABLE IF NOT EXISTS rl.runs (');
    expect(createTableSql('runs', CH_18_16, 'rl')).toContain('ENGINE = ReplacingMergeTree(updated_ts)');
  });
});
