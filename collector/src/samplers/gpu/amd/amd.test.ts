import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRocmSmiJson } from './parse.ts';

const golden = (p: string): string => readFileSync(join(import.meta.dirname, 'testdata', p), 'utf8');

describe('rocm-smi --json parsing (hand-written in the documented label format)', () => {
  it('converts an MI250X pair to ratios, bytes, watts and °C', () => {
    const [g0, g1] = parseRocmSmiJson(golden('rocm-smi.mi250x.json'));
    expect(g0).toMatchObject({
      gpu_index: 0, gpu_uuid: '0x5a2e1b9c7d3f4e61', gpu_name: 'AMD INSTINCT MI250X', util_ratio: 0.97, mem_util_ratio: 0.38,
      mem_used_bytes: 42597842944, mem_total_bytes: 68702699520, power_w: 361, temp_c: 41,
      sm_clock_mhz: null, throttle_reasons: [], ecc_uncorrected: null,
    });
    expect(g1).toMatchObject({ gpu_index: 1, util_ratio: 0, power_w: null, mem_used_bytes: 11317248 });
  });

  it('skips a warning before the JSON and falls back to newer labels (MI300X)', () => {
    expect(parseRocmSmiJson(golden('rocm-smi.mi300x.json'))).toEqual([expect.objectContaining({
      gpu_index: 0, gpu_uuid: '0000:0C:00.0', gpu_name: 'AMD Instinct MI300X OAM', util_ratio: 1, mem_util_ratio: 0.71,
      power_w: 721, temp_c: 58, mem_total_bytes: 205822885888,
    })]);
  });

  it('maps N/A to null, never to 0, and ignores non-card keys', () => {
    const rows = parseRocmSmiJson(golden('rocm-smi.na.json'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ gpu_index: 3, gpu_uuid: '0000:83:00.0', gpu_name: 'gfx90a', util_ratio: null, mem_used_bytes: null, power_w: null, temp_c: null });
  });

  it('gives nothing for truncated, empty or foreign output', () => {
    expect(parseRocmSmiJson(golden('rocm-smi.truncated.json'))).toEqual([]);
    expect(parseRocmSmiJson('')).toEqual([]);
    expect(parseRocmSmiJson('[1,2]')).toEqual([]);
    expect(parseRocmSmiJson('ERROR: No AMD GPUs specified')).toEqual([]);
    expect(parseRocmSmiJson('{"card0": {"GPU use (%)": "250"}}')[0]?.util_ratio).toBeNull();
  });
});
