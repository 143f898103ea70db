import type { Row } from '@runlens/schemas';

/**
 * A plausible cgroup_samples row of a run. `i` is seconds after `base`: keep (host, run_id, i)
 * unique when a test counts rows through FINAL. The default base is an hour ago, inside the TTL.
 */
export function cgroupSampleRow(host: string, runId: string, i: number, base = Date.now() - 3_600_000): Row<'cgroup_samples'> {
  return {
    ts: base + i * 1000, host, run_id: runId, cgroup: `/slurm/${runId}`, version: 1, interval_s: 1, cpu_usage_cores: 0.5,
    cpu_throttled_ratio: null, cpu_quota_cores: null, mem_usage_bytes: 2 ** 28, mem_limit_bytes: null,
    io_read_bytes_per_s: 0, io_write_bytes_per_s: 1024,
  };
}
