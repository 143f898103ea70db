import { Builder, ByteBuffer } from 'flatbuffers';
import { type ColumnType, type TableName, catalog } from '../catalog/index.ts';

/*
 * The IPC stream's framing and flatbuffer metadata for catalog tables (Message.fbs, Schema.fbs):
 * the schema message of each table, record batch headers, the end marker. ipc-writer.ts writes the
 * bodies; ipc-compact.ts reuses the schema and the headers for bodies it copies from other streams.
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
export const EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

interface ColumnSpec { readonly name: string; readonly type: ColumnType; readonly nullable: boolean }

export const pad8 = (n: number): number => (n + 7) & ~7;

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

export function layoutOf(name: TableName): TableLayout {
  let l = layouts.get(name);
  if (!l) {
    const defs = Object.entries(catalog[name].columns) as [string, { type: ColumnType; nullable?: boolean }][];
    const columns = defs.map(([col, def]) => ({ name: col, type: def.type, nullable: def.nullable === true }));
    l = { columns, schema: schemaMessage(columns) };
    layouts.set(name, l);
  }
  return l;
}

const TWO_32 = 2 ** 32;

/**
 * An 8-byte little-endian unsigned integer (a length, count or offset, below 2^53) at the builder's
 * front, as two 32-bit halves: the builder writes downward, so the high half goes first. Builder's
 * own writeInt64 takes a BigInt and makes several more per value (a record batch has ~240 of them).
 */
function writeUint64(b: Builder, v: number): void {
  b.writeInt32(Math.floor(v / TWO_32));
  b.writeInt32(v % TWO_32);
}

/**
 * A record batch message's metadata: from the template of its shape where there is one, built
 * with the flatbuffer Builder otherwise. The layout of a flatbuffer depends on which fields are
 * present and how long its vectors are, never on their values; rows and body length are present
 * when above 0 (the Builder leaves out a default). So a table's messages share one shape, and a
 * message is its template's bytes with its own numbers written in (byte for byte the Builder's).
 */
export function recordBatchMessage(body: BatchBody, rows: number): Uint8Array {
  if (rows <= 0 || body.at <= 0) return builtBatchMessage(body, rows);
  const key = body.nodes.length * 2 ** 20 + body.buffers.length;
  const t = templates.get(key);
  if (!t) {
    const built = builtBatchMessage(body, rows);
    templates.set(key, templateOf(built.slice()));
    return built;
  }
  const out = t.bytes.slice();
  const view = new DataView(out.buffer);
  putUint64(view, t.length, rows);
  putUint64(view, t.bodyLength, body.at);
  for (let k = 0; k < body.nodes.length; k++) putUint64(view, t.nodes + 8 * k, body.nodes[k]!);
  for (let k = 0; k < body.buffers.length; k++) putUint64(view, t.buffers + 8 * k, body.buffers[k]!);
  return out;
}

/** A framed record batch message and where its numbers lie: rows, body length, and the first field node and buffer (8 bytes per number after). */
interface BatchTemplate { readonly bytes: Uint8Array; readonly length: number; readonly bodyLength: number; readonly nodes: number; readonly buffers: number }

/** Templates per shape (numbers of field nodes and of buffers): a few per process, one per table written. */
const templates = new Map<number, BatchTemplate>();

/** Where a framed message's numbers lie, read from its flatbuffer (Message: header at slot 8, bodyLength at 10; RecordBatch: length 4, nodes 6, buffers 8). */
function templateOf(framed: Uint8Array): BatchTemplate {
  const bb = new ByteBuffer(framed.subarray(8));
  const field = (table: number, slot: number): number => table + bb.__offset(table, slot);
  const message = bb.readInt32(0);
  const header = bb.__indirect(field(message, 8));
  return {
    bytes: framed, length: 8 + field(header, 4), bodyLength: 8 + field(message, 10),
    nodes: 8 + bb.__vector(field(header, 6)), buffers: 8 + bb.__vector(field(header, 8)),
  };
}

/** `v` (an integer below 2^53) as 8 little-endian bytes; `>>> 0` is its low 32 bits without a floating-point remainder. */
function putUint64(view: DataView, at: number, v: number): void {
  const low = v >>> 0;
  view.setUint32(at, low, true);
  view.setUint32(at + 4, (v - low) / TWO_32, true);
}

/** recordBatchMessage through the flatbuffer Builder: what a template is made from (and checked against in tests). */
export function builtBatchMessage(body: BatchBody, rows: number): Uint8Array {
  const b = new Builder(512 + body.buffers.length * 16);
  const structs = (pairs: readonly number[]): number => {
    b.startVector(16, pairs.length / 2, 8);
    for (let i = pairs.length - 2; i >= 0; i -= 2) {
      b.prep(8, 16);
      writeUint64(b, pairs[i + 1]!);
      writeUint64(b, pairs[i]!);
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
