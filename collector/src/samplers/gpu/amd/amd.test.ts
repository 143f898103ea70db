import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAmdSmiMetricJson } from './amd-smi.ts';
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

describe('amd-smi metric --json parsing (hand-written in the documented shapes)', () => {
  it('reads the gpu_data wrapper with value/unit pairs; MB is MiB; hotspot when edge is N/A', () => {
    const [g0, g1] = parseAmdSmiMetricJson(golden('amd-smi-metric.mi300x.json'));
    expect(g0).toMatchObject({
      gpu_index: 0, gpu_uuid: 'gpu0', gpu_name: '', util_ratio: 1, mem_util_ratio: 0.64, power_w: 718, temp_c: 71,
      mem_used_bytes: 182811 * 2 ** 20, mem_total_bytes: 196592 * 2 ** 20,
    });
    expect(g1).toMatchObject({ gpu_index: 1, util_ratio: null, power_w: null, mem_used_bytes: null, temp_c: 38 });
  });

  it('reads the bare array of bare numbers of early releases, sorted by index', () => {
    const rows = parseAmdSmiMetricJson(golden('amd-smi-metric.rocm61-list.json'));
    expect(rows.map((r) => [r.gpu_index, r.util_ratio, r.power_w, r.temp_c, r.mem_used_bytes])).toEqual([
      [0, 0.88, 402, 52, 48113 * 2 ** 20], [1, 0, 93, 34, 10 * 2 ** 20],
    ]);
  });

  it('gives nothing for truncated, empty or foreign output, and null for a unit it does not know', () => {
    expect(parseAmdSmiMetricJson(golden('amd-smi-metric.truncated.json'))).toEqual([]);
    expect(parseAmdSmiMetricJson('')).toEqual([]);
    expect(parseAmdSmiMetricJson('{"gpu_data": "N/A"}')).toEqual([]);
    expect(parseAmdSmiMetricJson('[{"gpu": "x"}, 5, null]')).toEqual([]);
    expect(parseAmdSmiMetricJson('[{"gpu": 0, "power": {"socket_power": {"value": 5, "unit": "mW"}}}]')[0]?.power_w).toBeNull();
  });
});
