import {
  type DataType, Field, Float64, Int32, List, Table, TimestampMillisecond, Uint32, Uint8, Utf8, tableFromIPC, tableToIPC,
} from 'apache-arrow';
import type { ColumnBatch } from './wire/ipc-columns.ts';
import { encodeValues } from './wire/ipc-writer.ts';
import { type ColumnType, type Row, type TableName, catalog } from './catalog/index.ts';

function arrowType(type: ColumnType): DataType {
  switch (type) {
    case 'ts': return new TimestampMillisecond();
    case 'str': case 'lc': return new Utf8();
    case 'str_list': return new List(new Field('item', new Utf8(), true));
    case 'i32': return new Int32();
    case 'u32': return new Uint32();
    case 'u8': return new Uint8();
    case 'f64': return new Float64();
  }
}

/** Arrow fields of a table, in catalog order. */
export function arrowFields(name: TableName): Field[] {
  const cols = Object.entries(catalog[name].columns);
  return cols.map(([col, def]) => new Field(col, arrowType(def.type), def.nullable === true));
}

/**
 * The rows `rows` of a column batch read from a message of `name`, as encodeBatch encodes them,
 * without a row object: how a consumer splits a message (the analyzer's router). Null when a
 * column cannot be read as values (a list): the caller then encodes rows.
 */
export function encodeColumns(name: TableName, batch: ColumnBatch, rows: readonly number[]): Uint8Array | null {
  const all = new Map<string, readonly unknown[]>();
  for (const column of Object.keys(catalog[name].columns)) {
    const values = batch.values(column);
    if (!values) return null;
    all.set(column, values);
  }
  const out = new Array<unknown>(rows.length);
  return encodeValues(name, rows.length, (column) => {
    const values = all.get(column) ?? [];
    for (let k = 0; k < rows.length; k++) out[k] = values[rows[k] ?? -1] ?? null;
    return out;
  });
}

export interface DecodedBatch {
  readonly table: Table;
  readonly numRows: number;
}

/** Parse an IPC stream; null when the bytes are not Arrow. Never throws. */
export function tryDecodeBatch(bytes: Uint8Array): DecodedBatch | null {
  try {
    const table = tableFromIPC(bytes);
    // apache-arrow reads some non-Arrow bytes as an empty schema rather than failing.
    return table.schema.fields.length === 0 ? null : { table, numRows: table.numRows };
  } catch {
    return null;
  }
}

/** One IPC stream holding the record batches of several decoded batches of one table. */
export function concatBatches(tables: readonly Table[]): { ipc: Uint8Array; table: Table } {
  const table = new Table(tables.flatMap((t) => t.batches));
  return { ipc: tableToIPC(table, 'stream'), table };
}

/** Materialise rows (for small batches: tests, the analyzer's windows). */
export function batchToRows<N extends TableName>(_name: N, table: Table): Row<N>[] {
  const out: Row<N>[] = [];
  const fields = table.schema.fields.map((f) => f.name);
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const f of fields) {
      const v: unknown = table.getChild(f)?.get(i);
      row[f] = v !== null && typeof v === 'object' && 'toArray' in v ? Array.from(v as unknown as Iterable<unknown>) : v;
    }
    out.push(row as Row<N>);
  }
  return out;
}

/** Why a decoded batch does not match the catalog, or null when it does. */
export function schemaMismatch(name: TableName, table: Table): string | null {
  const expected = new Map(arrowFields(name).map((f) => [f.name, f]));
  for (const field of table.schema.fields) {
    const want = expected.get(field.name);
    if (!want) return `unknown column ${field.name}`;
    if (String(want.type) !== String(field.type)) return `column ${field.name}: ${String(field.type)}, expected ${String(want.type)}`;
    expected.delete(field.name);
  }
  const missing = [...expected.values()].filter((f) => !f.nullable).map((f) => f.name);
  return missing.length > 0 ? `missing columns ${missing.join(', ')}` : null;
}
