import { type Data, type DataType, type Field, Schema, Struct, makeData, vectorFromArray } from 'apache-arrow';
import type { ColumnType } from './catalog/index.ts';

/**
 * Arrow column data written straight into typed arrays from row values, one pass per column.
 * apache-arrow's builders (vectorFromArray) grow buffers value by value and box every value;
 * an agent encodes thousands of process rows a second, so the common types are written here
 * directly. A column type without a direct writer (string lists) still uses the builder.
 */

type Values = readonly unknown[];

/** The validity bitmap of `values` (bit set = present), or null when none is missing. */
function validity(values: Values): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  for (const v of values) if (v === null || v === undefined) nulls++;
  if (nulls === 0) return { bitmap: undefined, nulls };
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { bitmap, nulls };
}

type NumberArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

function numbers(type: DataType, values: Values, array: NumberArray): Data {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') array[i] = v;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({ type, length: values.length, nullCount: nulls, nullBitmap: bitmap, data: array } as never);
}

/** Milliseconds as int64 without a BigInt per value: two little-endian 32-bit words. */
function timestamps(type: DataType, values: Values): Data {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') continue;
    const ms = Math.trunc(v);
    words[2 * i] = ms % 0x1_0000_0000 | 0;
    words[2 * i + 1] = Math.floor(ms / 0x1_0000_0000);
  }
  const { bitmap, nulls } = validity(values);
  const data = new BigInt64Array(words.buffer);
  return makeData({ type, length: values.length, nullCount: nulls, nullBitmap: bitmap, data } as never);
}

const utf8 = new TextEncoder();

/** UTF-8 bytes and offsets, encoded into one buffer sized for the worst case and then trimmed. */
function strings(type: DataType, values: Values): Data {
  let worst = 0;
  for (const v of values) if (typeof v === 'string') worst += v.length * 3;
  const bytes = new Uint8Array(worst);
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') at += utf8.encodeInto(v, bytes.subarray(at)).written;
    offsets[i + 1] = at;
  }
  const { bitmap, nulls } = validity(values);
  return makeData({ type, length: values.length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, data: bytes.subarray(0, at) } as never);
}

/** One column's Arrow data from its row values. */
export function columnData(kind: ColumnType, field: Field, values: Values): Data {
  const n = values.length;
  switch (kind) {
    case 'f64': return numbers(field.type, values, new Float64Array(n));
    case 'i32': return numbers(field.type, values, new Int32Array(n));
    case 'u32': return numbers(field.type, values, new Uint32Array(n));
    case 'u8': return numbers(field.type, values, new Uint8Array(n));
    case 'ts': return timestamps(field.type, values);
    case 'str': case 'lc': return strings(field.type, values);
    case 'str_list': return vectorFromArray(values as never, field.type).data[0] as Data;
  }
}

/** The struct data of one record batch over `fields`. */
export function batchData(fields: readonly Field[], children: readonly Data[], length: number): { schema: Schema; data: Data<Struct> } {
  const schema = new Schema([...fields]);
  return { schema, data: makeData({ type: new Struct([...fields]), length, nullCount: 0, children: [...children] }) };
}
