import type { GpuReading } from './parse.ts';

/**
 * One accelerator vendor polled once per tick: a CLI, its arguments, and a pure parser from its
 * stdout to the common `gpu_samples` fields. NVIDIA is not one of these: it keeps its own
 * long-running `nvidia-smi -lms` stream (stream.ts) and per-process query.
 */
export interface PolledAccelerator {
  /** Stable snake_case id, also the config key of the binary (`rocm_smi`, `npu_smi`). */
  readonly id: string;
  readonly args: readonly string[];
  /** Never throws; empty, truncated or foreign output gives no readings. */
  parse(stdout: string): GpuReading[];
}

/** A reading with only identity filled in; each vendor parser sets what its CLI reports. */
export function blankReading(gpu_index: number, gpu_uuid: string, gpu_name: string): GpuReading {
  return {
    gpu_index, gpu_uuid, gpu_name, util_ratio: null, mem_util_ratio: null, mem_used_bytes: null,
    mem_total_bytes: null, power_w: null, power_limit_w: null, sm_clock_mhz: null, mem_clock_mhz: null,
    temp_c: null, pcie_gen: null, pcie_width: null, throttle_reasons: [], ecc_uncorrected: null,
    retired_pages_pending: null,
  };
}

/** Percent in 0-100 to a 0-1 ratio; out-of-range values are treated as unknown, not clamped. */
export function percentToRatio(v: number | null): number | null {
  return v === null || v < 0 || v > 100 ? null : v / 100;
}
