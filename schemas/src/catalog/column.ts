/**
 * The one place a column is declared. Everything else (TypeScript row types,
 * Arrow schemas, ClickHouse DDL, docs) is derived from these declarations.
 */

/** Logical column types; each maps to one Arrow type and one ClickHouse type. */
export type ColumnType = 'ts' | 'str' | 'lc' | 'str_list' | 'i32' | 'u32' | 'u8' | 'f64';

/** Bytes per value of a fixed-width type, little-endian, alike in Arrow and in ClickHouse's binary formats; 0 for strings and lists. */
export const VALUE_BYTES: Readonly<Record<ColumnType, number>> = { ts: 8, str: 0, lc: 0, str_list: 0, i32: 4, u32: 4, u8: 1, f64: 8 };

/** What the number means over time. `rate` columns are per second over `interval_s`. */
export type ColumnKind = 'timestamp' | 'attribute' | 'gauge' | 'counter' | 'rate';

export type Unit =
  | 'ms' | 's' | 'cores' | 'bytes' | 'bytes/s' | 'ops/s' | '1/s' | 'ratio' | 'count'
  | 'W' | 'MHz' | 'Cel' | 'Gbit/s' | 'ticks' | '1';

export interface ColumnDef {
  readonly type: ColumnType;
  readonly kind: ColumnKind;
  readonly unit: Unit;
  readonly description: string;
  /**
   * OpenTelemetry semantic-convention name, where one exists: an attribute's key, or a metric's
   * name with the attributes that tell its columns apart (`process.cpu.time{cpu.mode=user}`).
   * The OTLP export (schemas/src/otel) reads it; a rate is exported as a delta sum over its interval.
   */
  readonly otel?: string;
  readonly nullable?: boolean;
}

export type Columns = Readonly<Record<string, ColumnDef>>;

/**
 * Sample tables are keyed by their natural identity (host, time, and the thing sampled):
 * a batch replayed by at-least-once delivery collapses on that key, so reads with FINAL
 * never show duplicates, on every server version (no dedup tokens needed).
 */
export type Engine =
  | { readonly kind: 'idempotent_samples' }
  | { readonly kind: 'replacing_merge_tree'; readonly version: string };

export interface TableDef<C extends Columns = Columns> {
  readonly name: string;
  readonly description: string;
  readonly columns: C;
  readonly engine: Engine;
  readonly orderBy: readonly (keyof C & string)[];
  /** Column used for daily partitions and TTL; absent for small dimension tables. */
  readonly timeColumn?: keyof C & string;
  /** Default retention where the server supports TTL. */
  readonly ttlDays?: number;
}

/** Any table, whatever its columns: what generic code (DDL, Arrow, ingest) takes. */
export interface AnyTable {
  readonly name: string;
  readonly description: string;
  readonly columns: Columns;
  readonly engine: Engine;
  readonly orderBy: readonly string[];
  readonly timeColumn?: string;
  readonly ttlDays?: number;
}

export function defineTable<const C extends Columns>(def: TableDef<C>): TableDef<C> {
  for (const key of def.orderBy) {
    if (!(key in def.columns)) throw new Error(`table ${def.name}: order key ${key} is not a column`);
  }
  return def;
}

type ValueOf<T extends ColumnType> = T extends 'str' | 'lc' ? string : T extends 'str_list' ? string[] : number;

/** The TypeScript row type of a table: `ts` columns are epoch milliseconds. */
export type RowOf<T extends AnyTable> = {
  -readonly [K in keyof T['columns']]: T['columns'][K] extends { nullable: true }
    ? ValueOf<T['columns'][K]['type']> | null
    : ValueOf<T['columns'][K]['type']>;
};

/* Shorthands keep the table files readable: one line per column. They keep the literal type. */
type Def<T extends ColumnType, K extends ColumnKind> = { readonly type: T; readonly kind: K; readonly unit: Unit; readonly description: string; readonly otel?: string };

export const ts = (description: string): Def<'ts', 'timestamp'> => ({ type: 'ts', kind: 'timestamp', unit: 'ms', description });
export const attr = <T extends 'str' | 'lc' | 'str_list' | 'i32' | 'u32' | 'u8'>(type: T, description: string, otel?: string): Def<T, 'attribute'> =>
  ({ type, kind: 'attribute', unit: '1', description, otel });
export const gauge = (unit: Unit, description: string, otel?: string): Def<'f64', 'gauge'> =>
  ({ type: 'f64', kind: 'gauge', unit, description, otel });
export const rate = (unit: Unit, description: string, otel?: string): Def<'f64', 'rate'> =>
  ({ type: 'f64', kind: 'rate', unit, description, otel });
export const counter = (unit: Unit, description: string, otel?: string): Def<'f64', 'counter'> =>
  ({ type: 'f64', kind: 'counter', unit, description, otel });
export const nullable = <C extends ColumnDef>(c: C): C & { readonly nullable: true } => ({ ...c, nullable: true });
