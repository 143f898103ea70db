import type { BusMessage } from '@runlens/pipeline';
import {
  type ColumnBatch, MAX_BATCHES_PER_MESSAGE, MAX_MESSAGE_BYTES, MAX_ROWS_PER_MESSAGE, type Row, SCHEMA_VERSION, type TableName, decodeMessage, messageRows, readColumns,
} from '@runlens/schemas';
import type { ProcessCols } from '../state/process-cols.ts';

/** A message read: its table, its first row's run, and its rows (process samples: as columns). */
export type Got<C = ProcessCols> = { readonly table: TableName; readonly first: Readonly<Record<string, unknown>> } & ({ readonly cols: readonly C[] } | { readonly rows: Row<TableName>[] });

/**
 * What a router wrote on the repartition topics: process samples as columns straight from the
 * Arrow buffers (`read` picks the columns), other tables as rows. They were read once already, so
 * a message that fails here is only counted (`unreadable`, with its dead-letter code).
 */
export function readRouted<C>(m: BusMessage, read: (b: ColumnBatch) => C, unreadable: (code: string) => void): Got<C> | null {
  const routed = routedColumns(m, read);
  if (routed) return routed;
  const d = decodeMessage(m);
  const columns = d.kind === 'ok' && d.value.table === 'process_samples' ? d.value.columns : null;
  if (columns) return { table: 'process_samples', first: { run_id: columns[0]?.str('run_id')?.[0] ?? '' }, cols: columns.map(read) };
  const rows = d.kind === 'ok' ? messageRows(d.value) : d;
  if (d.kind === 'ok' && rows.kind === 'ok') return { table: d.value.table, first: (rows.value[0] ?? {}) as Record<string, unknown>, rows: rows.value };
  if (rows.kind === 'dead_letter') unreadable(rows.code);
  return null;
}

/**
 * Process samples as a router wrote them, read as columns without checking them again: the router
 * ran decodeMessage's checks (size, version, framing, catalog schema, bounds) on these bytes, or
 * encoded them itself, before putting them on the repartition topics, which only routers write (as
 * Kafka Streams trusts its repartition topics). The checks were a third of a run owner's work per
 * message. Null where that does not apply (another table, a schema this replica has not accepted,
 * bytes the column reader refuses or cannot read): decodeMessage then decides, as before.
 */
function routedColumns<C>(m: BusMessage, read: (b: ColumnBatch) => C): Got<C> | null {
  if (m.headers.table !== 'process_samples' || m.headers.schema_version !== String(SCHEMA_VERSION)) return null;
  if (m.value.byteLength === 0 || m.value.byteLength > MAX_MESSAGE_BYTES) return null;
  try {
    const columns = readColumns('process_samples', m.value);
    if (!columns || columns.length === 0 || columns.length > MAX_BATCHES_PER_MESSAGE) return null;
    let rows = 0;
    for (const c of columns) rows += c.numRows;
    if (rows === 0 || rows > MAX_ROWS_PER_MESSAGE) return null;
    return { table: 'process_samples', first: { run_id: columns[0]?.str('run_id')?.[0] ?? '' }, cols: columns.map(read) };
  } catch {
    return null;
  }
}
