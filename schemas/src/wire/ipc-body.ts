import { Message } from 'apache-arrow/fb/message';
import { RecordBatch } from 'apache-arrow/fb/record-batch';
import { ByteBuffer } from 'flatbuffers';
import { type TableName, VALUE_BYTES, catalog } from '../catalog/index.ts';
import { type IpcColumn, acceptedLayout } from './ipc-check.ts';
import { layoutOf } from './ipc-messages.ts';
import { int64At, vectorOf } from './ipc-metadata.ts';

/**
 * Record batch bodies written from other streams' buffers, column by column: numbers and string
 * bytes copied, offsets rebased, validity bits joined, no value decoded. ipc-compact.ts joins
 * whole record batches this way; ipc-select.ts takes row ranges of one.
 */

const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * Rows `row0` to `row0 + numRows` of one record batch (all of it, from sourcesOf): its stream,
 * where its body starts, and where its field nodes and buffers lie in its metadata.
 */
export interface Source {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly bb: ByteBuffer;
  readonly body: number;
  readonly row0: number;
  readonly numRows: number;
  /** Part of a batch (ipc-select.ts): its rows may hold none of the batch's nulls. */
  readonly slice?: true;
  readonly nodes: number;
  readonly buffers: number;
  /** Per catalog column: its field node and first buffer index in this batch (-1: absent). */
  readonly at: ColumnIndex;
}

interface ColumnIndex { readonly node: Int32Array; readonly buffer: Int32Array }

/** Per accepted layout, where each catalog column's node and buffers are: computed once per layout. */
const indexes = new WeakMap<readonly IpcColumn[], ColumnIndex>();

function columnIndex(table: TableName, layout: readonly IpcColumn[]): ColumnIndex {
  let ix = indexes.get(layout);
  if (ix) return ix;
  const names = Object.keys(catalog[table].columns);
  const node = new Int32Array(names.length).fill(-1);
  const buffer = new Int32Array(names.length).fill(-1);
  let ni = 0;
  let bi = 0;
  for (const c of layout) {
    const k = names.indexOf(c.name);
    if (k >= 0) [node[k], buffer[k]] = [ni, bi];
    ni += c.kind === 'list_utf8' ? 2 : 1;
    bi += c.kind === 'fixed' ? 2 : c.kind === 'utf8' ? 3 : 5;
  }
  ix = { node, buffer };
  indexes.set(layout, ix);
  return ix;
}

/** The record batches of an accepted stream, appended to `out`; false when the stream was not accepted (or is compressed). */
export function sourcesOf(table: TableName, bytes: Uint8Array, out: Source[]): boolean {
  const known = acceptedLayout(table, bytes);
  if (!known) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = columnIndex(table, known.layout);
  for (let i = 1; i < known.frames.length; i++) {
    const f = known.frames[i];
    if (f?.kind !== 'record_batch') return false;
    const metaStart = f.start + (view.getInt32(f.start, true) === -1 ? 8 : 4);
    const bb = new ByteBuffer(bytes.subarray(metaStart, metaStart + view.getInt32(metaStart - 4, true)));
    const m = Message.getRootAsMessage(bb);
    const rb = m.header(new RecordBatch()) as RecordBatch | null;
    if (!rb || rb.compression() !== null) return false;
    const lengthSlot = bb.__offset(rb.bb_pos, 4);
    const numRows = lengthSlot ? int64At(bb, rb.bb_pos + lengthSlot) : 0;
    out.push({ bytes, view, bb, body: f.end - Number(m.bodyLength()), row0: 0, numRows, nodes: vectorOf(bb, rb.bb_pos, 6).at, buffers: vectorOf(bb, rb.bb_pos, 8).at, at });
  }
  return true;
}

const bufferOffset = (src: Source, b: number): number => int64At(src.bb, src.buffers + 16 * b);
const bufferLength = (src: Source, b: number): number => int64At(src.bb, src.buffers + 16 * b + 8);
const nullCount = (src: Source, n: number): number => int64At(src.bb, src.nodes + 16 * n + 8);

/**
 * Runs of values, one per source: `n` values whose validity bits start at byte `bits` (-1: absent,
 * all NULL) at bit `bit0`, `check` 1 where those bits must be read, first offset (utf8) or value
 * (fixed) at `at`, utf8 data at `data`; `first` and `last` are offsetsAndData's. One set serves
 * every column of a write (`reset`): typed arrays made per column and group were 3.5% of the
 * analyzer's CPU where its router splits agents' messages by run.
 */
