import type { TableName } from '../catalog/index.ts';
import { Body, type Source, sourcesOf, writeColumns } from './ipc-body.ts';
import { catalogStream } from './ipc-writer.ts';

/** Rows `from` to `from + count` of a record batch. */
export type RowRange = readonly [from: number, count: number];

/**
 * Row ranges of an accepted stream of one record batch, in the order given, as a stream of the
 * catalog's schema with one record batch: the bytes of those rows copied column by column
 * (ipc-body.ts), no value decoded. How the analyzer's router splits an agent's message by run:
 * a run's processes mostly lie next to each other, so a split copies a few ranges. Returns the
 * stream's pieces; null when this does not apply (a schema not accepted, compression, several
 * record batches, a range outside the batch): the caller then encodes the rows' values.
 */
export function selectRows(table: TableName, bytes: Uint8Array, ranges: readonly RowRange[]): Uint8Array[] | null {
  const whole: Source[] = [];
  if (!sourcesOf(table, bytes, whole) || whole.length !== 1) return null;
  const batch = whole[0] as Source;
  const slices: Source[] = [];
  let rows = 0;
  for (const [from, count] of ranges) {
    if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 0 || from + count > batch.numRows) return null;
    slices.push({ ...batch, row0: from, numRows: count });
    rows += count;
  }
  const out = new Body(4096 + bytes.byteLength);
  writeColumns(table, slices, out);
  return catalogStream(table, rows, out);
}

/** Sorted row indexes as ranges of consecutive rows. */
export function rowRanges(rows: readonly number[]): RowRange[] {
  const out: [number, number][] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] === r) last[1]++;
    else out.push([r, 1]);
  }
  return out;
}
