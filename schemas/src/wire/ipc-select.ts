import type { TableName } from '../catalog/index.ts';
import { Body, type Source, sourcesOf, writeColumns } from './ipc-body.ts';
import { catalogStream } from './ipc-writer.ts';

/** Rows `from` to `from + count` of a record batch. */
export type RowRange = readonly [from: number, count: number];

/**
 * Row ranges of an accepted stream of one record batch, in the order given, as a stream of the
 * catalog's schema with one record batch: the bytes of those rows copied column by column
 * (ipc-body.ts), no value decoded. Returns the stream's pieces; null when this does not apply (a
 * schema not accepted, compression, several record batches, a range outside the batch): the
 * caller then encodes the rows' values.
 */
export function selectRows(table: TableName, bytes: Uint8Array, ranges: readonly RowRange[]): Uint8Array[] | null {
  return selectGroups(table, bytes, [ranges])?.[0] ?? null;
}

/**
 * selectRows for several groups of ranges of the same stream, its metadata read once: how the
 * analyzer's router splits an agent's message by destination (each run's rows, the node's
 * background rows; a run's processes mostly lie next to each other, so a group is a few ranges).
 */
export function selectGroups(table: TableName, bytes: Uint8Array, groups: readonly (readonly RowRange[])[]): Uint8Array[][] | null {
  const whole: Source[] = [];
  if (!sourcesOf(table, bytes, whole) || whole.length !== 1) return null;
  const batch = whole[0] as Source;
  const out: Uint8Array[][] = [];
  for (const ranges of groups) {
    const slices: Source[] = [];
    let rows = 0;
    for (const [from, count] of ranges) {
      if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 0 || from + count > batch.numRows) return null;
      slices.push({ ...batch, row0: from, numRows: count, slice: true });
      rows += count;
    }
    // Sized for the group's share of the stream (the body grows if its values run longer): a router splits one message many ways.
    const body = new Body(2048 + Math.ceil((bytes.byteLength * rows) / Math.max(1, batch.numRows)));
    writeColumns(table, slices, body);
    out.push(catalogStream(table, rows, body));
  }
  return out;
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
