import { type ColumnDef, type CompactScratch, type IpcSlot, type StoreCapabilities, type TableName, VALUE_BYTES, catalog, columnType, compactBatch } from '@runlens/schemas';
import { ByteWriter } from './byte-writer.ts';

/** The one record batch a block is written from (compactBatch: every catalog column present). */
interface Batch { readonly bytes: Buffer; readonly view: DataView; readonly rows: number }

/** Where a column's validity bits start, or -1 when every row holds a value. */
const bitsOf = (s: IpcSlot): number => (s.nulls === 0 || s.validity.length === 0 ? -1 : s.validity.offset);

/** Whether row `i` holds a value (Arrow validity: bit set = present); `bits` from bitsOf. */
const present = (b: Batch, bits: number, i: number): boolean => bits < 0 || ((b.bytes[bits + (i >> 3)] ?? 0) & (1 << (i & 7))) !== 0;

/** Nullable(T)'s null map: one byte per row, 1 = NULL (the inverse of Arrow's validity bit). */
function nullMap(out: ByteWriter, b: Batch, s: IpcSlot): void {
  const bits = bitsOf(s);
  if (bits < 0) { out.fill(b.rows, 0); return; }
  const at = out.reserve(b.rows);
  const buf = out.buffer;
  const src = b.bytes;
  for (let i = 0; i < b.rows; i++) buf[at + i] = (((src[bits + (i >> 3)] ?? 0) >> (i & 7)) & 1) ^ 1;
}

/** Fixed-width values copied as they are; a NULL where the table takes none gets the type's fallback. */
function fixed(out: ByteWriter, b: Batch, s: IpcSlot, def: ColumnDef): void {
  const width = VALUE_BYTES[def.type];
  const start = out.length;
  out.copy(b.bytes, s.buffers[0]?.offset ?? 0, b.rows * width);
  const bits = bitsOf(s);
  if (def.nullable === true || bits < 0) return;
  for (let i = 0; i < b.rows; i++) {
    if (present(b, bits, i)) continue;
    if (def.type === 'f64') out.setF64(start + i * 8, Number.NaN);
    else out.setZero(start + i * width, start + (i + 1) * width);
  }
}

/** Strings `from`..`to` of a utf8 column (the ranges of its offsets and data): varint length, then the bytes; a NULL is the empty string. */
function utf8(out: ByteWriter, b: Batch, bits: number, offsets: number, data: number, from: number, to: number): void {
  if (bits < 0) { out.utf8Run(b.bytes, b.view, offsets, data, from, to); return; }
  for (let i = from; i < to; i++) {
    if (present(b, bits, i)) out.utf8Run(b.bytes, b.view, offsets, data, i, i + 1);
    else out.fill(1, 0);
  }
}

/** A String column. */
function strings(out: ByteWriter, b: Batch, s: IpcSlot): void {
  utf8(out, b, bitsOf(s), s.buffers[0]?.offset ?? 0, s.buffers[1]?.offset ?? 0, 0, b.rows);
}

/** Array(String): every row's end offset (UInt64, counted over the block; a NULL list is empty), then every item. */
function stringLists(out: ByteWriter, b: Batch, s: IpcSlot): void {
  const [o, iv, io, id] = s.buffers;
  if (!o || !iv || !io || !id) throw new Error('a list column without its buffers');
  const bits = bitsOf(s);
  const itemBits = s.childNulls === 0 || iv.length === 0 ? -1 : iv.offset;
  const span = (i: number): [number, number] => {
    const from = b.view.getInt32(o.offset + i * 4, true);
    return present(b, bits, i) ? [from, b.view.getInt32(o.offset + i * 4 + 4, true)] : [from, from];
  };
  let total = 0;
  for (let i = 0; i < b.rows; i++) {
    const [from, to] = span(i);
    total += to - from;
    out.u64(total);
  }
  for (let i = 0; i < b.rows; i++) {
    const [from, to] = span(i);
    utf8(out, b, itemBits, io.offset, id.offset, from, to);
  }
}

