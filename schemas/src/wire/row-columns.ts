import { type Row, type TableName, catalog } from '../catalog/index.ts';

/**
 * Rows of one table held column by column: what a sender that emits many rows per tick (the
 * process sampler) fills in place, tick after tick, instead of an object per row. encodeBatch
 * writes it byte for byte as it writes the same rows as objects. The arrays belong to the
 * sender, which overwrites them at its next fill: encode or copy them before.
 */
export interface RowColumns<N extends TableName> {
  readonly kind: 'row_columns';
  readonly table: N;
  /** Rows; every column holds exactly this many values. */
  readonly length: number;
  /** One column's values, row by row, null where missing. */
  column(name: string): readonly unknown[];
}

/** One table's rows as a sender hands them over: objects, or the same rows as columns. */
export type TableRows<N extends TableName> = readonly Row<N>[] | RowColumns<N>;

export function isRowColumns<N extends TableName>(rows: TableRows<N>): rows is RowColumns<N> {
  return !Array.isArray(rows);
}

/** The rows as objects, one per row (tests, captures, and a table that two samplers fill). */
export function rowsOf<N extends TableName>(rows: TableRows<N>): Row<N>[] {
  if (!isRowColumns(rows)) return [...rows];
  const names = Object.keys(catalog[rows.table].columns);
  const out: Row<N>[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = rows.column(name)[i] ?? null;
    out.push(row as unknown as Row<N>);
  }
  return out;
}
