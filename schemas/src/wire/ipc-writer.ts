import { type ColumnType, type Row, type TableName } from '../catalog/index.ts';
import { type BatchBody, EOS, layoutOf, pad8, recordBatchMessage } from './ipc-messages.ts';
import { type TableRows, isRowColumns } from './row-columns.ts';

export type { BatchBody } from './ipc-messages.ts';

/**
 * The Arrow IPC stream writer for catalog tables: one schema message, one record batch, the end
 * marker. Little-endian, 8-byte aligned buffers, a validity buffer per column (empty when nothing
 * is null), utf8 for 'str' and 'lc', List<Utf8> ('item', nullable) for 'str_list', int64
 * milliseconds for 'ts'. It writes the flatbuffer metadata itself (Message.fbs, Schema.fbs), so
 * a sender (the node agent) never loads apache-arrow: that library is the readers' (ingest's full
 * check, the analyzer), and ipc-writer.test.ts reads every column back through it.
 */

/** The record batch body, written into one buffer that is reused from batch to batch. */
class Body {
  bytes = Buffer.alloc(64 * 1024);
  view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  at = 0;
  /** Field nodes (length, null count) and buffers (offset, length), flattened pairs. */
  readonly nodes: number[] = [];
  readonly buffers: number[] = [];

  private nodeCount = 0;
  private bufferCount = 0;

  reset(): void {
    this.at = 0;
    this.nodeCount = 0;
    this.bufferCount = 0;
  }

  /** Cuts nodes and buffers to what this batch wrote: they are written by index, not emptied (`length = 0` drops their storage, regrown for every message). */
  finish(): void {
    this.nodes.length = this.nodeCount;
    this.buffers.length = this.bufferCount;
  }

  /** A zeroed, 8-aligned buffer of `length` bytes; returns its offset. */
  alloc(length: number): number {
    const start = this.at;
    const end = start + pad8(length);
    if (end > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    if (end > start) this.bytes.fill(0, start, end);
    this.at = end;
    this.buffers[this.bufferCount++] = start;
    this.buffers[this.bufferCount++] = length;
    return start;
  }

  /** Shrinks the last buffer to `length` bytes (a string buffer sized for the worst case). */
  trimLast(length: number): void {
    const start = this.buffers[this.bufferCount - 2]!;
    this.buffers[this.bufferCount - 1] = length;
    this.at = start + pad8(length);
  }

  /** The node of `values` and its validity buffer (empty when nothing is null). */
  validity(values: readonly unknown[]): void {
    let nulls = 0;
    // Indexed, not for-of: here for-of was not optimised away and made an iterator result per
    // value (1 MB per tick of garbage in the agent at 1,000 processes).
    for (let i = 0; i < values.length; i++) if (values[i] === null || values[i] === undefined) nulls++;
    this.nodes[this.nodeCount++] = values.length;
    this.nodes[this.nodeCount++] = nulls;
    if (nulls === 0) {
      this.alloc(0);
      return;
    }
    const at = this.alloc((values.length + 7) >> 3);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined) this.bytes[at + (i >> 3)]! |= 1 << (i & 7);
    }
  }
}

/** `v` as UTF-8 at `at`; returns its length. A short ASCII string (comm, host) goes byte by byte, not through C++. */
function writeUtf8(bytes: Buffer, v: string, at: number, room: number): number {
  if (v.length <= 32) {
    let i = 0;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 128) break;
      bytes[at + i] = c;
    }
    if (i === v.length) return i;
  }
  return bytes.write(v, at, room, 'utf8');
}

/** Offsets then UTF-8 data of `values` (anything but a string is empty); nothing is allocated per value. */
function writeStrings(body: Body, values: readonly unknown[]): void {
  const offsets = body.alloc((values.length + 1) * 4);
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') worst += v.length * 3;
  }
  const data = body.alloc(worst);
  let written = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') written += writeUtf8(body.bytes, v, data + written, worst - written);
    body.view.setInt32(offsets + (i + 1) * 4, written, true);
  }
  body.trimLast(written);
}

