import { type ColumnDef, type IpcBatch, type IpcSlot, type StoreCapabilities, type TableName, VALUE_BYTES, catalog, columnType, ipcBatches } from '@runlens/schemas';
import { ByteWriter } from './byte-writer.ts';

/** One record batch and the message that holds it. */
interface Source { readonly bytes: Uint8Array; readonly view: DataView; readonly batch: IpcBatch }

/** Whether row `i` of a column holds a value (Arrow validity: bit set = present). */
function present(src: Source, s: IpcSlot, i: number): boolean {
  if (s.nulls === 0 || s.validity.length === 0) return true;
  return ((src.bytes[src.batch.body + s.validity.offset + (i >> 3)] ?? 0) & (1 << (i & 7))) !== 0;
}

/** Nullable(T)'s null map: one byte per row, 1 = NULL (the inverse of Arrow's validity bit). */
function nullMap(out: ByteWriter, name: string, sources: readonly Source[]): void {
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    const rows = src.batch.numRows;
    if (!s || s.nulls === 0 || s.validity.length === 0) { out.fill(rows, s ? 0 : 1); continue; }
    for (let i = 0; i < rows; i++) out.u8(present(src, s, i) ? 0 : 1);
  }
}

/** Fixed-width values copied as they are; a NULL in a column that takes none gets the type's fallback. */
function fixed(out: ByteWriter, name: string, def: ColumnDef, sources: readonly Source[]): void {
  const width = VALUE_BYTES[def.type];
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    const rows = src.batch.numRows;
    const data = s?.buffers[0];
    if (!s || !data) { out.fill(rows * width, 0); continue; }
    const start = out.length;
    out.copy(src.bytes, src.batch.body + data.offset, rows * width);
    if (def.nullable === true || s.nulls === 0) continue;
    for (let i = 0; i < rows; i++) {
      if (present(src, s, i)) continue;
      if (def.type === 'f64') out.setF64(start + i * 8, Number.NaN);
      else out.setZero(start + i * width, start + (i + 1) * width);
    }
  }
}

/** Strings `from`..`to` of an Arrow utf8 column (offsets and data ranges): varint length, then the bytes. */
function utf8Run(out: ByteWriter, src: Source, offsets: number, data: number, from: number, to: number): void {
  out.utf8Run(src.bytes, src.view, offsets, data, from, to);
}

/** A String column; NULL (or a column the batch lacks) is the empty string. */
function strings(out: ByteWriter, name: string, sources: readonly Source[]): void {
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    const rows = src.batch.numRows;
    const [o, d] = s?.buffers ?? [];
    if (!s || !o || !d) { out.fill(rows, 0); continue; }
    const offsets = src.batch.body + o.offset;
    const data = src.batch.body + d.offset;
    if (s.nulls === 0) { utf8Run(out, src, offsets, data, 0, rows); continue; }
    for (let i = 0; i < rows; i++) {
      if (present(src, s, i)) utf8Run(out, src, offsets, data, i, i + 1);
      else out.fill(1, 0);
    }
  }
}

/** Item range of list row `i`: none for a NULL row. */
function items(src: Source, s: IpcSlot, offsets: number, i: number): [number, number] {
  const from = src.view.getInt32(offsets + i * 4, true);
  return present(src, s, i) ? [from, src.view.getInt32(offsets + i * 4 + 4, true)] : [from, from];
}

/** Array(String): every row's end offset (UInt64, counted over the whole block), then every item. */
function stringLists(out: ByteWriter, name: string, sources: readonly Source[]): void {
  let total = 0;
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    const o = s?.buffers[0];
    for (let i = 0; i < src.batch.numRows; i++) {
      if (s && o) {
        const [from, to] = items(src, s, src.batch.body + o.offset, i);
        total += to - from;
      }
      out.u64(total);
    }
  }
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    const [o, , co, cd] = s?.buffers ?? [];
    if (!s || !o || !co || !cd) continue;
    const body = src.batch.body;
    for (let i = 0; i < src.batch.numRows; i++) {
      const [from, to] = items(src, s, body + o.offset, i);
      utf8Run(out, src, body + co.offset, body + cd.offset, from, to);
    }
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
function lowCardinality(out: ByteWriter, name: string, nullable: boolean, sources: readonly Source[], rows: number): void {
  const reserved = nullable ? 2 : 1;
  const keys = reserved + rows;
  const width = keys <= 0xff ? 0 : keys <= 0xffff ? 1 : 2;
  out.u64(LC_VERSION);
  out.u64(LC_KEYS_IN_BLOCK | width);
  out.u64(keys);
  out.fill(reserved, 0);
  strings(out, name, sources);
  out.u64(rows);
  let key = reserved;
  for (const src of sources) {
    const s = src.batch.slots.get(name);
    for (let i = 0; i < src.batch.numRows; i++, key++) out.uint(nullable && (!s || !present(src, s, i)) ? 0 : key, width);
  }
}

function column(out: ByteWriter, name: string, def: ColumnDef, type: string, sources: readonly Source[], rows: number): void {
  if (type.startsWith('LowCardinality(')) { lowCardinality(out, name, def.nullable === true, sources, rows); return; }
  if (def.type === 'str_list') { stringLists(out, name, sources); return; }
  if (def.nullable === true) nullMap(out, name, sources);
  if (def.type === 'str' || def.type === 'lc') strings(out, name, sources);
  else fixed(out, name, def, sources);
}

/**
 * Arrow IPC streams of one table → one ClickHouse Native block, for servers that cannot read Arrow
 * (Debian's 18.16). Native is columnar like Arrow: numbers are copied a whole buffer at a time,
 * strings as bytes, and the server parses a column in one go instead of row by row (RowBinary).
 * Every record batch of every stream goes into the one block; no value becomes a JS number or
 * string; LowCardinality columns carry the block's own dictionary. `lowCardinality`: the table's
 * columns of that type, where the caller knows them (else the capabilities decide). Null when a
 * stream's schema was not accepted before (see ipcBatches): the caller then writes RowBinary.
 */
export function toNative(table: TableName, streams: readonly Uint8Array[], caps: StoreCapabilities, lowCardinality?: ReadonlySet<string>): Buffer | null {
  const defs = Object.entries(catalog[table].columns) as [string, ColumnDef][];
  // The table's own types decide LowCardinality where known: a table made before the server allowed it keeps String.
  const types = defs.map(([name, d]) => columnType(d, lowCardinality && d.type === 'lc' ? { ...caps, lowCardinality: lowCardinality.has(name) } : caps));
  const sources: Source[] = [];
  let rows = 0;
  let size = 64 * 1024;
  for (const bytes of streams) {
    const batches = ipcBatches(table, bytes);
    if (!batches) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const batch of batches) {
      sources.push({ bytes, view, batch });
      rows += batch.numRows;
    }
    size += bytes.byteLength;
  }
  const out = new ByteWriter(size + rows * defs.length);
  out.varint(defs.length);
  out.varint(rows);
  defs.forEach(([name, def], k) => {
    out.str(name);
    out.str(types[k] ?? '');
    if (rows > 0) column(out, name, def, types[k] ?? '', sources, rows);
  });
  return out.bytes();
}
