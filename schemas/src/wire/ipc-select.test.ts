import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../catalog/index.ts';
import { encodeBatch } from './ipc-writer.ts';
import { rowRanges, selectGroups, selectRows } from './ipc-select.ts';
import { admitStream } from './message.ts';

const T = 1_764_000_000_000;

const gpu = fc.record({
  ts: fc.integer({ min: 0, max: 2 * T }), host: fc.string({ maxLength: 8 }), gpu_index: fc.integer({ min: 0, max: 7 }),
  gpu_uuid: fc.oneof(fc.constant(''), fc.string({ maxLength: 10 })), gpu_name: fc.constantFrom('H100', 'A100 ✓'),
  util_ratio: fc.option(fc.double(), { nil: null }), mem_util_ratio: fc.option(fc.double({ min: 0, max: 1 }), { nil: null }),
  mem_used_bytes: fc.double({ min: 0, max: 1e12, noNaN: true }), mem_total_bytes: fc.double({ min: 0, max: 1e12, noNaN: true }),
  power_w: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }), power_limit_w: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: null }),
  sm_clock_mhz: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }), mem_clock_mhz: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }),
  temp_c: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }), pcie_gen: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
  pcie_width: fc.option(fc.integer({ min: 1, max: 16 }), { nil: null }), throttle_reasons: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  ecc_uncorrected: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }), retired_pages_pending: fc.integer({ min: 0, max: 1 }),
}) as unknown as fc.Arbitrary<Row<'gpu_samples'>>;

describe('selectRows', () => {
  it('writes any subset of a batch\'s rows byte for byte as encoding those rows does (nulls, UTF-8, lists)', () => {
    fc.assert(fc.property(fc.array(gpu, { minLength: 1, maxLength: 30 }), fc.array(fc.nat()), (rows, picks) => {
      const bytes = encodeBatch('gpu_samples', rows);
      expect(admitStream('gpu_samples', bytes)).toBe(true);
      const subset = [...new Set(picks.map((p) => p % rows.length))].sort((a, b) => a - b);
      const pieces = selectRows('gpu_samples', bytes, rowRanges(subset));
      if (!pieces) throw new Error('not selected');
      expect(Buffer.concat(pieces).equals(Buffer.from(encodeBatch('gpu_samples', subset.map((i) => rows[i] as Row<'gpu_samples'>))))).toBe(true);
    }), { numRuns: 100 });
  });

  it('cuts several groups from one read of the stream, each as encoding its rows gives (a router\'s split by destination)', () => {
    fc.assert(fc.property(fc.array(gpu, { minLength: 1, maxLength: 30 }), fc.array(fc.nat({ max: 3 }), { minLength: 30, maxLength: 30 }), (rows, owner) => {
      const bytes = encodeBatch('gpu_samples', rows);
      expect(admitStream('gpu_samples', bytes)).toBe(true);
      const groups = [0, 1, 2, 3].map((g) => rows.map((_, i) => i).filter((i) => owner[i] === g)).filter((g) => g.length > 0);
      const cut = selectGroups('gpu_samples', bytes, groups.map(rowRanges));
      if (!cut) throw new Error('not selected');
      expect(cut.map((pieces) => Buffer.concat(pieces).toString('base64'))).toEqual(groups.map((g) => Buffer.from(encodeBatch('gpu_samples', g.map((i) => rows[i] as Row<'gpu_samples'>))).toString('base64')));
    }), { numRuns: 60 });
  });

  it('refuses a range outside the batch', () => {
    const bytes = encodeBatch('gpu_samples', fc.sample(gpu, 3));
    expect(admitStream('gpu_samples', bytes)).toBe(true);
    expect(selectRows('gpu_samples', bytes, [[2, 2]])).toBeNull();
    expect(selectRows('gpu_samples', bytes, [[-1, 1]])).toBeNull();
    expect(selectRows('gpu_samples', bytes, [[1, 2]])).not.toBeNull();
  });

  it('groups sorted rows into runs of consecutive rows', () => {
    expect(rowRanges([])).toEqual([]);
    expect(rowRanges([0, 1, 2, 5, 7, 8])).toEqual([[0, 3], [5, 1], [7, 2]]);
  });
});
