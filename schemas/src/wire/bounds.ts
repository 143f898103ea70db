import { type Data, DataType, type Table } from 'apache-arrow';

/** Most rows one message may carry: far above an agent's tick, far below what exhausts memory. */
export const MAX_ROWS_PER_MESSAGE = 262_144;
/** Most record batches one message may carry. */
export const MAX_BATCHES_PER_MESSAGE = 1024;

/**
 * Why a decoded message claims more than its bytes hold, or null when every count is backed
 * by buffers. apache-arrow reads IPC lazily and trusts the lengths in the metadata: a 16 KB
 * message may claim 50 M rows, and materialising it then exhausts memory. Checking that each
 * buffer covers its claimed length bounds every later loop by the message's own bytes.
 */
export function boundsViolation(table: Table): string | null {
  if (table.numRows > MAX_ROWS_PER_MESSAGE) return `${table.numRows} rows > ${MAX_ROWS_PER_MESSAGE}`;
  if (table.batches.length > MAX_BATCHES_PER_MESSAGE) return `${table.batches.length} record batches > ${MAX_BATCHES_PER_MESSAGE}`;
  for (const batch of table.batches) {
    for (const field of batch.schema.fields) {
      const column = batch.getChild(field.name);
      if (!column) continue;
      for (const d of column.data) {
        if (d.length !== batch.numRows) return `column ${field.name}: ${d.length} values in a batch of ${batch.numRows} rows`;
        const why = uncovered(d);
        if (why) return `column ${field.name}: ${why}`;
      }
    }
  }
  return null;
}

function uncovered(d: Data, depth = 0): string | null {
  if (depth > 4) return 'nested too deep';
  const end = d.offset + d.length;
  if (d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length * 8 < end) return `validity bitmap covers ${d.nullBitmap.length * 8} of ${end} values`;
  if (DataType.isNull(d.type)) return null;
  if (DataType.isUtf8(d.type) || DataType.isBinary(d.type)) return offsetsCover(d, end, d.values?.length ?? 0);
  if (DataType.isList(d.type)) {
    const child = d.children[0];
    if (!child) return 'list without values';
    return offsetsCover(d, end, child.offset + child.length) ?? uncovered(child, depth + 1);
  }
  if (DataType.isStruct(d.type)) {
    for (const c of d.children) if (c.length < end) return `struct child has ${c.length} of ${end} values`;
    return d.children.map((c) => uncovered(c, depth + 1)).find((w) => w !== null) ?? null;
  }
  const have = DataType.isBool(d.type) ? (d.values?.length ?? 0) * 8 : (d.values?.length ?? 0);
  const need = DataType.isBool(d.type) ? end : end * d.stride;
  return have >= need ? null : `buffer holds ${have} of ${need} values`;
}

/** Offsets exist for every value, never go backwards and never point past the values. */
function offsetsCover(d: Data, end: number, valuesLength: number): string | null {
  const offsets = d.valueOffsets as ArrayLike<number | bigint> | undefined;
  if (!offsets || offsets.length < end + 1) return `offsets cover ${offsets ? offsets.length - 1 : 0} of ${end} values`;
  let previous = Number(offsets[d.offset]);
  if (previous < 0) return 'negative offset';
  for (let i = d.offset + 1; i <= end; i++) {
    const next = Number(offsets[i]);
    if (next < previous) return `offset ${i} goes backwards`;
    previous = next;
  }
  return previous <= valuesLength ? null : `offsets reach ${previous} of ${valuesLength} values`;
}
