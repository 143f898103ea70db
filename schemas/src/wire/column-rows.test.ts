import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchToRows } from '../arrow.ts';
import { type ColumnDef, type Row, type TableName, catalog, tableNames } from '../catalog/index.ts';
import { SCHEMA_VERSION, topicFor } from '../topics.ts';
import { encodeMessage } from './encode.ts';
import { decodeMessage, messageRows } from './message.ts';

const T = 1_764_000_000_000;

/** Any value a column of this type may hold (bounded as agents' values are), null sometimes where nullable. */
function valueOf(c: ColumnDef): fc.Arbitrary<unknown> {
  const v: fc.Arbitrary<unknown> = {
    ts: fc.integer({ min: -T, max: 2 * T }),
    str: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'ä-ü ✓', 'run-1')),
    lc: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', 'node-001')),
    str_list: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
    i32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    u32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    u8: fc.integer({ min: 0, max: 255 }),
    f64: fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, 1e300)),
  }[c.type];
  return c.nullable ? fc.option(v, { nil: null }) : v;
}

function rowsOf(table: TableName): fc.Arbitrary<Row<TableName>[]> {
  const columns = Object.entries(catalog[table].columns as Readonly<Record<string, ColumnDef>>);
  const row = fc.record(Object.fromEntries(columns.map(([name, c]) => [name, valueOf(c)]))) as fc.Arbitrary<Row<TableName>>;
  return fc.array(row, { minLength: 1, maxLength: 12 });
}

const hasList = (table: TableName): boolean => Object.values(catalog[table].columns as Readonly<Record<string, ColumnDef>>).some((c) => c.type === 'str_list');

describe('messageRows read from columns', () => {
  it.each(tableNames.filter((t) => !hasList(t)))('gives the rows apache-arrow decodes, field for field and in its order: %s', (table) => {
    fc.assert(fc.property(rowsOf(table), (rows) => {
      const d = decodeMessage({ topic: topicFor(table), value: encodeMessage(table, rows, { agentId: 'a', seq: 0 }, 'h').value, headers: { schema_version: String(SCHEMA_VERSION) } });
      if (d.kind !== 'ok') throw new Error(JSON.stringify(d));
      expect(d.value.columns).not.toBeNull();
      const read = messageRows(d.value);
      if (read.kind !== 'ok') throw new Error(JSON.stringify(read));
      const arrow = batchToRows(table, d.value.batch.table);
      expect(read.value).toEqual(arrow);
      expect(read.value.map((r) => Object.keys(r))).toEqual(arrow.map((r) => Object.keys(r)));
    }), { numRuns: 40 });
  });

  it('leaves a table with a list column to apache-arrow, which reads the lists', () => {
    const table = 'runs';
    expect(hasList(table)).toBe(true);
    fc.assert(fc.property(rowsOf(table), (rows) => {
      const d = decodeMessage({ topic: topicFor(table), value: encodeMessage(table, rows, { agentId: 'a', seq: 0 }, 'h').value, headers: { schema_version: String(SCHEMA_VERSION) } });
      if (d.kind !== 'ok') throw new Error(JSON.stringify(d));
      const read = messageRows(d.value);
      expect(read.kind === 'ok' ? read.value : read).toEqual(batchToRows(table, d.value.batch.table));
    }), { numRuns: 20 });
  });
});
