import type { Row } from '@runlens/schemas';
import type { RunTick } from '../window/run-window.ts';

type ProcessRow = Row<'process_samples'>;

/**
 * A process pegs its threads when on-CPU plus waiting-for-CPU nearly fills min(threads, cores).
 * Threads means busy threads where the collector counted them: idle helper threads (an MPI
 * rank's progress threads, a runtime's signal thread) can take no CPU and must not count.
 */
export const PEGGED_SHARE = 0.85;

function peggedThreads(r: ProcessRow, allocCores: number): number {
  return Math.min(Math.max(1, r.busy_threads ?? r.threads), r.threads, allocCores);
}

/**
 * One tick of a group of processes (a run on a host, a rank, or the host's background).
 * Amounts over the tick interval, not sums of rates: a process born mid-tick has a short
 * interval_s and counts only for the part of the tick it lived.
 */
export function aggregateTick(ts: number, rows: readonly ProcessRow[], allocCores: number): RunTick {
  const tick = Math.max(1e-3, ...rows.map((r) => r.interval_s));
  let cpu = 0; let user = 0; let sys = 0; let pegged = 0; let delay = 0; let rss = 0; let storage = 0; let write = 0;
  let sysBytes = 0; let calls = 0; let invol = 0; let d = 0; let stopped = 0; let threads = 0;
  for (const r of rows) {
    const w = r.interval_s / tick;
    const c = r.cpu_user_cores + r.cpu_sys_cores;
    cpu += c * w;
    user += r.cpu_user_cores * w;
    sys += r.cpu_sys_cores * w;
    if (c + r.run_delay_cores >= PEGGED_SHARE * peggedThreads(r, allocCores)) pegged += c * w;
    delay += r.run_delay_cores * w;
    rss += r.rss_bytes;
    storage += ((r.read_bytes_per_s ?? 0) + (r.write_bytes_per_s ?? 0)) * w;
    write += (r.write_bytes_per_s ?? 0) * w;
    sysBytes += ((r.rchar_per_s ?? 0) + (r.wchar_per_s ?? 0)) * w;
    calls += ((r.syscr_per_s ?? 0) + (r.syscw_per_s ?? 0)) * w;
    invol += r.invol_ctxsw_per_s * w;
    if (r.state === 'D') d++;
    if (r.state === 'T' || r.state === 't') stopped++;
    threads += r.threads;
  }
  return {
    ts, cpu_cores: cpu, user_cores: user, sys_cores: sys, pegged_cpu_cores: pegged, run_delay_cores: delay, rss_bytes: rss,
    storage_bytes_per_s: storage, write_bytes_per_s: write, syscall_bytes_per_s: sysBytes, syscalls_per_s: calls,
    invol_ctxsw_per_s: invol, procs: rows.length, d_state_procs: d, stopped_procs: stopped, threads,
  };
}

/** Sums ticks of several hosts or ranks that fall in the same second. */
export function mergeBySecond(series: readonly (readonly RunTick[])[]): RunTick[] {
  const buckets = new Map<number, RunTick[]>();
  for (const s of series) for (const t of s) {
    const k = Math.round(t.ts / 1000);
    const list = buckets.get(k);
    if (list) list.push(t);
    else buckets.set(k, [t]);
  }
  return [...buckets.entries()].sort(([a], [b]) => a - b).map(([k, ts]) => sumTicks(k * 1000, ts));
}

function sumTicks(ts: number, ticks: readonly RunTick[]): RunTick {
  const sum = (f: (t: RunTick) => number): number => ticks.reduce((a, t) => a + f(t), 0);
  return {
    ts, cpu_cores: sum((t) => t.cpu_cores), user_cores: sum((t) => t.user_cores), sys_cores: sum((t) => t.sys_cores),
    pegged_cpu_cores: sum((t) => t.pegged_cpu_cores), run_delay_cores: sum((t) => t.run_delay_cores), rss_bytes: sum((t) => t.rss_bytes),
    storage_bytes_per_s: sum((t) => t.storage_bytes_per_s), write_bytes_per_s: sum((t) => t.write_bytes_per_s),
    syscall_bytes_per_s: sum((t) => t.syscall_bytes_per_s), syscalls_per_s: sum((t) => t.syscalls_per_s),
    invol_ctxsw_per_s: sum((t) => t.invol_ctxsw_per_s), procs: sum((t) => t.procs), d_state_procs: sum((t) => t.d_state_procs),
    stopped_procs: sum((t) => t.stopped_procs), threads: sum((t) => t.threads),
  };
}
