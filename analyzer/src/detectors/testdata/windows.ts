import type { NodeTick, RunTick, RunWindow } from '../../window/run-window.ts';

/* Test support: synthetic run windows, one tick per second unless told otherwise. */

export const T0 = 1_700_000_000_000;
export const MB = 1_000_000;

export const QUIET: Omit<RunTick, 'ts'> = {
  cpu_cores: 0, user_cores: 0, sys_cores: 0, pegged_cpu_cores: 0, run_delay_cores: 0, rss_bytes: 100 * MB, storage_bytes_per_s: 0,
  write_bytes_per_s: 0, syscall_bytes_per_s: 0, syscalls_per_s: 0, invol_ctxsw_per_s: 0, majflt_per_s: 0, procs: 1, d_state_procs: 0,
  stopped_procs: 0, threads: 1,
};

export interface WindowSpec {
  readonly n: number;
  readonly tick: (i: number) => Partial<RunTick>;
  readonly node?: (i: number) => Partial<NodeTick>;
  readonly alloc_cores?: number;
  readonly mem_total_bytes?: number | null;
  readonly every_ms?: number;
}

export function makeWindow(spec: WindowSpec): RunWindow {
  const every = spec.every_ms ?? 1000;
  const ts = (i: number): number => T0 + i * every;
  return {
    run_id: 'r1', host: 'h1', alloc_cores: spec.alloc_cores ?? 1, mem_total_bytes: spec.mem_total_bytes ?? null,
    ticks: Array.from({ length: spec.n }, (_, i) => ({ ...QUIET, ...spec.tick(i), ts: ts(i) })),
    node: spec.node
      ? Array.from({ length: spec.n }, (_, i) => ({ iowait_cores: 0, psi_io_some: 0, psi_memory_some: 0, ...spec.node?.(i), ts: ts(i) }))
      : [],
  };
}
