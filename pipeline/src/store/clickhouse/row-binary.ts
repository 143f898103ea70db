import { type ColumnDef, type StoreCapabilities, type TableName, VALUE_BYTES, catalog } from '@runlens/schemas';
import type { Data, Table } from 'apache-arrow';
import { ByteWriter as Writer } from './byte-writer.ts';

/** Reads one Arrow column of one record batch straight from its buffers. */
type Put = (w: Writer, i: number) => void;

const isNull = (d: Data, i: number): boolean => {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return false;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3] ?? 0) & (1 << (j & 7))) === 0;
};

/** UTF-8 bytes as they are (no JS string): varint length, then the bytes. */
function putUtf8(d: Data): Put {
  const offsets = d.valueOffsets as Int32Array;
  const values = d.values as Uint8Array;
  return (w, i) => {
    const from = offsets[d.offset + i] ?? 0;
    const to = offsets[d.offset + i + 1] ?? from;
    w.varint(to - from);
    w.copy(values, from, to - from);
  };
}

/** Fixed-width little-endian values copied byte for byte (RowBinary is little-endian too). */
function putFixed(d: Data, width: number, fallback: (w: Writer) => void): Put {
  const values = d.values as ArrayBufferView;
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return (w, i) => {
    if (isNull(d, i)) { fallback(w); return; }
    w.copy(bytes, (d.offset + i) * width, width);
  };
}

function putList(d: Data): Put {
  const offsets = d.valueOffsets as Int32Array;
  const child = d.children[0];
  const item = child ? putUtf8(child) : null;
  return (w, i) => {
    const from = offsets[d.offset + i] ?? 0;
    const to = isNull(d, i) ? from : offsets[d.offset + i + 1] ?? from;
    w.varint(to - from);
    for (let k = from; k < to; k++) item?.(w, k - (child?.offset ?? 0));
  };
}

function putter(def: ColumnDef, d: Data): Put {
  switch (def.type) {
    case 'ts': return putFixed(d, 8, (w) => w.u64(0)); // Int64 ms: DateTime64(3) and 18.16's UInt64 alike
    case 'str': case 'lc': return putUtf8(d);
    case 'str_list': return putList(d);
    case 'i32': return putFixed(d, 4, (w) => w.i32(0));
    case 'u32': return putFixed(d, 4, (w) => w.u32(0));
    case 'u8': return putFixed(d, 1, (w) => w.u8(0));
    case 'f64': return putFixed(d, 8, (w) => w.f64(Number.NaN));
  }
}

/** A column absent from the batch (a nullable one an older sender lacks): NULL, or the type's empty value. */
function absent(def: ColumnDef): Put {
  if (def.nullable === true && def.type !== 'str_list') return (w) => w.u8(1);
  return def.type === 'str' || def.type === 'lc' || def.type === 'str_list' ? (w) => w.varint(0) : (w) => w.raw(new Uint8Array(VALUE_BYTES[def.type]));
}

function columnPut(def: ColumnDef, d: Data | undefined): Put {
  if (!d) return absent(def);
  const put = putter(def, d);
  if (def.nullable !== true || def.type === 'str_list') return (w, i) => (isNull(d, i) && (def.type === 'str' || def.type === 'lc') ? w.varint(0) : put(w, i));
  return (w, i) => {
    if (isNull(d, i)) { w.u8(1); return; }
    w.u8(0);
    put(w, i);
  };
}

/**
 * Arrow batch → ClickHouse RowBinary, for servers that cannot read Arrow (Debian's 18.16): per
 * record batch, one reader per column over the Arrow buffers; strings and numbers are copied as
 * bytes. No row objects, no JS strings, no JSON (benchmarks/ingest).
 */
export function toRowBinary(name: TableName, table: Table, _caps: StoreCapabilities): Buffer {
  const defs = Object.entries(catalog[name].columns);
  const w = new Writer();
  for (const batch of table.batches) {
    const puts = defs.map(([col, def]) => columnPut(def, batch.getChild(col)?.data[0]));
    for (let i = 0; i < batch.numRows; i++) for (const put of puts) put(w, i);
  }
  return w.bytes();
}
