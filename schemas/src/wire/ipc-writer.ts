import { Builder } from 'flatbuffers';
import { type ColumnType, type Row, type TableName, catalog } from '../catalog/index.ts';

/**
 * The Arrow IPC stream writer for catalog tables: one schema message, one record batch, the end
 * marker. Little-endian, 8-byte aligned buffers, a validity buffer per column (empty when nothing
 * is null), utf8 for 'str' and 'lc', List<Utf8> ('item', nullable) for 'str_list', int64
 * milliseconds for 'ts'. It writes the flatbuffer metadata itself (Message.fbs, Schema.fbs), so
 * a sender (the node agent) never loads apache-arrow: that library is the readers' (ingest's full
 * check, the analyzer), and ipc-writer.test.ts reads every column back through it.
 */

/** Arrow Type union tags and enums (format/Schema.fbs, format/Message.fbs). */
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const TYPE_UTF8 = 5;
const TYPE_TIMESTAMP = 10;
const TYPE_LIST = 12;
const PRECISION_DOUBLE = 2;
const UNIT_MILLISECOND = 1;
const METADATA_V5 = 4;
const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;
const CONTINUATION = 0xff_ff_ff_ff;
const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

interface ColumnSpec { readonly name: string; readonly type: ColumnType; readonly nullable: boolean }

const pad8 = (n: number): number => (n + 7) & ~7;

/** The flatbuffer table of one field's type; `typeTag` is its union tag. */
function fieldType(b: Builder, type: ColumnType): { typeTag: number; offset: number } {
  const table = (tag: number, fill: () => void): { typeTag: number; offset: number } => {
    b.startObject(2);
    fill();
    return { typeTag: tag, offset: b.endObject() };
  };
  switch (type) {
    case 'ts': return table(TYPE_TIMESTAMP, () => b.addFieldInt16(0, UNIT_MILLISECOND, 0));
    case 'f64': return table(TYPE_FLOAT, () => b.addFieldInt16(0, PRECISION_DOUBLE, 0));
    case 'i32': return table(TYPE_INT, () => { b.addFieldInt32(0, 32, 0); b.addFieldInt8(1, 1, 0); });
    case 'u32': return table(TYPE_INT, () => b.addFieldInt32(0, 32, 0));
    case 'u8': return table(TYPE_INT, () => b.addFieldInt32(0, 8, 0));
    case 'str': case 'lc': return table(TYPE_UTF8, () => undefined);
    case 'str_list': return table(TYPE_LIST, () => undefined);
  }
}

function field(b: Builder, name: string, type: ColumnType, nullable: boolean): number {
  const children = type === 'str_list' ? [field(b, 'item', 'str', true)] : [];
  const nameAt = b.createString(name);
  const t = fieldType(b, type);
  b.startVector(4, children.length, 4);
  for (let i = children.length - 1; i >= 0; i--) b.addOffset(children[i]!);
  const childrenAt = b.endVector();
  b.startObject(7);
  b.addFieldOffset(0, nameAt, 0);
  b.addFieldInt8(1, nullable ? 1 : 0, 0);
  b.addFieldInt8(2, t.typeTag, 0);
  b.addFieldOffset(3, t.offset, 0);
  b.addFieldOffset(5, childrenAt, 0);
  return b.endObject();
}

/** One framed IPC message: continuation, padded metadata length, metadata, then `bodyLength` body bytes to follow. */
function message(b: Builder, headerTag: number, header: number, bodyLength: number): Uint8Array {
  b.startObject(5);
  b.addFieldInt16(0, METADATA_V5, 0);
  b.addFieldInt8(1, headerTag, 0);
  b.addFieldOffset(2, header, 0);
  b.addFieldInt64(3, BigInt(bodyLength), 0n);
  b.finish(b.endObject());
  const meta = b.asUint8Array();
  const metaLength = pad8(8 + meta.length) - 8;
  const out = new Uint8Array(8 + metaLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, metaLength, true);
  out.set(meta, 8);
  return out;
}

