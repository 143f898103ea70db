import type { Row, TableName } from '../catalog/index.ts';
import type { StoreCapabilities } from '../ddl.ts';
import type { SqlDialect } from '../sql-dialect.ts';
import type { Table } from 'apache-arrow';

/** Values a query parameter may take; bound server-side, never spliced into SQL text. */
export type QueryParam = string | number | boolean | readonly string[] | readonly number[];

/**
 * The store contract. SQL is ClickHouse SQL; parameters use `{name:Type}` placeholders.
 * Table names in SQL are written bare; the store resolves them in its own database.
 * Sample tables collapse replayed batches on their natural key: read them with FINAL.
 */
export interface Store {
  readonly kind: 'chdb' | 'clickhouse';
  readonly capabilities: StoreCapabilities;
  /** Version differences (time columns) for query authors. */
  readonly sql: SqlDialect;
  readonly database: string;
  /**
   * Creates the database and every catalog table, adds columns the catalog gained (idempotent).
   * Resolves with warnings for what it cannot change in place (a table's older sort key).
   */
  migrate(): Promise<string[]>;
  /**
   * Inserts Arrow IPC into a catalog table; resolves once durable. `ipc` is one stream, or several
   * streams of the table (messages as they came), which the store writes together without decoding
   * them (one insert per distinct schema). `decoded`, when the caller already has it for a single
   * stream, spares stores that cannot take Arrow a second decode.
   */
  insertArrow(table: TableName, ipc: Uint8Array | readonly Uint8Array[], decoded?: Table): Promise<void>;
  insertRows<N extends TableName>(table: N, rows: readonly Row<N>[]): Promise<void>;
  query<T>(sql: string, params?: Readonly<Record<string, QueryParam>>): Promise<T[]>;
  close(): Promise<void>;
}
