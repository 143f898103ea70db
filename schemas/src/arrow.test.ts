import { type DataType, Float64, Table, Uint32, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowFields, batchToRows, schemaMismatch, tryDecodeBatch } from './arrow.ts';
import { encodeBatch } from './wire/ipc-writer.ts';
import { type ColumnDef, type Row, type TableName, catalog, tableNames } from './catalog/index.ts';

const TS = 1_700_000_123_456;

/** A plausible value per column type; distinct numbers so a swapped column shows. */
function valueOf(def: ColumnDef): unknown {
  switch (def.type) {
    case 'ts': return TS;
    case 'str': return 'x';
    case 'lc': return 'lc-é';
    case 'str_list': return ['a', 'b'];
    case 'i32': return -7;
    case 'u32': return 4_000_000_000;
    case 'u8': return 200;
    case 'f64': return 1.25;
  }
}

/** Row 0: every nullable column null (and an empty list). Row 1: every column set. */
function rowsFor<N extends TableName>(name: N): Row<N>[] {
  const cols = Object.entries(catalog[name].columns) as [string, ColumnDef][];
  const withNulls = Object.fromEntries(cols.map(([c, d]) => [c, d.nullable === true ? null : d.type === 'str_list' ? [] : valueOf(d)]));
  const full = Object.fromEntries(cols.map(([c, d]) => [c, valueOf(d)]));
  return [withNulls, full] as Row<N>[];
}

function tableOf(cols: readonly [string, DataType, readonly unknown[]][]): Table {
  return new Table(Object.fromEntries(cols.map(([n, t, v]) => [n, vectorFromArray([...v], t)])));
}

describe('Arrow round trip for every catalog table', () => {
  it('covers all tables', () => {
    expect(tableNames.length).toBe(17);
  });

  it.each(tableNames)('%s: rows survive encode → decode → rows, nulls and lists included', (name) => {
    const rows = rowsFor(name);
    const bytes = encodeBatch(name, rows);
    const decoded = tryDecodeBatch(bytes);
    expect(decoded?.numRows).toBe(2);
    if (!decoded) return;
    expect(schemaMismatch(name, decoded.table)).toBeNull();
    expect(decoded.table.schema.fields.map((f) => f.name)).toEqual(Object.keys(catalog[name].columns));
    expect(batchToRows(name, decoded.table)).toEqual(rows);
  });

  it('an empty batch round-trips to zero rows with the full schema', () => {
    const decoded = tryDecodeBatch(encodeBatch('process_samples', []));
    expect(decoded?.numRows).toBe(0);
    expect(decoded && schemaMismatch('process_samples', decoded.table)).toBeNull();
  });

  it('nullable columns are nullable Arrow fields; the others are not', () => {
    const runs = new Map(arrowFields('runs').map((f) => [f.name, f.nullable]));
    expect(runs.get('end_ts')).toBe(true);
    expect(runs.get('exit_code')).toBe(true);
    expect(runs.get('run_id')).toBe(false);
    expect(runs.get('start_ts')).toBe(false);
  });
});

describe('tryDecodeBatch on bytes that are not a valid stream', () => {
  const good = encodeBatch('findings', rowsFor('findings'));
  it.each([
    ['random bytes', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])],
    ['a stream cut in half', good.slice(0, Math.floor(good.length / 2))],
    ['a stream missing its last 20 bytes', good.slice(0, good.length - 20)],
  ])('returns null for %s', (_n, bytes) => {
    expect(tryDecodeBatch(bytes)).toBeNull();
  });
  it.each([
    ['no bytes', new Uint8Array(0)],
    ['short JSON text', new TextEncoder().encode('{"a":1}')],
    ['64 zero bytes', new Uint8Array(64)],
    ['64 0xff bytes', new Uint8Array(64).fill(0xff)],
  ])('returns null for %s', (_n, bytes) => {
    expect(tryDecodeBatch(bytes)).toBeNull();
  });
});

describe('schemaMismatch', () => {
  const runsCols = (): [string, DataType, unknown[]][] =>
    arrowFields('runs').map((f) => [f.name, f.type, [f.nullable ? null : valueOf(catalog.runs.columns[f.name as keyof typeof catalog.runs.columns])]]);

  it('accepts a table built from the catalog fields', () => {
    expect(schemaMismatch('runs', tableOf(runsCols()))).toBeNull();
  });

  it('names an unknown column', () => {
    expect(schemaMismatch('runs', tableOf([...runsCols(), ['colour', new Utf8(), ['red']]]))).toBe('unknown column colour');
  });

  it('names a column of the wrong type', () => {
    const cols = runsCols().map(([n, t, v]): [string, DataType, unknown[]] => (n === 'ranks' ? [n, new Float64(), [2.5]] : [n, t, v]));
    expect(schemaMismatch('runs', tableOf(cols))).toBe(`column ranks: ${String(new Float64())}, expected ${String(new Uint32())}`);
  });

  it('lists missing non-nullable columns and tolerates missing nullable ones', () => {
    const without = (names: string[]) => tableOf(runsCols().filter(([n]) => !names.includes(n)));
    expect(schemaMismatch('runs', without(['run_id', 'hosts']))).toBe('missing columns run_id, hosts');
    expect(schemaMismatch('runs', without(['end_ts', 'exit_code', 'write_bytes']))).toBeNull();
  });

  it('rejects a batch of another table', () => {
    const decoded = tryDecodeBatch(encodeBatch('node_samples', rowsFor('node_samples')));
    expect(decoded && schemaMismatch('runs', decoded.table)).toMatch(/^unknown column /);
  });
});
