import type { Row, TableName } from '../catalog/index.ts';
import type { ColumnBatch } from './ipc-columns.ts';

/**
 * Rows of record batches read as columns (ipc-columns.ts): the objects apache-arrow's decode
 * gives (arrow.ts batchToRows), each row's fields in the batch's schema order, a missing value
 * null. Null where a batch has a column this reader does not make values of (a list): apache-arrow
 * reads that message. Messages of one or a few rows (a node's tick) are most of what the analyzer's
 * host topic carries, and building apache-arrow's Table for each was an eighth of its CPU.
 */
export function columnRows<N extends TableName>(batches: readonly ColumnBatch[]): Row<N>[] | null {
  const out: Row<N>[] = [];
  for (const b of batches) {
    const names = b.columnNames();
    const columns: (readonly (number | string | null)[])[] = [];
    for (const name of names) {
      const values = b.values(name);
      if (!values) return null;
      columns.push(values);
    }
    for (let i = 0; i < b.numRows; i++) {
      const row: Record<string, number | string | null> = {};
      for (let c = 0; c < names.length; c++) row[names[c] as string] = (columns[c] as readonly (number | string | null)[])[i] ?? null;
      out.push(row as Row<N>);
    }
  }
  return out;
}
