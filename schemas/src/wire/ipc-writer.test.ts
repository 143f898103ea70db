import { RecordBatch, Schema, Struct, Table, makeData, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowFields, schemaMismatch } from '../arrow.ts';
import { type ColumnDef, type Row, type TableName, catalog, tableNames } from '../catalog/index.ts';
import { SCHEMA_VERSION, topicFor } from '../topics.ts';
import { boundsViolation } from './bounds.ts';
import { checkAcceptedIpc } from './ipc-check.ts';
import { ipcFrames, ipcMetadataViolation } from './ipc-metadata.ts';
import { spliceStreams } from './ipc-splice.ts';
import { encodeBatch } from './ipc-writer.ts';
import { decodeMessage } from './message.ts';

/** The encoder this writer replaced, in its simplest form: apache-arrow's own builders and IPC writer. */
function referenceBatch<N extends TableName>(name: N, rows: readonly Row<N>[]): Uint8Array {
  const fields = arrowFields(name);
  const children = fields.map((f) => vectorFromArray(rows.map((r) => (r as Record<string, unknown>)[f.name] ?? null) as never, f.type).data[0]!);
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream');
}

const STRINGS = ['', 'x', 'hôte-é', '漢字', '🙂 emoji', 'a'.repeat(300), 'n1'];
const NUMBERS: Record<string, number[]> = {
  f64: [0, -0.5, 1e300, -1e-300, 3.25, Number.NaN, 2 ** 53],
  i32: [0, -1, -(2 ** 31), 2 ** 31 - 1, 12345],
  u32: [0, 1, 4_000_000_000, 2 ** 32 - 1],
  u8: [0, 1, 200, 255],
  ts: [0, 1, -1, 2 ** 32, 2 ** 32 - 1, 2 ** 40 + 123, 1_733_400_000_123, Number.MAX_SAFE_INTEGER, -(2 ** 33) - 5],
};

/** Row i's value of a column: cycles through edge values; nullable columns are null every third row. */
function valueAt(def: ColumnDef, i: number, salt: number): unknown {
  if (def.nullable === true && (i + salt) % 3 === 0) return null;
  const pick = <T>(xs: readonly T[]): T => xs[(i * 7 + salt) % xs.length]!;
  switch (def.type) {
    case 'str': case 'lc': return pick(STRINGS);
    case 'str_list': return Array.from({ length: (i + salt) % 4 }, (_, k) => STRINGS[(i + k) % STRINGS.length]!);
    default: return pick(NUMBERS[def.type]!);
  }
}

function rowsFor<N extends TableName>(name: N, count: number): Row<N>[] {
  const cols = Object.entries(catalog[name].columns) as [string, ColumnDef][];
  return Array.from({ length: count }, (_, i) => Object.fromEntries(cols.map(([c, d], salt) => [c, valueAt(d, i, salt)])) as Row<N>);
}

/** Every column of a decoded table as plain values (lists as arrays). */
function columnsOf(bytes: Uint8Array): Record<string, unknown[]> {
  const table = tableFromIPC(bytes);
  return Object.fromEntries(table.schema.fields.map((f) => [f.name, [...table.getChild(f.name)!].map((v: unknown) =>
    v !== null && typeof v === 'object' && 'toArray' in v ? [...(v as unknown as Iterable<unknown>)] : v)]));
}

const received = (table: TableName, value: Uint8Array) => ({ topic: topicFor(table), value, headers: { schema_version: String(SCHEMA_VERSION) } });

describe('encodeBatch (the agent\'s own IPC writer) against apache-arrow', () => {
  it.each(tableNames)('%s: apache-arrow reads every column as the reference encoder wrote it', (name) => {
    for (const count of [0, 1, 17, 300]) {
      const rows = rowsFor(name, count);
      const ours = encodeBatch(name, rows);
      const table = tableFromIPC(ours);
      expect(table.numRows).toBe(count);
      expect(schemaMismatch(name, table)).toBeNull();
      expect(boundsViolation(table)).toBeNull();
      expect(String(table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)))
        .toBe(String(arrowFields(name).map((f) => `${f.name}:${String(f.type)}:${f.nullable}`)));
      expect(columnsOf(ours)).toEqual(columnsOf(referenceBatch(name, rows)));
    }
  });

  it('keeps nulls, zeros and empty strings apart, and an empty list apart from a list of one empty string', () => {
    const base = rowsFor('process_samples', 1)[0]!;
    const cols = columnsOf(encodeBatch('process_samples', [{ ...base, run_id: '', rank: null }, { ...base, run_id: 'r', rank: 0 }]));
    expect(cols.run_id).toEqual(['', 'r']);
    expect(cols.rank).toEqual([null, 0]);
    const run = rowsFor('runs', 1)[0]!;
    const lists = columnsOf(encodeBatch('runs', [{ ...run, tags: [] }, { ...run, tags: [''] }, { ...run, tags: ['a', 'é'] }]));
    expect(lists.tags).toEqual([[], [''], ['a', 'é']]);
  });

  it('is accepted by ingest\'s checks: metadata, full decode, then the fast path on the same schema', () => {
    for (const name of tableNames) {
      const first = encodeBatch(name, rowsFor(name, 40));
      expect(ipcMetadataViolation(first)).toBeNull();
      expect(ipcFrames(first)?.map((f) => f.kind)).toEqual(['schema', 'record_batch']);
      const d = decodeMessage(received(name, first));
      expect(d).toMatchObject({ kind: 'ok', value: { table: name, numRows: 40 } });
      const second = encodeBatch(name, rowsFor(name, 25));
      expect(checkAcceptedIpc(name, second)).toEqual({ kind: 'ok', numRows: 25 });
    }
  });

  it('splices with itself byte for byte, and the spliced stream reads as all the rows', () => {
    const a = rowsFor('node_samples', 5);
    const b = rowsFor('node_samples', 9);
    const spliced = spliceStreams([encodeBatch('node_samples', a), encodeBatch('node_samples', b)]);
    expect(spliced).toHaveLength(1);
    expect(columnsOf(spliced[0]!)).toEqual(columnsOf(referenceBatch('node_samples', [...a, ...b])));
  });

  it('writes the same bytes for the same rows after a larger batch grew its buffer', () => {
    const small = rowsFor('process_samples', 3);
    const before = encodeBatch('process_samples', small);
    encodeBatch('process_samples', rowsFor('process_samples', 3000));
    expect(encodeBatch('process_samples', small)).toEqual(before);
  });
});
