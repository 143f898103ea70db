import { Field, Float64, Int32, TimestampMillisecond, Uint32, Uint8, Utf8, makeVector, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnData } from './arrow-columns.ts';
import type { ColumnType } from './catalog/index.ts';

/** The same values through apache-arrow's own builder and through columnData, read back. */
function both(kind: ColumnType, field: Field, values: unknown[]): { ours: unknown[]; builder: unknown[] } {
  const ours = [...makeVector(columnData(kind, field, values))];
  const builder = [...vectorFromArray(values as never, field.type)];
  return { ours, builder };
}

const CASES: [ColumnType, Field, unknown[]][] = [
  ['ts', new Field('ts', new TimestampMillisecond(), true), [0, 1, -1, 2 ** 32, 2 ** 32 - 1, 2 ** 40 + 123, 1_733_400_000_123, Number.MAX_SAFE_INTEGER, null]],
  ['f64', new Field('f', new Float64(), true), [0, -0.5, 1e300, Number.NaN, null, 3.25, null, 7, 8, 9]],
  ['i32', new Field('i', new Int32(), true), [-(2 ** 31), 2 ** 31 - 1, -7, null, 0]],
  ['u32', new Field('u', new Uint32(), false), [0, 4_000_000_000, 2 ** 32 - 1, 5]],
  ['u8', new Field('b', new Uint8(), true), [0, 255, null, 200]],
  ['str', new Field('s', new Utf8(), true), ['', 'x', 'hôte-é', '漢字', '🙂 emoji', null, 'a'.repeat(1000), 'tail']],
  ['lc', new Field('l', new Utf8(), false), ['n1', 'n1', 'n2']],
];

describe('columnData writes the same column as apache-arrow\'s builder', () => {
  it.each(CASES)('%s', (kind, field, values) => {
    const { ours, builder } = both(kind, field, values);
    expect(ours).toEqual(builder);
    expect(ours.length).toBe(values.length);
  });

  it('keeps nulls apart from zeros across bitmap bytes (17 rows)', () => {
    const values = Array.from({ length: 17 }, (_, i) => (i % 3 === 0 ? null : i));
    const field = new Field('f', new Float64(), true);
    const out = [...makeVector(columnData('f64', field, values))];
    expect(out).toEqual(values);
  });

  it('writes an empty column', () => {
    expect([...makeVector(columnData('str', new Field('s', new Utf8(), true), []))]).toEqual([]);
  });
});