class Runs {
  n = new Int32Array(0);
  bits = new Int32Array(0);
  bit0 = new Int32Array(0);
  check = new Uint8Array(0);
  at = new Int32Array(0);
  data = new Int32Array(0);
  first = new Int32Array(0);
  last = new Int32Array(0);
  sources: readonly Source[] = [];
  total = 0;

  /** Ready for one column of `sources`: no run has values yet. */
  reset(sources: readonly Source[]): this {
    const k = sources.length;
    if (this.n.length < k) {
      [this.n, this.bits, this.bit0, this.at] = [new Int32Array(k), new Int32Array(k), new Int32Array(k), new Int32Array(k)];
      [this.data, this.first, this.last, this.check] = [new Int32Array(k), new Int32Array(k), new Int32Array(k), new Uint8Array(k)];
    } else this.n.fill(0, 0, k);
    this.sources = sources;
    this.total = 0;
    return this;
  }

  /** Run `k`: catalog column `c` of source `k`, values (`stride` bytes each: offsets 4) from its buffer `i` (and `i + 1` for utf8 data). */
  set(k: number, c: number, i: number, stride: number): void {
    const src = this.sources[k] as Source;
    const n = src.numRows;
    this.n[k] = n;
    this.total += n;
    const node = src.at.node[c] ?? -1;
    const b = src.at.buffer[c] ?? -1;
    if (node < 0 || b < 0) { this.bits[k] = -1; return; }
    this.bits[k] = src.body + bufferOffset(src, b);
    this.bit0[k] = src.row0;
    this.check[k] = bufferLength(src, b) > 0 && nullCount(src, node) > 0 ? 1 : 0;
    this.at[k] = src.body + bufferOffset(src, b + i) + src.row0 * stride;
    this.data[k] = src.body + bufferOffset(src, b + i + 1);
  }
}

/** The runs of a write, kept between writes (writes are synchronous); their sources let go after each. */
const scratch = { runs: new Runs(), lists: new Runs(), items: new Runs() };

/** The body of the one record batch being written: 8-aligned buffers and their field nodes. */
export class Body {
  bytes: Buffer;
  view: DataView;
  at = 0;
  readonly nodes: number[] = [];
  readonly buffers: number[] = [];

  constructor(size: number, scratch?: { readonly bytes: Buffer | null }) {
    const kept = scratch?.bytes;
    this.bytes = kept && kept.length >= size ? kept : Buffer.allocUnsafe(size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** A buffer of `length` bytes (zeroed with `zero`: a bitmap); returns where it starts. Padding is zeroed. */
  alloc(length: number, zero = false): number {
    const start = this.at;
    const end = start + pad8(length);
    if (end > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, start));
      this.bytes = grown;
      this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
    }
    this.bytes.fill(0, zero ? start : start + length, end);
    this.at = end;
    this.buffers.push(start, length);
    return start;
  }

  /** `n` bytes of `src` from `from` to `to`. */
  copy(src: Uint8Array, from: number, n: number, to: number): void {
    this.bytes.set(src.subarray(from, from + n), to);
  }
}

/** Whether run `k` holds a null: a batch with nulls may have none in the rows a slice takes (a whole batch with a null count has one). */
function hasNull(r: Runs, k: number): boolean {
  const src = (r.sources[k] as Source).bytes;
  const bits = r.bits[k] ?? 0;
  const bit0 = r.bit0[k] ?? 0;
  for (let j = bit0; j < bit0 + (r.n[k] ?? 0); j++) if (((src[bits + (j >> 3)] ?? 0) & (1 << (j & 7))) === 0) return true;
  return false;
}

/** The field node and validity buffer of the runs (none where no run holds a null), bit for bit; the null count is counted, not trusted. */
function validity(out: Body, r: Runs): void {
  const node = out.nodes.length;
  out.nodes.push(r.total, 0);
  let needed = false;
  for (let k = 0; k < r.sources.length && !needed; k++) needed = (r.n[k] ?? 0) > 0 && (r.bits[k] === -1 || (r.check[k] === 1 && (!(r.sources[k] as Source).slice || hasNull(r, k))));
  if (!needed) { out.alloc(0); return; }
  const at = out.alloc((r.total + 7) >> 3, true);
  const dst = out.bytes;
  let row = 0;
  let nulls = 0;
  for (let k = 0; k < r.sources.length; k++) {
    const n = r.n[k] ?? 0;
    const bits = r.bits[k] ?? -1;
    if (bits === -1) { nulls += n; row += n; continue; }
    const src = (r.sources[k] as Source).bytes;
    const check = r.check[k] === 1;
    const bit0 = r.bit0[k] ?? 0;
    for (let i = 0; i < n; i++, row++) {
      const j = bit0 + i;
      if (!check || ((src[bits + (j >> 3)] ?? 0) & (1 << (j & 7))) !== 0) dst[at + (row >> 3)]! |= 1 << (row & 7);
      else nulls++;
    }
  }
  out.nodes[node + 1] = nulls;
}

