import { DataType, type Schema } from 'apache-arrow';
import { Message } from 'apache-arrow/fb/message';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { ByteBuffer } from 'flatbuffers';
import type { TableName } from '../catalog/index.ts';
import { MAX_BATCHES_PER_MESSAGE, MAX_ROWS_PER_MESSAGE } from './bounds.ts';
import { type IpcFrame, int64At, ipcFrames, vectorOf } from './ipc-metadata.ts';

/** What one column's buffers must hold, from a schema that already matched the catalog. */
type Layout = { readonly kind: 'fixed'; readonly width: number } | { readonly kind: 'utf8' } | { readonly kind: 'list_utf8' };

/** One column of an accepted schema: its name and what its buffers hold. */
export type IpcColumn = Layout & { readonly name: string };
type Column = IpcColumn;

interface Accepted { readonly schema: Uint8Array; readonly layout: readonly Column[] }

/** Schema messages already checked against the catalog, per table (a few per table: agent versions). */
const accepted = new Map<TableName, Accepted[]>();
const MAX_SCHEMAS_PER_TABLE = 8;

function layoutOf(type: DataType): Layout | null {
  if (DataType.isUtf8(type)) return { kind: 'utf8' };
  if (DataType.isList(type)) return type.children[0] && DataType.isUtf8(type.children[0].type) ? { kind: 'list_utf8' } : null;
  if (DataType.isTimestamp(type) || DataType.isFloat(type) || DataType.isInt(type)) {
    const width = DataType.isTimestamp(type) ? 8 : DataType.isFloat(type) ? 8 : type.bitWidth / 8;
    return DataType.isFloat(type) && type.precision !== 2 ? null : { kind: 'fixed', width };
  }
  return null;
}

/**
 * Remembers a stream's schema message once the whole message passed the full check (apache-arrow
 * decode, catalog schema, bounds): later messages with the same schema bytes take the fast path.
 */
export function acceptSchema(table: TableName, bytes: Uint8Array, schema: Schema): void {
  const head = ipcFrames(bytes)?.[0];
  if (head?.kind !== 'schema') return;
  const layout: Column[] = [];
  for (const f of schema.fields) {
    const l = layoutOf(f.type);
    if (!l) return;
    layout.push({ ...l, name: f.name });
  }
  const list = accepted.get(table) ?? [];
  if (list.length >= MAX_SCHEMAS_PER_TABLE) list.shift();
  list.push({ schema: bytes.slice(0, head.end), layout });
  accepted.set(table, list);
}

function knownLayout(table: TableName, bytes: Uint8Array, head: IpcFrame): readonly Column[] | null {
  const schema = Buffer.from(bytes.buffer, bytes.byteOffset, head.end);
  return accepted.get(table)?.find((a) => a.schema.byteLength === head.end && schema.equals(a.schema))?.layout ?? null;
}

/** The frames of a stream whose schema was accepted before, and that schema's column layout; null otherwise. */
export function acceptedLayout(table: TableName, bytes: Uint8Array): { frames: readonly IpcFrame[]; layout: readonly IpcColumn[] } | null {
  const frames = ipcFrames(bytes);
  const head = frames?.[0];
  if (!frames || head?.kind !== 'schema') return null;
  const layout = knownLayout(table, bytes, head);
  return layout ? { frames, layout } : null;
}

export type IpcCheck = { readonly kind: 'ok'; readonly numRows: number } | { readonly kind: 'out_of_bounds'; readonly detail: string };

/**
 * The row count of an IPC stream whose schema was accepted before, checked from the record
 * batch metadata and offsets alone: every column has the batch's row count, every buffer lies
 * in the body and covers its values, offsets never go backwards or past their data. No value is
 * decoded. Null when this path does not apply (a new schema, dictionaries, compression): the
 * caller then runs the full check. Call after ipcMetadataViolation.
 */
export function checkAcceptedIpc(table: TableName, bytes: Uint8Array): IpcCheck | null {
  const frames = ipcFrames(bytes);
  const [head, ...batches] = frames ?? [];
  if (!head || head.kind !== 'schema') return null;
  const layout = knownLayout(table, bytes, head);
  if (!layout) return null;
  if (batches.length > MAX_BATCHES_PER_MESSAGE) return { kind: 'out_of_bounds', detail: `${batches.length} record batches > ${MAX_BATCHES_PER_MESSAGE}` };
  let rows = 0;
  for (const f of batches) {
    if (f.kind !== 'record_batch') return null;
    const r = checkBatch(bytes, f, layout);
    if (r === null || typeof r === 'string') return r === null ? null : { kind: 'out_of_bounds', detail: r };
    rows += r;
    if (rows > MAX_ROWS_PER_MESSAGE) return { kind: 'out_of_bounds', detail: `${rows} rows > ${MAX_ROWS_PER_MESSAGE}` };
  }
  return { kind: 'ok', numRows: rows };
}

