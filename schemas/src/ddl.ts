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

/** CREATE TABLE for one catalog table, in `database` when given. */
export function createTableSql(name: TableName, caps: StoreCapabilities, database?: string): string {
  const def = catalog[name];
  const target = database ? `${ident(database)}.${ident(name)}` : ident(name);
  const cols = Object.entries(def.columns).map(([col, c]) => {
    const cc = caps.codecs ? codec(c) : '';
    return `  ${ident(col)} ${columnType(c, caps)}${cc ? ` ${cc}` : ''}`;
  });
  const engine = def.engine.kind === 'idempotent_samples' ? 'ReplacingMergeTree()' : `ReplacingMergeTree(${ident(def.engine.version)})`;
  const lines = [`CREATE TABLE IF NOT EXISTS ${target} (`, cols.join(',\n'), `) ENGINE = ${engine}`];
  if (def.timeColumn) lines.push(`PARTITION BY toYYYYMMDD(${timeExpr(def.timeColumn, caps)})`);
  lines.push(`ORDER BY (${def.orderBy.map(ident).join(', ')})`);
  if (def.timeColumn && def.ttlDays && caps.ttl) lines.push(`TTL toDateTime(${timeExpr(def.timeColumn, caps)}) + INTERVAL ${def.ttlDays} DAY`);
  return lines.join('\n');
}

/** A `ts` column as a DateTime-like expression, whatever its storage type. */
function timeExpr(col: string, caps: StoreCapabilities): string {
  return caps.dateTime64 ? col : `toDateTime(intDiv(${col}, 1000))`;
}

/** Columns in catalog order: the INSERT column list. */
export function columnNames(name: TableName): string[] {
  return Object.keys(catalog[name].columns);
}
