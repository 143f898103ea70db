import type { Row } from '@runlens/schemas';

/**
 * A plausible node_samples row. `i` is seconds after `base`: keep (host, i) unique when a test
 * counts rows through FINAL. The default base is an hour ago, inside every table's TTL.
 */
export function nodeSampleRow(host: string, i: number, base = Date.now() - 3_600_000): Row<'node_samples'> {
  return {
    ts: base + i * 1000, host, interval_s: 1, cpu_user_cores: i % 2, cpu_system_cores: 0.1, cpu_iowait_cores: 0,
    cpu_irq_cores: 0, cpu_steal_cores: 0, cpu_idle_cores: 1, online_cpus: 2, mem_total_bytes: 2 ** 34, mem_available_bytes: 2 ** 33,
    mem_cached_bytes: 0, swap_used_bytes: 0, load1: 0.5, procs_running: 1, procs_blocked: 0, ctxsw_per_s: 100,
    psi_cpu_some: null, psi_io_some: 0.01, psi_io_full: null, psi_memory_some: null, psi_memory_full: null,
  };
}
