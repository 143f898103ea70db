import { type ColumnDef, type TableName, VALUE_BYTES, catalog } from '../catalog/index.ts';
import { type IpcBatch, type IpcSlot, ipcBatches } from './ipc-columns.ts';
import { catalogStream } from './ipc-writer.ts';

const pad8 = (n: number): number => (n + 7) & ~7;

/** One record batch and the stream that holds it. */
interface Source { readonly bytes: Uint8Array; readonly view: DataView; readonly batch: IpcBatch }

/**
 * Runs of values, one per source, as typed arrays (a message of 20 rows must not cost an object
 * per column): `n` values whose validity bits start at byte `bits` (-1: absent, all NULL) at bit
 * `bit0`, `check` 1 where those bits must be read, first offset (utf8) or value (fixed) at `at`,
 * utf8 data at `data`.
 */
class Runs {
  readonly n: Int32Array;
  readonly bits: Int32Array;
  readonly bit0: Int32Array;
  readonly check: Uint8Array;
  readonly at: Int32Array;
  readonly data: Int32Array;
  total = 0;

  constructor(readonly sources: readonly Source[]) {
    const k = sources.length;
    [this.n, this.bits, this.bit0, this.at, this.data] = [new Int32Array(k), new Int32Array(k), new Int32Array(k), new Int32Array(k), new Int32Array(k)];
    this.check = new Uint8Array(k);
  }

  /** Run `k` from column slot `s`: values from buffer `i` (and `i + 1` for utf8 data). */
  set(k: number, s: IpcSlot | undefined, i: number): void {
    const src = this.sources[k] as Source;
    const body = src.batch.body;
    const n = src.batch.numRows;
    this.n[k] = n;
    this.total += n;
    this.bit0[k] = 0;
    if (!s) { this.bits[k] = -1; return; }
    this.bits[k] = body + s.validity.offset;
    this.check[k] = s.nulls > 0 && s.validity.length > 0 ? 1 : 0;
    this.at[k] = body + (s.buffers[i]?.offset ?? 0);
    this.data[k] = body + (s.buffers[i + 1]?.offset ?? 0);
  }
}

/** The body of the one record batch being written: 8-aligned buffers and their field nodes. */
class Body {
  bytes: Buffer;
  view: DataView;
  at = 0;
  readonly nodes: number[] = [];
  readonly buffers: number[] = [];

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
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

/** The field node and validity buffer of the runs, bit for bit; the null count is counted, not trusted. */
function validity(out: Body, r: Runs): void {
  const node = out.nodes.length;
  out.nodes.push(r.total, 0);
  let needed = false;
  for (let k = 0; k < r.sources.length && !needed; k++) needed = (r.n[k] ?? 0) > 0 && (r.bits[k] === -1 || r.check[k] === 1);
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
  const first = new Int32Array(k0);
  const last = new Int32Array(k0);
  let size = 0;
  for (let k = 0; k < k0; k++) {
    if (r.bits[k] === -1) continue;
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
function stringLists(out: Body, sources: readonly Source[], name: string): void {
  const lists = new Runs(sources);
  const items = new Runs(sources);
  for (let k = 0; k < sources.length; k++) {
    const s = sources[k]?.batch.slots.get(name);
    lists.set(k, s, 0);
    const src = sources[k] as Source;
    const [, bits, offsets, data] = s?.buffers ?? [];
    if (!s || !bits || !offsets || !data) { items.bits[k] = -1; continue; }
    const from = src.view.getInt32(lists.at[k] ?? 0, true);
    const n = src.view.getInt32((lists.at[k] ?? 0) + src.batch.numRows * 4, true) - from;
    const body = src.batch.body;
    [items.n[k], items.bits[k], items.bit0[k], items.check[k]] = [n, body + bits.offset, from, bits.length > 0 && s.childNulls > 0 ? 1 : 0];
    [items.at[k], items.data[k]] = [body + offsets.offset + from * 4, body + data.offset];
    items.total += n;
  }
  validity(out, lists);
  offsetsAndData(out, lists, false);
  validity(out, items);
  offsetsAndData(out, items, true);
}

/**
 * Several accepted IPC streams of one table (many small record batches) as one stream of the
 * catalog's schema with a single record batch, written column by column from their buffers:
 * numbers and string bytes are copied, offsets rebased, validity bits joined; no value is
 * decoded. The engine then converts one batch instead of one per message (its cost per record
 * batch is about 100 µs: more than a 20-row message's rows). Returns the pieces of that stream
 * (ipc-writer's catalogStream); null when a stream was not accepted (see ipcBatches): the caller
 * then splices (ipc-splice.ts).
 */
export function compactStreams(table: TableName, streams: readonly Uint8Array[]): Uint8Array[] | null {
  const sources: Source[] = [];
  let size = 4096;
  for (const bytes of streams) {
    const batches = ipcBatches(table, bytes);
    if (!batches) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const batch of batches) sources.push({ bytes, view, batch });
    size += bytes.byteLength;
  }
  const out = new Body(size);
  for (const [name, def] of Object.entries(catalog[table].columns) as [string, ColumnDef][]) {
    if (def.type === 'str_list') { stringLists(out, sources, name); continue; }
    const runs = new Runs(sources);
    for (let k = 0; k < sources.length; k++) runs.set(k, sources[k]?.batch.slots.get(name), 0);
    validity(out, runs);
    if (def.type === 'str' || def.type === 'lc') offsetsAndData(out, runs, true);
    else fixed(out, runs, VALUE_BYTES[def.type]);
  }
  return catalogStream(table, sources.reduce((n, s) => n + s.batch.numRows, 0), out);
}