/**
 * Reads a batch's field nodes (16-byte structs: length, null count) and buffers (offset, length)
 * in order straight from the flatbuffer, each checked against the body. The last one read is in
 * the fields: no object per node or buffer.
 */
class BatchReader {
  private ni = 0;
  private bi = 0;
  private readonly nodes: { at: number; length: number };
  private readonly buffers: { at: number; length: number };
  length = 0;
  nulls = 0;
  offset = 0;
  size = 0;

  constructor(private readonly bb: ByteBuffer, rb: RecordBatch, readonly view: DataView, readonly bodyStart: number, readonly bodyLength: number) {
    this.nodes = vectorOf(bb, rb.bb_pos, 6);
    this.buffers = vectorOf(bb, rb.bb_pos, 8);
  }

  nextNode(): string | null {
    if (this.ni >= this.nodes.length) return 'a column without a field node';
    const at = this.nodes.at + 16 * this.ni++;
    this.length = int64At(this.bb, at);
    this.nulls = int64At(this.bb, at + 8);
    return null;
  }

  nextBuffer(): string | null {
    if (this.bi >= this.buffers.length) return 'a column without its buffers';
    const at = this.buffers.at + 16 * this.bi++;
    const offset = int64At(this.bb, at);
    const length = int64At(this.bb, at + 8);
    if (!(offset >= 0 && length >= 0 && offset + length <= this.bodyLength)) return `buffer ${offset}+${length} outside a body of ${this.bodyLength}`;
    this.offset = offset;
    this.size = length;
    return null;
  }
}

function checkBatch(bytes: Uint8Array, f: IpcFrame, layout: readonly Column[]): number | string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const continued = view.getInt32(f.start, true) === -1;
  const metaStart = f.start + (continued ? 8 : 4);
  const bb = new ByteBuffer(bytes.subarray(metaStart, metaStart + view.getInt32(metaStart - 4, true)));
  const m = Message.getRootAsMessage(bb);
  const rb = m.header(new RecordBatch()) as RecordBatch | null;
  if (!rb || rb.compression() !== null) return null;
  const bodyLength = Number(m.bodyLength());
  const r = new BatchReader(bb, rb, view, f.end - bodyLength, bodyLength);
  const lengthSlot = bb.__offset(rb.bb_pos, 4);
  const rows = lengthSlot ? int64At(bb, rb.bb_pos + lengthSlot) : 0;
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > MAX_ROWS_PER_MESSAGE) return `${rows} rows > ${MAX_ROWS_PER_MESSAGE}`;
  for (const c of layout) {
    const why = checkColumn(r, c, rows);
    if (why) return `column ${c.name}: ${why}`;
  }
  return rows;
}

function checkColumn(r: BatchReader, l: Layout, rows: number): string | null {
  const bad = r.nextNode();
  if (bad) return bad;
  if (r.length !== rows) return `${r.length} values in a batch of ${rows} rows`;
  const nulls = r.nulls;
  const noValidity = r.nextBuffer();
  if (noValidity) return noValidity;
  if (nulls > 0 && r.size * 8 < rows) return `validity bitmap covers ${r.size * 8} of ${rows} values`;
  if (l.kind === 'fixed') return r.nextBuffer() ?? (r.size >= rows * l.width ? null : `buffer holds ${r.size} bytes for ${rows} values of ${l.width}`);
  if (l.kind === 'utf8') return checkUtf8(r, rows);
  const noOffsets = r.nextBuffer();
  if (noOffsets) return noOffsets;
  const offsets = { offset: r.offset, length: r.size };
  const noChild = r.nextNode();
  if (noChild) return noChild;
  const child = { length: r.length, nulls: r.nulls };
  const items = offsetsCover(r, offsets, rows, child.length);
  if (items) return items;
  const noChildValidity = r.nextBuffer();
  if (noChildValidity) return noChildValidity;
  if (child.nulls > 0 && r.size * 8 < child.length) return `item validity covers ${r.size * 8} of ${child.length}`;
  return checkUtf8(r, child.length);
}

function checkUtf8(r: BatchReader, count: number): string | null {
  const noOffsets = r.nextBuffer();
  if (noOffsets) return noOffsets;
  const offsets = { offset: r.offset, length: r.size };
  return r.nextBuffer() ?? offsetsCover(r, offsets, count, r.size);
}

/** Offsets exist for every value, start at or after 0, never go backwards and end within `limit`. */
function offsetsCover(r: BatchReader, offsets: { offset: number; length: number }, count: number, limit: number): string | null {
  if (offsets.length < (count + 1) * 4) return count === 0 ? null : `offsets cover ${Math.floor(offsets.length / 4) - 1} of ${count} values`;
  const at = r.bodyStart + offsets.offset;
  let previous = r.view.getInt32(at, true);
  if (previous < 0) return 'negative offset';
  for (let i = 1; i <= count; i++) {
    const next = r.view.getInt32(at + i * 4, true);
    if (next < previous) return `offset ${i} goes backwards`;
    previous = next;
  }
  return previous <= limit ? null : `offsets point to ${previous} past ${limit}`;
}
