import { describe, expect, it } from 'vitest';
import { batchToRows, tryDecodeBatch } from '../arrow.ts';
import type { Row, TableName } from '../catalog/index.ts';
import { CompactScratch, compactStreams } from './ipc-compact.ts';
import { ipcFrames } from './ipc-metadata.ts';
import { encodeBatch } from './ipc-writer.ts';
import { admitStream } from './message.ts';

const gpu = (i: number): Row<'gpu_samples'> => ({
  ts: 1_700_000_000_123 + i, host: `nöde-${i % 3}`, gpu_index: i, gpu_uuid: i % 4 === 0 ? '' : `GPU-${'é'.repeat(i)}`, gpu_name: 'H100',
  util_ratio: i % 3 === 0 ? null : i / 10, mem_util_ratio: i % 5 === 0 ? 0.5 : null, mem_used_bytes: 2 ** 33 + i, mem_total_bytes: 2 ** 36,
  power_w: 300.5, power_limit_w: null, sm_clock_mhz: 1980, mem_clock_mhz: null, temp_c: 61, pcie_gen: i % 2 === 0 ? null : 5, pcie_width: 16,
  throttle_reasons: i % 2 === 0 ? [] : ['sw_power_cap', `hw_${i}`], ecc_uncorrected: null, retired_pages_pending: i % 2,
} as Row<'gpu_samples'>);

function rowsOf(table: TableName, bytes: Uint8Array): unknown[] {
  const d = tryDecodeBatch(bytes);
  if (!d) throw new Error('undecodable');
  return batchToRows(table, d.table);
}

describe('compactStreams', () => {
  it('joins many messages into one record batch that reads back row for row (validity bits across bytes, lists, UTF-8)', () => {
    let i = 0;
    const parts = [3, 1, 9, 2, 0, 17].map((n) => Array.from({ length: n }, () => gpu(i++)));
    const streams = parts.map((p) => encodeBatch('gpu_samples', p));
    for (const s of streams) expect(admitStream('gpu_samples', s)).toBe(true);
    const pieces = compactStreams('gpu_samples', streams);
    if (!pieces) throw new Error('not compacted');
    const out = Buffer.concat(pieces);
    expect(ipcFrames(out)?.map((f) => f.kind)).toEqual(['schema', 'record_batch']);
    expect(rowsOf('gpu_samples', out)).toEqual(streams.flatMap((s) => rowsOf('gpu_samples', s)));
    expect(admitStream('gpu_samples', out)).toBe(true);
  });

  it('writes each compaction into the scratch buffer it kept, and every one reads back its own rows', () => {
    const scratch = new CompactScratch();
    let i = 0;
    const first = [4, 6].map((n) => encodeBatch('gpu_samples', Array.from({ length: n }, () => gpu(i++))));
    const second = [2, 3].map((n) => encodeBatch('gpu_samples', Array.from({ length: n }, () => gpu(i++))));
    for (const s of [...first, ...second]) expect(admitStream('gpu_samples', s)).toBe(true);
    const a = compactStreams('gpu_samples', first, scratch);
    if (!a) throw new Error('not compacted');
    const kept = scratch.bytes;
    expect(rowsOf('gpu_samples', Buffer.concat(a))).toEqual(first.flatMap((s) => rowsOf('gpu_samples', s)));
    const b = compactStreams('gpu_samples', second, scratch);
    if (!b) throw new Error('not compacted');
    expect(scratch.bytes).toBe(kept);
    expect(b.some((p) => p.buffer === kept?.buffer)).toBe(true);
    expect(rowsOf('gpu_samples', Buffer.concat(b))).toEqual(second.flatMap((s) => rowsOf('gpu_samples', s)));
  });

  it('does not keep a body larger than the scratch allows', () => {
    const scratch = new CompactScratch(16);
    const streams = [3, 4].map((n) => encodeBatch('gpu_samples', Array.from({ length: n }, (_, k) => gpu(k))));
    for (const s of streams) admitStream('gpu_samples', s);
    expect(compactStreams('gpu_samples', streams, scratch)).not.toBeNull();
    expect(scratch.bytes).toBeNull();
  });

  it('declines streams whose schema was never admitted, so the caller splices them instead', () => {
    expect(compactStreams('ib_samples', [encodeBatch('ib_samples', [])])).toBeNull();
  });
});
