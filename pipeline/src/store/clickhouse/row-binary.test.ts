import { type ColumnDef, MODERN_CAPABILITIES, type Row, batchToRows, catalog, encodeBatch, spliceStreams, tryDecodeBatch } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import { FormatReader } from '../../testing/format-reader.ts';
import { toRowBinary } from './row-binary.ts';

/** A RowBinary reader written from ClickHouse's format description, independent of the writer. */
function readRowBinary(buf: Buffer, defs: [string, ColumnDef][]): Record<string, unknown>[] {
  const r = new FormatReader(buf);
  const value = (def: ColumnDef): unknown => {
    switch (def.type) {
      case 'ts': return Number(buf.readBigInt64LE(r.take(8)));
      case 'str': case 'lc': return r.str();
      case 'str_list': return Array.from({ length: r.varint() }, () => r.str());
      case 'i32': return buf.readInt32LE(r.take(4));
      case 'u32': return buf.readUInt32LE(r.take(4));
      case 'u8': return buf[r.take(1)];
      case 'f64': return buf.readDoubleLE(r.take(8));
    }
  };
  const rows: Record<string, unknown>[] = [];
  while (!r.done) {
    const row: Record<string, unknown> = {};
    for (const [name, def] of defs) row[name] = def.nullable === true && def.type !== 'str_list' && buf[r.take(1)] === 1 ? null : value(def);
    rows.push(row);
  }
  return rows;
}

const gpu = (i: number): Row<'gpu_samples'> => ({
  ts: 1_700_000_000_123 + i, host: `nöde-${i % 2}`, gpu_index: i, gpu_uuid: `GPU-${'é'.repeat(i)}`, gpu_name: 'H100',
  util_ratio: i % 3 === 0 ? null : i / 10, mem_util_ratio: null, mem_used_bytes: 2 ** 33 + i, mem_total_bytes: 2 ** 36,
  power_w: 300.5, power_limit_w: null, sm_clock_mhz: 1980, mem_clock_mhz: null, temp_c: 61, pcie_gen: i % 2 === 0 ? null : 5, pcie_width: 16,
  throttle_reasons: i % 2 === 0 ? [] : ['sw_power_cap', `hw_${i}`], ecc_uncorrected: null, retired_pages_pending: i % 2,
} as Row<'gpu_samples'>);

describe('toRowBinary', () => {
  it('writes every type, NULL, multi-byte UTF-8 and lists from the Arrow buffers, across spliced record batches', () => {
    const parts = [[gpu(0), gpu(1), gpu(2)], [gpu(3)], [gpu(4), gpu(5)]];
    const [ipc] = spliceStreams(parts.map((p) => encodeBatch('gpu_samples', p)));
    const table = tryDecodeBatch(ipc ?? new Uint8Array())?.table;
    if (!table) throw new Error('undecodable');
    expect(table.batches.length).toBe(3);
    const defs = Object.entries(catalog.gpu_samples.columns) as [string, ColumnDef][];
    const back = readRowBinary(toRowBinary('gpu_samples', table, MODERN_CAPABILITIES), defs);
    expect(back).toEqual(batchToRows('gpu_samples', table));
    expect(back).toHaveLength(6);
    expect(back[5]).toMatchObject({ gpu_uuid: 'GPU-ééééé', throttle_reasons: ['sw_power_cap', 'hw_5'], pcie_gen: 5, util_ratio: 0.5 });
  });
});
