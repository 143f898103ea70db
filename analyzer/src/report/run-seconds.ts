import type { Store } from '@runlens/pipeline';
import type { RunTick } from '../window/run-window.ts';

/**
 * The run's ticks as one aggregate query (all hosts summed per second): what the report
 * needs for phases, without replaying every process row. Amounts over each row's interval,
 * as the streaming aggregation does.
 */
export async function loadRunSeconds(store: Store, runId: string): Promise<RunTick[]> {
  const w = 'interval_s / greatest(interval_s, 1)';
  const rows = await store.query<Record<string, number | string>>(
    `SELECT intDiv(${store.sql.ms('ts')}, 1000) AS sec,
            sum((cpu_user_cores + cpu_sys_cores) * ${w}) AS cpu, sum(cpu_user_cores * ${w}) AS usr, sum(cpu_sys_cores * ${w}) AS sys_,
            sum(run_delay_cores * ${w}) AS delay, sum(rss_bytes) AS rss,
            sum((ifNull(read_bytes_per_s, 0) + ifNull(write_bytes_per_s, 0)) * ${w}) AS storage,
            sum(ifNull(write_bytes_per_s, 0) * ${w}) AS wr, sum((ifNull(rchar_per_s, 0) + ifNull(wchar_per_s, 0)) * ${w}) AS sysio,
            sum((ifNull(syscr_per_s, 0) + ifNull(syscw_per_s, 0)) * ${w}) AS calls, sum(invol_ctxsw_per_s * ${w}) AS invol,
            count() AS n, countIf(state = 'D') AS n_d, countIf(state = 'T') AS n_t, sum(threads) AS n_threads
     FROM process_samples FINAL WHERE run_id = {run_id:String}
     GROUP BY sec ORDER BY sec`, { run_id: runId });
  return rows.map((r) => ({
    ts: Number(r.sec) * 1000, cpu_cores: Number(r.cpu), user_cores: Number(r.usr), sys_cores: Number(r.sys_), pegged_cpu_cores: 0,
    run_delay_cores: Number(r.delay), rss_bytes: Number(r.rss), storage_bytes_per_s: Number(r.storage), write_bytes_per_s: Number(r.wr),
    syscall_bytes_per_s: Number(r.sysio), syscalls_per_s: Number(r.calls), invol_ctxsw_per_s: Number(r.invol), procs: Number(r.n),
    d_state_procs: Number(r.n_d), stopped_procs: Number(r.n_t), threads: Number(r.n_threads),
  }));
}

/** Hosts of the run whose profile says there are no hardware performance counters. */
export async function hostsWithoutPmu(store: Store, hosts: readonly string[]): Promise<string[]> {
  const rows = await store.query<{ host: string }>(
    'SELECT host FROM node_profiles FINAL WHERE has({hosts:Array(String)}, host) AND pmu_available = 0', { hosts: [...hosts] });
  return rows.map((r) => r.host);
}