/** List<Utf8>: the list's offsets (in items), then the item column. */
function writeStringLists(body: Body, values: readonly unknown[]): void {
  const offsets = body.alloc((values.length + 1) * 4);
  const items: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Array.isArray(v)) for (const item of v) items.push(item);
    body.view.setInt32(offsets + (i + 1) * 4, items.length, true);
  }
  body.validity(items);
  writeStrings(body, items);
}

/** Milliseconds as int64 without a BigInt per value: two little-endian 32-bit words. */
function writeTimestamps(body: Body, values: readonly unknown[]): void {
  const at = body.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') continue;
    const ms = Math.trunc(v);
    body.view.setInt32(at + 8 * i, ms % 0x1_0000_0000 | 0, true);
    body.view.setInt32(at + 8 * i + 4, Math.floor(ms / 0x1_0000_0000), true);
  }
}

function writeNumbers(body: Body, type: 'f64' | 'i32' | 'u32' | 'u8', values: readonly unknown[]): void {
  const width = type === 'f64' ? 8 : type === 'u8' ? 1 : 4;
  const at = body.alloc(values.length * width);
  const view = body.view;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') continue;
    if (type === 'f64') view.setFloat64(at + 8 * i, v, true);
    else if (type === 'i32') view.setInt32(at + 4 * i, v, true);
    else if (type === 'u32') view.setUint32(at + 4 * i, v, true);
    else view.setUint8(at + i, v);
  }
}

function writeColumn(body: Body, type: ColumnType, values: readonly unknown[]): void {
  body.validity(values);
  switch (type) {
    case 'ts': return writeTimestamps(body, values);
    case 'str': case 'lc': return writeStrings(body, values);
    case 'str_list': return writeStringLists(body, values);
    default: return writeNumbers(body, type, values);
  }
}

let body: Body | undefined;

/**
 * Rows of one table as one Arrow IPC stream (schema, one record batch, end marker), column by
 * column; rows held as columns are written from their arrays, with the same bytes.
 */
export function encodeBatch<N extends TableName>(name: N, rows: TableRows<N>): Uint8Array {
  const columns = isRowColumns(rows) ? rows : null;
  if (columns) return encodeValues(name, columns.length, (column) => columns.column(column));
  const list = rows as readonly Row<N>[];
  const values: unknown[] = new Array<unknown>(list.length);
  return encodeValues(name, list.length, (column) => {
    for (let i = 0; i < list.length; i++) values[i] = (list[i] as Record<string, unknown>)[column] ?? null;
    return values;
  });
}

/**
 * One stream of `n` rows from each column's values (null where missing), columns in catalog
 * order: encodeBatch's body, and how a consumer re-encodes a subset of a message's columns
 * without row objects (encodeColumns). `valuesOf` may reuse its array between columns.
 */
export function encodeValues(name: TableName, n: number, valuesOf: (column: string) => readonly unknown[]): Uint8Array {
  const { columns, schema } = layoutOf(name);
  body ??= new Body();
  body.reset();
  for (const c of columns) writeColumn(body, c.type, valuesOf(c.name));
  body.finish();
  const head = recordBatchMessage(body, n);
  const out = new Uint8Array(schema.length + head.length + body.at + EOS.length);
  out.set(schema, 0);
  out.set(head, schema.length);
  out.set(body.bytes.subarray(0, body.at), schema.length + head.length);
  out.set(EOS, schema.length + head.length + body.at);
  return out;
}

/**
 * A stream of the catalog's schema and one record batch whose body the caller wrote (8-byte
 * aligned buffers, `nodes` and `buffers` as flattened (length, null count) and (offset, length)
 * pairs in the catalog's column order), as the pieces to write one after the other: schema,
 * batch metadata, body, end marker. ipc-compact.ts writes such bodies from other streams' buffers.
 */
export function catalogStream(name: TableName, rows: number, batch: BatchBody & { readonly bytes: Uint8Array }): Uint8Array[] {
  return [layoutOf(name).schema, recordBatchMessage(batch, rows), batch.bytes.subarray(0, batch.at), EOS];
}
