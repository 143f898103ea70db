import { MODERN_CAPABILITIES, type Row, type StoreCapabilities, type TableName, admitStream, batchToRows, encodeBatch, tryDecodeBatch } from '@runlens/schemas';
import { tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { FormatReader } from '../../testing/format-reader.ts';
import { toNative } from './native.ts';

/** What Debian's 18.16 server accepts (its probe's answer): no DateTime64, no LowCardinality, no Arrow. */
const OLD: StoreCapabilities = { version: '18.16.1', dateTime64: false, codecs: false, ttl: false, lowCardinality: false, queryParameters: false, arrowInput: false };

/** A Native block reader written from ClickHouse's format description, independent of the writer. */
function readNative(buf: Buffer): { types: string[]; rows: Record<string, unknown>[] } {
  const r = new FormatReader(buf);
  const fixed = (n: number, width: number, read: (at: number) => number): number[] => {
    const at = r.take(n * width);
    return Array.from({ length: n }, (_, i) => read(at + i * width));
  };
  const column = (type: string, n: number): unknown[] => {
    const lc = /^LowCardinality\((.*)\)$/.exec(type)?.[1];
    if (lc) return lowCardinality(lc, n);
    const inner = /^Nullable\((.*)\)$/.exec(type)?.[1];
    if (inner) {
      const at = r.take(n);
      const nulls = [...buf.subarray(at, at + n)];
      return column(inner, n).map((v, i) => (nulls[i] === 1 ? null : v));
    }
    if (type === 'Array(String)') {
      const ends = fixed(n, 8, (at) => Number(buf.readBigUInt64LE(at)));
      const flat = column('String', ends[n - 1] ?? 0);
      return ends.map((end, i) => flat.slice(ends[i - 1] ?? 0, end));
    }
    switch (type) {
      case 'String': return Array.from({ length: n }, () => r.str());
      case 'UInt64': return fixed(n, 8, (at) => Number(buf.readBigUInt64LE(at)));
      case 'Int32': return fixed(n, 4, (at) => buf.readInt32LE(at));
      case 'UInt32': return fixed(n, 4, (at) => buf.readUInt32LE(at));
      case 'UInt8': return fixed(n, 1, (at) => buf.readUInt8(at));
      case 'Float64': return fixed(n, 8, (at) => buf.readDoubleLE(at));
      default: throw new Error(`type ${type}`);
    }
  };
  /** Version 1, index type (+ keys-in-block flags), the keys (0: NULL for Nullable), then one index per row. */
  const lowCardinality = (inner: string, n: number): unknown[] => {
    const [version, flags = 0] = fixed(2, 8, (at) => Number(buf.readBigUInt64LE(at)));
    expect([version, flags & ~0xff]).toEqual([1, 0x600]);
    const width = 2 ** (flags & 0xff);
    const nullable = inner.startsWith('Nullable(');
    const keys = column('String', Number(buf.readBigUInt64LE(r.take(8))));
    expect(Number(buf.readBigUInt64LE(r.take(8)))).toBe(n);
    return fixed(n, width, (at) => buf.readUIntLE(at, width)).map((k) => (nullable && k === 0 ? null : keys[k]));
  };
  const columns = r.varint();
  const n = r.varint();
  const types: string[] = [];
  const values: [string, unknown[]][] = [];
  for (let c = 0; c < columns; c++) {
    const name = r.str();
    types.push(r.str());
    values.push([name, column(types[c] ?? '', n)]);
  }
  expect(r.pos).toBe(buf.length);
  return { types, rows: Array.from({ length: n }, (_, i) => Object.fromEntries(values.map(([name, v]) => [name, v[i]]))) };
}

const gpu = (i: number): Row<'gpu_samples'> => ({
  ts: 1_700_000_000_123 + i, host: `nöde-${i % 2}`, gpu_index: i, gpu_uuid: `GPU-${'é'.repeat(i * 30)}`, gpu_name: 'H100',
  util_ratio: i % 3 === 0 ? null : i / 10, mem_util_ratio: null, mem_used_bytes: 2 ** 33 + i, mem_total_bytes: 2 ** 36,
  power_w: 300.5, power_limit_w: null, sm_clock_mhz: 1980, mem_clock_mhz: null, temp_c: 61, pcie_gen: i % 2 === 0 ? null : 5, pcie_width: 16,
  throttle_reasons: i % 2 === 0 ? [] : ['sw_power_cap', `hw_${i}`], ecc_uncorrected: null, retired_pages_pending: i % 2,
} as Row<'gpu_samples'>);

function admitted<N extends TableName>(table: N, parts: readonly (readonly Row<N>[])[]): Uint8Array[] {
  const streams = parts.map((p) => encodeBatch(table, p));
  for (const s of streams) expect(admitStream(table, s)).toBe(true);
  return streams;
}

const rowsOf = (table: TableName, streams: readonly Uint8Array[]): unknown[] => streams.flatMap((s) => batchToRows(table, tryDecodeBatch(s)?.table ?? (() => { throw new Error('undecodable'); })()));

describe('toNative', () => {
  it('writes every type, NULL, multi-byte UTF-8 and lists of several messages into one block, row for row', () => {
    const streams = admitted('gpu_samples', [[gpu(0), gpu(1), gpu(2)], [gpu(3)], [gpu(4), gpu(5)]]);
    const native = toNative('gpu_samples', streams, OLD);
    if (!native) throw new Error('no Native block');
    const back = readNative(native);
    expect(back.types).toContain('Array(String)');
    expect(back.types).toContain('Nullable(Float64)');
    expect(back.rows).toEqual(rowsOf('gpu_samples', streams));
    expect(back.rows[5]).toMatchObject({ gpu_uuid: `GPU-${'é'.repeat(150)}`, throttle_reasons: ['sw_power_cap', 'hw_5'], pcie_gen: 5, util_ratio: 0.5 });
  });

  it('writes LowCardinality columns with the block\'s own dictionary, as 18.16 with LowCardinality reads them', () => {
    const streams = admitted('gpu_samples', [[gpu(0), gpu(1)], [gpu(2), gpu(3), gpu(4)]]);
    const native = toNative('gpu_samples', streams, { ...OLD, lowCardinality: true });
    if (!native) throw new Error('no Native block');
    const back = readNative(native);
    expect(back.types).toContain('LowCardinality(String)');
    expect(back.rows).toEqual(rowsOf('gpu_samples', streams));
    expect(back.rows[3]).toMatchObject({ host: 'nöde-1' });
  });

  it('writes NULL for the rows of a stream that lacks a nullable column, between streams that have it', () => {
    const [full0, full1] = admitted('gpu_samples', [[gpu(1), gpu(2)], [gpu(5)]]);
    const decoded = tryDecodeBatch(encodeBatch('gpu_samples', [gpu(3), gpu(4)]))?.table;
    const names = decoded?.schema.fields.map((f) => f.name).filter((n) => n !== 'power_w' && n !== 'pcie_gen') ?? [];
    const older = tableToIPC(decoded?.select(names) ?? (() => { throw new Error('undecodable'); })(), 'stream');
    expect(admitStream('gpu_samples', older)).toBe(true);
    const native = toNative('gpu_samples', [full0 ?? older, older, full1 ?? older], OLD);
    if (!native) throw new Error('no Native block');
    const back = readNative(native).rows;
    expect(back.map((r) => r.power_w)).toEqual([300.5, 300.5, null, null, 300.5]);
    expect(back.map((r) => r.pcie_gen)).toEqual([5, null, null, null, 5]);
    expect(back.map((r) => r.gpu_index)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives no block for a schema never admitted', () => {
    const [s] = admitted('gpu_samples', [[gpu(1)]]);
    expect(toNative('gpu_samples', [s ?? new Uint8Array()], MODERN_CAPABILITIES)).not.toBeNull();
    const fresh = encodeBatch('ib_samples', []);
    expect(toNative('ib_samples', [fresh], OLD)).toBeNull();
  });
});