function schemaMessage(columns: readonly ColumnSpec[]): Uint8Array {
  const b = new Builder(1024);
  const fields = columns.map((c) => field(b, c.name, c.type, c.nullable));
  b.startVector(4, fields.length, 4);
  for (let i = fields.length - 1; i >= 0; i--) b.addOffset(fields[i]!);
  const fieldsAt = b.endVector();
  b.startObject(4);
  b.addFieldOffset(1, fieldsAt, 0);
  return message(b, HEADER_SCHEMA, b.endObject(), 0);
}

interface TableLayout { readonly columns: readonly ColumnSpec[]; readonly schema: Uint8Array }

const layouts = new Map<TableName, TableLayout>();

function layoutOf(name: TableName): TableLayout {
  let l = layouts.get(name);
  if (!l) {
    const defs = Object.entries(catalog[name].columns) as [string, { type: ColumnType; nullable?: boolean }][];
    const columns = defs.map(([col, def]) => ({ name: col, type: def.type, nullable: def.nullable === true }));
    l = { columns, schema: schemaMessage(columns) };
    layouts.set(name, l);
  }
  return l;
}

/** The record batch body, written into one buffer that is reused from batch to batch. */
class Body {
  bytes = Buffer.alloc(64 * 1024);
  view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  at = 0;
  /** Field nodes (length, null count) and buffers (offset, length), flattened pairs. */
  readonly nodes: number[] = [];
  readonly buffers: number[] = [];

  reset(): void {
    this.at = 0;
    this.nodes.length = 0;
    this.buffers.length = 0;
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
    this.bytes.fill(0, start, end);
    this.at = end;
    this.buffers.push(start, length);
    return start;
  }

  /** Shrinks the last buffer to `length` bytes (a string buffer sized for the worst case). */
  trimLast(length: number): void {
    const start = this.buffers[this.buffers.length - 2]!;
    this.buffers[this.buffers.length - 1] = length;
    this.at = start + pad8(length);
  }

  /** The node of `values` and its validity buffer (empty when nothing is null). */
  validity(values: readonly unknown[]): void {
    let nulls = 0;
    for (const v of values) if (v === null || v === undefined) nulls++;
    this.nodes.push(values.length, nulls);
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

/** Offsets then UTF-8 data of `values` (anything but a string is empty); Buffer.write allocates nothing per value. */
function writeStrings(body: Body, values: readonly unknown[]): void {
  const offsets = body.alloc((values.length + 1) * 4);
  let worst = 0;
  for (const v of values) if (typeof v === 'string') worst += v.length * 3;
  const data = body.alloc(worst);
  let written = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') written += body.bytes.write(v, data + written, worst - written, 'utf8');
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

function recordBatchMessage(body: BatchBody, rows: number): Uint8Array {
  const b = new Builder(512 + body.buffers.length * 16);
  const structs = (pairs: readonly number[]): number => {
    b.startVector(16, pairs.length / 2, 8);
    for (let i = pairs.length - 2; i >= 0; i -= 2) {
      b.prep(8, 16);
      b.writeInt64(BigInt(pairs[i + 1]!));
      b.writeInt64(BigInt(pairs[i]!));
    }
    return b.endVector();
  };
  const nodesAt = structs(body.nodes);
  const buffersAt = structs(body.buffers);
  b.startObject(5);
  b.addFieldInt64(0, BigInt(rows), 0n);
  b.addFieldOffset(1, nodesAt, 0);
  b.addFieldOffset(2, buffersAt, 0);
  return message(b, HEADER_RECORD_BATCH, b.endObject(), body.at);
}

/** A written record batch body: its length and its field nodes and buffers as flattened pairs. */
export interface BatchBody { readonly at: number; readonly nodes: readonly number[]; readonly buffers: readonly number[] }

let body: Body | undefined;

/** Rows of one table as one Arrow IPC stream (schema, one record batch, end marker), column by column. */
export function encodeBatch<N extends TableName>(name: N, rows: readonly Row<N>[]): Uint8Array {
  const values: unknown[] = new Array<unknown>(rows.length);
  return encodeValues(name, rows.length, (column) => {
    for (let i = 0; i < rows.length; i++) values[i] = (rows[i] as Record<string, unknown>)[column] ?? null;
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
