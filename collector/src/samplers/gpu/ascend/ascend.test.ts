import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpuSmiInfo } from './parse.ts';

const golden = (p: string): string => readFileSync(join(import.meta.dirname, 'testdata', p), 'utf8');
const MIB = 2 ** 20;

describe('npu-smi info parsing (hand-written in the documented table format)', () => {
  it('reads two 910B3 chips from HBM, not from the empty Memory-Usage pair', () => {
    const rows = parseNpuSmiInfo(golden('npu-smi-info.910b3x2.txt'));
    expect(rows).toHaveLength(2); // the process table below is not read as devices
    expect(rows[0]).toMatchObject({
      gpu_index: 0, gpu_uuid: '0000:C1:00.0', gpu_name: 'Ascend 910B3', util_ratio: 0.96,
      mem_used_bytes: 58213 * MIB, mem_total_bytes: 65536 * MIB, power_w: 312.6, temp_c: 57, mem_util_ratio: null,
    });
    expect(rows[1]).toMatchObject({ gpu_index: 1, util_ratio: 0, mem_used_bytes: 3314 * MIB, power_w: 92 });
  });

  it('uses the Phy-ID column and maps "-" power to null (Ascend910, two chips per NPU)', () => {
    const rows = parseNpuSmiInfo(golden('npu-smi-info.ascend910-phyid.txt'));
    expect(rows.map((r) => [r.gpu_index, r.gpu_uuid, r.gpu_name, r.power_w, r.util_ratio])).toEqual([
      [0, '0000:9D:00.0', 'Ascend910', 178.9, 0.41],
      [1, '0000:9F:00.0', 'Ascend910', null, 0],
    ]);
  });

  it('falls back to Memory-Usage on a 310P card without HBM, NA power to null', () => {
    expect(parseNpuSmiInfo(golden('npu-smi-info.310p.txt'))).toEqual([expect.objectContaining({
      gpu_index: 0, gpu_name: 'Ascend 310P3', util_ratio: 0.12, mem_used_bytes: 1653 * MIB, mem_total_bytes: 21527 * MIB, power_w: null, temp_c: 42,
    })]);
  });

  it('keeps the whole chips of truncated output and gives nothing for empty or foreign text', () => {
    expect(parseNpuSmiInfo(golden('npu-smi-info.truncated.txt')).map((r) => r.gpu_uuid)).toEqual(['0000:C1:00.0']);
    expect(parseNpuSmiInfo('')).toEqual([]);
    expect(parseNpuSmiInfo('dcmi model initialized failed, because the device is used. ret is -8020\n')).toEqual([]);
    expect(parseNpuSmiInfo('| 0     910B3 | OK | 1 2 |\n| 0 | not-a-bus | 1 |\n')).toEqual([]);
  });
});
