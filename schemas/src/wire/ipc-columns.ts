import { Message } from 'apache-arrow/fb/message';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { ByteBuffer } from 'flatbuffers';
import { type ColumnType, type TableName, catalog } from '../catalog/index.ts';
import { type IpcColumn, acceptedLayout } from './ipc-check.ts';
import { int64At, vectorAt } from './ipc-metadata.ts';

/** A byte range of a record batch's body. */
export interface IpcRange { readonly offset: number; readonly length: number }
type Range = IpcRange;

/** Where one column's values lie in the message: its validity bitmap and its value buffers. */
export interface IpcSlot {
  readonly type: ColumnType;
  readonly nulls: number;
  readonly validity: Range;
  /** fixed: data; utf8: offsets, data; list of utf8: offsets, then the items' validity, offsets and data. */
  readonly buffers: readonly Range[];
  /** A list column's items' null count (0 for other columns). */
  readonly childNulls: number;
}
type Slot = IpcSlot;

const TWO_32 = 2 ** 32;
/** Arrow buffers are little-endian: a typed array over them reads them as they are only on such a CPU. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * One record batch's columns, read straight from the IPC buffers: numbers into a Float64Array,
 * strings into an array, each column on first use, and no row object at all. This is what lets
 * a consumer that needs a few columns of many rows (the analyzer's router and tick aggregation)
 * skip apache-arrow's decode and per-row objects.
 */
export class ColumnBatch {
  /** Columns read so far (numbers or strings), by place index: an array, not a Map per kind grown column by column per message. */
  private readonly read: (Float64Array | readonly (string | null)[] | undefined)[];
  /** Made on first use: the stream's readers (numbers and strings) never ask for values or slots. */
  private vals: Map<string, readonly (number | string | null)[]> | undefined;
  private slots: Map<string, Slot> | undefined;

  constructor(
    private readonly bytes: Buffer, private readonly view: DataView, private readonly body: number, readonly numRows: number,
    private readonly meta: BatchMeta,
  ) {
    this.read = new Array<undefined>(meta.places.size);
  }

  /** The batch's columns, in its schema's order. */
  columnNames(): readonly string[] {
    return namesOf(this.meta.places);
  }

  /** A column's slot, read from the batch's metadata on first use: a reader of a few columns never builds the others'. */
  private slot(name: string): Slot | undefined {
    this.slots ??= new Map();
    let s = this.slots.get(name);
    if (s) return s;
    const p = this.meta.places.get(name);
    if (!p) return undefined;
    s = slotAt(this.meta, p);
    this.slots.set(name, s);
    return s;
  }

  /** A numeric or time column as numbers (epoch ms for times; read-only), a missing value NaN. Undefined when the batch has no such column. */
  num(name: string): Float64Array | undefined {
    const p = this.meta.places.get(name);
    if (!p || p.type === 'str' || p.type === 'lc' || p.type === 'str_list') return undefined;
    let out = this.read[p.index] as Float64Array | undefined;
    if (out) return out;
    // Read from the place itself, not a Slot: a reader of many small messages builds no object per column.
    const { bb, nodes, buffers } = this.meta;
    const validity = int64At(bb, nodes + 16 * p.node + 8) > 0 && int64At(bb, buffers + 16 * p.buffer + 8) > 0
      ? this.body + int64At(bb, buffers + 16 * p.buffer) : -1;
    out = this.numbers(p.type, this.body + int64At(bb, buffers + 16 * (p.buffer + 1)), validity);
    this.read[p.index] = out;
    return out;
  }

  /** A fixed-width column from byte `at`, NaN where the validity bit (at byte `validity`, -1: none) is clear; whole doubles are a view on the bytes, not a copy. */
  private numbers(type: ColumnType, at: number, validity: number): Float64Array {
    const n = this.numRows;
    const offset = this.bytes.byteOffset + at;
    const aligned = type === 'f64' && LITTLE_ENDIAN && offset % 8 === 0;
    if (aligned && validity < 0) return new Float64Array(this.bytes.buffer, offset, n);
    const out = new Float64Array(n);
    if (aligned) out.set(new Float64Array(this.bytes.buffer, offset, n));
    else for (let i = 0; i < n; i++) out[i] = this.numberAt(type, at, i);
    if (validity >= 0) for (let i = 0; i < n; i++) if (((this.bytes[validity + (i >> 3)] ?? 0) & (1 << (i & 7))) === 0) out[i] = NaN;
    return out;
  }