/** Offsets rebased onto one running total (`at` is each run's first offset), then, with `withData`, the bytes they span. */
function offsetsAndData(out: Body, r: Runs, withData: boolean): void {
  const offsets = out.alloc((r.total + 1) * 4);
  const k0 = r.sources.length;
  const { first, last } = r;
  let size = 0;
  for (let k = 0; k < k0; k++) {
    if (r.bits[k] === -1) {
      first[k] = 0;
      last[k] = 0;
      continue;
    }
    const view = (r.sources[k] as Source).view;
    const at = r.at[k] ?? 0;
    first[k] = view.getInt32(at, true);
    last[k] = view.getInt32(at + (r.n[k] ?? 0) * 4, true);
    size += (last[k] ?? 0) - (first[k] ?? 0);
  }
  const data = withData ? out.alloc(size) : -1;
  const dst = out.view;
  dst.setInt32(offsets, 0, true);
  let row = 0;
  let written = 0;
  for (let k = 0; k < k0; k++) {
    const n = r.n[k] ?? 0;
    const src = r.sources[k] as Source;
    const base = written - (first[k] ?? 0);
    const at = r.at[k] ?? 0;
    if (r.bits[k] === -1) for (let i = 1; i <= n; i++) dst.setInt32(offsets + (row + i) * 4, written, true);
    else for (let i = 1; i <= n; i++) dst.setInt32(offsets + (row + i) * 4, base + src.view.getInt32(at + i * 4, true), true);
    const span = (last[k] ?? 0) - (first[k] ?? 0);
    if (data >= 0 && span > 0) out.copy(src.bytes, (r.data[k] ?? 0) + (first[k] ?? 0), span, data + written);
    written += span;
    row += n;
  }
}

function fixed(out: Body, r: Runs, width: number): void {
  let pos = out.alloc(r.total * width);
  for (let k = 0; k < r.sources.length; k++) {
    const n = (r.n[k] ?? 0) * width;
    const src = r.sources[k] as Source;
    if (r.bits[k] !== -1) out.copy(src.bytes, r.at[k] ?? 0, n, pos);
    else out.bytes.fill(0, pos, pos + n);
    pos += n;
  }
}

/** List<Utf8>: the list's validity and offsets, then its items (validity, offsets and data from the child buffers). */
function stringLists(out: Body, sources: readonly Source[], c: number): void {
  const lists = scratch.lists.reset(sources);
  const items = scratch.items.reset(sources);
  for (let k = 0; k < sources.length; k++) {
    lists.set(k, c, 1, 4);
    const src = sources[k] as Source;
    const node = src.at.node[c] ?? -1;
    const b = src.at.buffer[c] ?? -1;
    if (lists.bits[k] === -1 || node < 0 || b < 0) { items.bits[k] = -1; continue; }
    const from = src.view.getInt32(lists.at[k] ?? 0, true);
    const n = src.view.getInt32((lists.at[k] ?? 0) + src.numRows * 4, true) - from;
    items.n[k] = n;
    items.bits[k] = src.body + bufferOffset(src, b + 2);
    items.bit0[k] = from;
    items.check[k] = bufferLength(src, b + 2) > 0 && nullCount(src, node + 1) > 0 ? 1 : 0;
    items.at[k] = src.body + bufferOffset(src, b + 3) + from * 4;
    items.data[k] = src.body + bufferOffset(src, b + 4);
    items.total += n;
  }
  validity(out, lists);
  offsetsAndData(out, lists, false);
  validity(out, items);
  offsetsAndData(out, items, true);
}

/** Every catalog column of `sources`, one after the other, as one record batch's body in `out`. */
export function writeColumns(table: TableName, sources: readonly Source[], out: Body): void {
  const defs = layoutOf(table).columns;
  try {
    for (let c = 0; c < defs.length; c++) {
      const def = defs[c] as (typeof defs)[number];
      if (def.type === 'str_list') { stringLists(out, sources, c); continue; }
      const runs = scratch.runs.reset(sources);
      const width = def.type === 'str' || def.type === 'lc' ? 4 : VALUE_BYTES[def.type];
      for (let k = 0; k < sources.length; k++) runs.set(k, c, 1, width);
      validity(out, runs);
      if (def.type === 'str' || def.type === 'lc') offsetsAndData(out, runs, true);
      else fixed(out, runs, width);
    }
  } finally {
    for (const r of [scratch.runs, scratch.lists, scratch.items]) r.sources = [];
  }
}