/** LowCardinality's key serialisation version (SharedDictionariesWithAdditionalKeys) and flags: HasAdditionalKeys, NeedUpdateDictionary. */
const LC_VERSION = 1;
const LC_KEYS_IN_BLOCK = (1 << 9) | (1 << 10);

/**
 * LowCardinality(String) or LowCardinality(Nullable(String)) as 18.16 writes it in Native: the
 * version, the index type, the block's own dictionary (String keys) and one index per row. Keys
 * are not deduplicated (the server's dictionary does that as it inserts, as for String): key 0 is
 * the default "", for Nullable key 0 is NULL and key 1 the default, then every row's value in order.
 */
function lowCardinality(out: ByteWriter, b: Batch, s: IpcSlot, nullable: boolean): void {
  const reserved = nullable ? 2 : 1;
  const keys = reserved + b.rows;
  const width = keys <= 0xff ? 0 : keys <= 0xffff ? 1 : 2;
  out.u64(LC_VERSION);
  out.u64(LC_KEYS_IN_BLOCK | width);
  out.u64(keys);
  out.fill(reserved, 0);
  strings(out, b, s);
  out.u64(b.rows);
  const bits = nullable ? bitsOf(s) : -1;
  for (let i = 0; i < b.rows; i++) out.uint(present(b, bits, i) ? reserved + i : 0, width);
}

function column(out: ByteWriter, b: Batch, s: IpcSlot, def: ColumnDef, type: string): void {
  if (type.startsWith('LowCardinality(')) { lowCardinality(out, b, s, def.nullable === true); return; }
  if (def.type === 'str_list') { stringLists(out, b, s); return; }
  if (def.nullable === true) nullMap(out, b, s);
  if (def.type === 'str' || def.type === 'lc') strings(out, b, s);
  else fixed(out, b, s, def);
}

/**
 * Arrow IPC streams of one table → one ClickHouse Native block, for servers that cannot read Arrow
 * (Debian's 18.16). Native is columnar like Arrow: numbers are copied a whole buffer at a time,
 * strings as bytes, and the server parses a column in one go instead of row by row (RowBinary).
 * The streams' record batches are first joined into one (compactBatch: buffers copied, no value
 * decoded), so each column is written in one pass however many messages it came in: written
 * message by message, a 10-row message cost ~55 µs, three to four times its share of the join
 * (benchmarks/ingest/decode-probe.ts). No value becomes a JS number or string; LowCardinality
 * columns carry the block's own dictionary. A column a stream lacks (the catalog lets it lack
 * only nullable ones) is NULL; a NULL where the table takes none gets the type's fallback (NaN
 * for Float64, as the RowBinary writer gives a missing value; else 0 or '').
 * `lowCardinality`: the table's columns of that type, where the caller knows them (else the
 * capabilities decide). `scratch`: the join's buffer, kept between calls (the block is a copy).
 * Null when a stream's schema was not accepted before, or is compressed (compactBatch): the
 * caller then writes RowBinary.
 */
export function toNative(table: TableName, streams: readonly Uint8Array[], caps: StoreCapabilities, lowCardinality?: ReadonlySet<string>, scratch?: CompactScratch): Buffer | null {
  const defs = Object.entries(catalog[table].columns) as [string, ColumnDef][];
  // The table's own types decide LowCardinality where known: a table made before the server allowed it keeps String.
  const types = defs.map(([name, d]) => columnType(d, lowCardinality && d.type === 'lc' ? { ...caps, lowCardinality: lowCardinality.has(name) } : caps));
  const joined = compactBatch(table, streams, scratch);
  if (!joined) return null;
  const { bytes, numRows: rows, slots } = joined;
  const b: Batch = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), rows };
  const out = new ByteWriter(64 * 1024 + streams.reduce((n, s) => n + s.byteLength, 0) + rows * defs.length);
  out.varint(defs.length);
  out.varint(rows);
  defs.forEach(([name, def], k) => {
    out.str(name);
    out.str(types[k] ?? '');
    const s = slots.get(name);
    if (!s) throw new Error(`joined batch lacks ${table}.${name}`);
    if (rows > 0) column(out, b, s, def, types[k] ?? '');
  });
  return out.bytes();
}