  /** A string column; a missing value is null. Undefined when the batch has no such column. */
  str(name: string): readonly (string | null)[] | undefined {
    const p = this.meta.places.get(name);
    if (!p || (p.type !== 'str' && p.type !== 'lc')) return undefined;
    let out = this.read[p.index] as readonly (string | null)[] | undefined;
    if (out) return out;
    const { bb, nodes, buffers } = this.meta;
    const validity = int64At(bb, nodes + 16 * p.node + 8) > 0 && int64At(bb, buffers + 16 * p.buffer + 8) > 0
      ? this.body + int64At(bb, buffers + 16 * p.buffer) : -1;
    const offsets = this.body + int64At(bb, buffers + 16 * (p.buffer + 1));
    const data = this.body + int64At(bb, buffers + 16 * (p.buffer + 2));
    const list: (string | null)[] = new Array<string | null>(this.numRows);
    let prevFrom = 0;
    let prevTo = 0;
    let prev = '';
    for (let i = 0; i < this.numRows; i++) {
      if (validity >= 0 && ((this.bytes[validity + (i >> 3)] ?? 0) & (1 << (i & 7))) === 0) { list[i] = null; continue; }
      const from = data + this.view.getInt32(offsets + i * 4, true);
      const to = data + this.view.getInt32(offsets + i * 4 + 4, true);
      // A message's rows mostly repeat their host, run and command: the previous row's string when the bytes are the same.
      if (to - from !== prevTo - prevFrom || !this.sameBytes(from, prevFrom, to - from)) prev = to > from ? this.bytes.toString('utf8', from, to) : '';
      prevFrom = from;
      prevTo = to;
      list[i] = prev;
    }
    this.read[p.index] = out = list;
    return out;
  }

  private sameBytes(a: number, b: number, length: number): boolean {
    for (let k = 0; k < length; k++) if (this.bytes[a + k] !== this.bytes[b + k]) return false;
    return true;
  }

  /**
   * A numeric, time or string column as values, a missing one as null: what a row would hold.
   * Undefined for a list column or one the batch lacks.
   */
  values(name: string): readonly (number | string | null)[] | undefined {
    const s = this.slot(name);
    if (!s || s.type === 'str_list') return undefined;
    if (s.type === 'str' || s.type === 'lc') return this.str(name);
    this.vals ??= new Map();
    let out = this.vals.get(name);
    if (out) return out;
    const nums = this.num(name) ?? new Float64Array(0);
    const list = new Array<number | null>(nums.length);
    for (let i = 0; i < nums.length; i++) list[i] = s.nulls > 0 && !this.present(s, i) ? null : (nums[i] ?? null);
    this.vals.set(name, (out = list));
    return out;
  }

  private present(s: Slot, i: number): boolean {
    if (s.nulls === 0 || s.validity.length === 0) return true;
    return ((this.bytes[this.body + s.validity.offset + (i >> 3)] ?? 0) & (1 << (i & 7))) !== 0;
  }

  private numberAt(type: ColumnType, at: number, i: number): number {
    switch (type) {
      case 'f64': return this.view.getFloat64(at + i * 8, true);
      case 'i32': return this.view.getInt32(at + i * 4, true);
      case 'u32': return this.view.getUint32(at + i * 4, true);
      case 'u8': return this.view.getUint8(at + i);
      default: return this.view.getInt32(at + i * 8 + 4, true) * TWO_32 + this.view.getUint32(at + i * 8, true);
    }
  }
}

/** Where a column's field node and first buffer are in a batch of its layout (the IPC order): the same for every batch of that schema. */
interface Place { readonly index: number; readonly type: ColumnType; readonly node: number; readonly buffer: number; readonly count: number; readonly list: boolean }

/** A batch's metadata: its field nodes and buffers vectors, and where each column's are. */
interface BatchMeta { readonly bb: ByteBuffer; readonly nodes: number; readonly buffers: number; readonly places: ReadonlyMap<string, Place> }

/** Places per accepted layout (one array per accepted schema), computed once. */
const placesOfLayout = new WeakMap<readonly IpcColumn[], Map<string, Place>>();

/**
 * Each column's field node and buffers in the order the IPC format lays them out: a node per
 * column (two for a list), a validity buffer and then one (fixed), two (utf8) or four (list of
 * utf8) buffers. Field nodes and buffer regions are then read straight from the flatbuffer per
 * message, and only for the columns read.
 */
function placesOf(layout: readonly IpcColumn[], types: Readonly<Record<string, { type: ColumnType }>>): ReadonlyMap<string, Place> {
  let places = placesOfLayout.get(layout);
  if (places) return places;
  places = new Map();
  let node = 0;
  let buffer = 0;
  for (const c of layout) {
    const count = c.kind === 'fixed' ? 1 : c.kind === 'utf8' ? 2 : 4;
    places.set(c.name, { index: places.size, type: types[c.name]?.type ?? 'str', node, buffer, count, list: c.kind === 'list_utf8' });
    node += c.kind === 'list_utf8' ? 2 : 1;
    buffer += 1 + count;
  }
  placesOfLayout.set(layout, places);
  return places;
}

