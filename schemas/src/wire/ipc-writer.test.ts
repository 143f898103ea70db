import fc from 'fast-check';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowFields, batchToRows, encodeBatch } from '../arrow.ts';
import { batchData, columnData } from '../arrow-columns.ts';
import { type ColumnType, type Row, type TableName, catalog } from '../catalog/index.ts';
import { arrowIpcStream } from './ipc-writer.ts';

const valueOf: Record<ColumnType, fc.Arbitrary<unknown>> = {
  ts: fc.integer({ min: -1e13, max: 4e12 }), str: fc.string({ maxLength: 20 }), lc: fc.string({ maxLength: 6, unit: 'grapheme' }),
  str_list: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }), i32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  u32: fc.integer({ min: 0, max: 2 ** 32 - 1 }), u8: fc.integer({ min: 0, max: 255 }), f64: fc.double(),
};

/** Rows of any catalog table: every column, nullable ones sometimes null. */
function rowsOf(table: TableName): fc.Arbitrary<Row<TableName>[]> {
  const cols = Object.entries(catalog[table].columns as Record<string, { type: ColumnType; nullable?: boolean }>).map(([name, c]) => [name, c.nullable ? fc.option(valueOf[c.type]) : valueOf[c.type]] as const);
  return fc.array(fc.record(Object.fromEntries(cols)), { maxLength: 30 }) as fc.Arbitrary<Row<TableName>[]>;
}

/** What apache-arrow's own stream writer gives for the same columns. */
function arrowWrites(table: TableName, rows: readonly Row<TableName>[]): Uint8Array {
  const fields = arrowFields(table);
  const columns = catalog[table].columns as Record<string, { type: ColumnType }>;
  const children = fields.map((f) => columnData(columns[f.name]?.type ?? 'str', f, rows.map((r) => (r as Record<string, unknown>)[f.name] ?? null)));
  const { schema, data } = batchData(fields, children, rows.length);
  return arrowIpcStream(schema, data);
}

describe('encodeBatch writes the IPC stream itself', () => {
  it('byte for byte what apache-arrow writes, for every table, nulls, lists, empty strings and zero rows', () => {
    for (const table of Object.keys(catalog) as TableName[]) {
      fc.assert(fc.property(rowsOf(table), (rows) => {
        const mine = encodeBatch(table, rows);
        expect(Buffer.from(mine).equals(Buffer.from(arrowWrites(table, rows)))).toBe(true);
      }), { numRuns: 25 });
    }
  });

  it('reads back as the rows it was given', () => {
    const rows = [{ ts: 1_700_000_000_000, host: 'h', gpu_index: 0, gpu_uuid: 'GPU-ä', gpu_name: '', util_ratio: null, throttle_reasons: ['a', 'b'] }, { ts: 1, host: '', gpu_index: 7, gpu_uuid: 'x', gpu_name: 'n', util_ratio: 0.5, throttle_reasons: [] }];
    const back = batchToRows('gpu_samples', tableFromIPC(encodeBatch('gpu_samples', rows as unknown as Row<'gpu_samples'>[])));
    expect(back.map((r) => [r.ts, r.gpu_uuid, r.util_ratio, r.throttle_reasons, r.gpu_index])).toEqual([[1_700_000_000_000, 'GPU-ä', null, ['a', 'b'], 0], [1, 'x', 0.5, [], 7]]);
  });
});
