import { DataType, type Schema } from 'apache-arrow';
import { Message } from 'apache-arrow/fb/message';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { ByteBuffer } from 'flatbuffers';
import type { TableName } from '../catalog/index.ts';
import { MAX_BATCHES_PER_MESSAGE, MAX_ROWS_PER_MESSAGE } from './bounds.ts';
import { type IpcFrame, int64At, ipcFrames, vectorAt } from './ipc-metadata.ts';

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
 * Reads a batch's field nodes and buffers in order, each checked against the body: straight from
 * the flatbuffer's struct vectors (16 bytes each: length and null count, or offset and length), as
 * FieldNode and Buffer read them but without a BigInt per field (this runs per column per message).
 */
class BatchReader {
  private ni = 0;
  private bi = 0;
  private readonly bb: ByteBuffer;
  private readonly nodes: number;
  private readonly buffers: number;

  constructor(rb: RecordBatch, readonly view: DataView, readonly bodyStart: number, readonly bodyLength: number) {
    this.bb = rb.bb as ByteBuffer;
    this.nodes = vectorAt(this.bb, rb.bb_pos, 6);
    this.buffers = vectorAt(this.bb, rb.bb_pos, 8);
  }

  nextNode(): { length: number; nulls: number } | string {
    if (this.nodes < 0) return 'a column without a field node';
    const at = this.nodes + 16 * this.ni++;
    return { length: int64At(this.bb, at), nulls: int64At(this.bb, at + 8) };
  }

  nextBuffer(): { offset: number; length: number } | string {
    if (this.buffers < 0) return 'a column without its buffers';
    const at = this.buffers + 16 * this.bi++;
    const offset = int64At(this.bb, at);
    const length = int64At(this.bb, at + 8);
    return offset >= 0 && length >= 0 && offset + length <= this.bodyLength ? { offset, length } : `buffer ${offset}+${length} outside a body of ${this.bodyLength}`;
  }
}

function checkBatch(bytes: Uint8Array, f: IpcFrame, layout: readonly Column[]): number | string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const continued = view.getInt32(f.start, true) === -1;
  const metaStart = f.start + (continued ? 8 : 4);
  const m = Message.getRootAsMessage(new ByteBuffer(bytes.subarray(metaStart, metaStart + view.getInt32(metaStart - 4, true))));
  const rb = m.header(new RecordBatch()) as RecordBatch | null;
  if (!rb || rb.compression() !== null) return null;
  const bodyLength = Number(m.bodyLength());
  const r = new BatchReader(rb, view, f.end - bodyLength, bodyLength);
  const rows = Number(rb.length());
  if (!Number.isSafeInteger(rows) || rows < 0 || rows > MAX_ROWS_PER_MESSAGE) return `${rows} rows > ${MAX_ROWS_PER_MESSAGE}`;
  for (const c of layout) {
    const why = checkColumn(r, c, rows);
    if (why) return `column ${c.name}: ${why}`;
  }
  return rows;
}

function checkColumn(r: BatchReader, l: Layout, rows: number): string | null {
  const node = r.nextNode();
  if (typeof node === 'string') return node;
  if (node.length !== rows) return `${node.length} values in a batch of ${rows} rows`;
  const validity = r.nextBuffer();
  if (typeof validity === 'string') return validity;
  if (node.nulls > 0 && validity.length * 8 < rows) return `validity bitmap covers ${validity.length * 8} of ${rows} values`;
  if (l.kind === 'fixed') {
    const data = r.nextBuffer();
    if (typeof data === 'string') return data;
    return data.length >= rows * l.width ? null : `buffer holds ${data.length} bytes for ${rows} values of ${l.width}`;
  }
  if (l.kind === 'utf8') return checkUtf8(r, rows);
  const offsets = r.nextBuffer();
  if (typeof offsets === 'string') return offsets;
  const child = r.nextNode();
  if (typeof child === 'string') return child;
  const items = offsetsCover(r, offsets, rows, child.length);
  if (items) return items;
  const childValidity = r.nextBuffer();
  if (typeof childValidity === 'string') return childValidity;
  if (child.nulls > 0 && childValidity.length * 8 < child.length) return `item validity covers ${childValidity.length * 8} of ${child.length}`;
  return checkUtf8(r, child.length);
}

function checkUtf8(r: BatchReader, count: number): string | null {
  const offsets = r.nextBuffer();
  if (typeof offsets === 'string') return offsets;
  const data = r.nextBuffer();
  if (typeof data === 'string') return data;
  return offsetsCover(r, offsets, count, data.length);
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