/** A column's field node and buffer ranges, read straight from the batch's flatbuffer vectors. */
function slotAt({ bb, nodes, buffers }: BatchMeta, p: Place): Slot {
  const at = buffers + 16 * p.buffer;
  const list = new Array<Range>(p.count);
  for (let k = 0; k < p.count; k++) list[k] = rangeAt(bb, at + 16 * (k + 1));
  const childNulls = p.list ? int64At(bb, nodes + 16 * (p.node + 1) + 8) : 0;
  return { type: p.type, nulls: int64At(bb, nodes + 16 * p.node + 8), validity: rangeAt(bb, at), buffers: list, childNulls };
}

/** An IPC Buffer struct (offset, length: two int64) at `at` of the metadata. */
function rangeAt(bb: ByteBuffer, at: number): Range {
  return { offset: int64At(bb, at), length: int64At(bb, at + 8) };
}

/** A time outside the safe integers: apache-arrow cannot read it either, so the message is bad data for the row path to set aside. */
function unsafeTimes(batch: ColumnBatch, places: ReadonlyMap<string, Place>): boolean {
  for (const name of timesOf(places)) {
    const v = batch.num(name) as Float64Array;
    for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i]) && !Number.isSafeInteger(v[i])) return true;
  }
  return false;
}

/** The column names of a layout, listed once: every batch of one schema shares its places. */
const namesOfPlaces = new WeakMap<ReadonlyMap<string, Place>, readonly string[]>();

function namesOf(places: ReadonlyMap<string, Place>): readonly string[] {
  let names = namesOfPlaces.get(places);
  if (!names) namesOfPlaces.set(places, (names = [...places.keys()]));
  return names;
}

/** The time columns of a layout, listed once: not a walk of every column's entry per message. */
const timesOfPlaces = new WeakMap<ReadonlyMap<string, Place>, readonly string[]>();

function timesOf(places: ReadonlyMap<string, Place>): readonly string[] {
  let names = timesOfPlaces.get(places);
  if (!names) timesOfPlaces.set(places, (names = [...places].filter(([, p]) => p.type === 'ts').map(([name]) => name)));
  return names;
}

/** A record batch of an accepted stream: where its body starts, its rows, and its metadata. */
interface Framed { readonly body: number; readonly numRows: number; readonly meta: BatchMeta }

/** The record batches of a stream whose schema was accepted before; null where this does not apply (a schema not accepted, compression). */
function framedBatches(table: TableName, bytes: Uint8Array, view: DataView): Framed[] | null {
  const known = acceptedLayout(table, bytes);
  if (!known) return null;
  const types = catalog[table].columns as Readonly<Record<string, { type: ColumnType }>>;
  const places = placesOf(known.layout, types);
  const out: Framed[] = [];
  for (let i = 1; i < known.frames.length; i++) {
    const f = known.frames[i];
    if (f?.kind !== 'record_batch') return null;
    const metaStart = f.start + (view.getInt32(f.start, true) === -1 ? 8 : 4);
    const m = Message.getRootAsMessage(new ByteBuffer(bytes.subarray(metaStart, metaStart + view.getInt32(metaStart - 4, true))));
    const rb = m.header(new RecordBatch()) as RecordBatch | null;
    if (!rb || rb.compression() !== null) return null;
    const bb = rb.bb as ByteBuffer;
    out.push({ body: f.end - Number(m.bodyLength()), numRows: Number(rb.length()), meta: { bb, nodes: vectorAt(bb, rb.bb_pos, 6), buffers: vectorAt(bb, rb.bb_pos, 8), places } });
  }
  return out;
}

/** One record batch: where its body starts in the bytes and where each column lies (compactBatch's answer). */
export interface IpcBatch {
  readonly body: number;
  readonly numRows: number;
  readonly slots: ReadonlyMap<string, IpcSlot>;
}

/**
 * The record batches of a message already checked by decodeMessage, as columns; null where this
 * reader does not apply (a schema not accepted, compression, a time past 2^53): the caller then
 * reads rows.
 */
export function readColumns(table: TableName, bytes: Uint8Array): ColumnBatch[] | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const framed = framedBatches(table, bytes, view);
  if (!framed) return null;
  const out: ColumnBatch[] = [];
  for (const b of framed) {
    const batch = new ColumnBatch(buffer, view, b.body, b.numRows, b.meta);
    if (unsafeTimes(batch, b.meta.places)) return null;
    out.push(batch);
  }
  return out;
}
