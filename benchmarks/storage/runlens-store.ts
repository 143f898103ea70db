// RunLens's two stores on the same windows: Arrow batches through `Store.insertArrow` (the
// ingest path: chDB reads them with `file(…,'ArrowStream')`; the 18.16 client writes RowBinary
// from the Arrow columns), then OPTIMIZE … FINAL and on-disk bytes from system.parts.
import type { Store } from '@runlens/pipeline';
import type { ClickHouseHttp } from '../ingest/clickhouse-http.ts';
import { SAMPLE_TABLES, type SampleTable } from './series.ts';

export interface TableSize {
  readonly table: SampleTable;
  readonly rows: number;
  readonly parts: number;
  /** Active parts' bytes on disk: columns, marks, primary index, checksums. */
  readonly bytes_on_disk: number;
  readonly compressed_bytes: number;
  readonly uncompressed_bytes: number;
  /** The heaviest columns (compressed bytes), where the engine reports them per column. */
  readonly top_columns: { name: string; bytes: number }[];
}

export interface ArrowBatch { readonly table: SampleTable; readonly ipc: Uint8Array; readonly rows: number; readonly samples: number }

/** Statements without a result set: raw HTTP on the server (its client appends FORMAT), the session on chDB. */
export function execFor(store: Store, http: ClickHouseHttp | null): (sql: string) => Promise<void> {
  return async (sql) => {
    if (http) await http.sql(sql);
    else await store.query(sql);
  };
}

export async function insertBatches(store: Store, batches: readonly ArrowBatch[]): Promise<void> {
  for (const b of batches) await store.insertArrow(b.table, b.ipc);
}

type Num = number | string;

/** Merges every sample table down to its final parts, then reads their sizes. */
export async function settleAndSize(store: Store, http: ClickHouseHttp | null): Promise<TableSize[]> {
  const exec = execFor(store, http);
  const db = store.database;
  for (const t of SAMPLE_TABLES) await exec(`OPTIMIZE TABLE ${db}.${t} FINAL`);
  const parts = await store.query<{ table: string; parts: Num; rows: Num; bytes: Num; compressed: Num; uncompressed: Num }>(
    `SELECT table, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes,
       sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS uncompressed
     FROM system.parts WHERE database = '${db}' AND active AND table IN ('process_samples', 'node_samples') GROUP BY table`);
  const cols = await store.query<{ table: string; name: string; bytes: Num }>(
    `SELECT table, name, data_compressed_bytes AS bytes FROM system.columns
     WHERE database = '${db}' AND table IN ('process_samples', 'node_samples') AND data_compressed_bytes > 0`);
  return SAMPLE_TABLES.map((table) => {
    const p = parts.find((r) => r.table === table);
    if (!p) throw new Error(`${store.kind}: no active parts of ${db}.${table}`);
    const top = cols.filter((c) => c.table === table).map((c) => ({ name: c.name, bytes: Number(c.bytes) }))
      .sort((a, b) => b.bytes - a.bytes).slice(0, 6);
    return {
      table, rows: Number(p.rows), parts: Number(p.parts), bytes_on_disk: Number(p.bytes),
      compressed_bytes: Number(p.compressed), uncompressed_bytes: Number(p.uncompressed), top_columns: top,
    };
  });
}

export async function countRows(store: Store, table: SampleTable): Promise<number> {
  const r = await store.query<{ n: Num }>(`SELECT count() AS n FROM ${store.database}.${table}`);
  return Number(r[0]?.n);
}
