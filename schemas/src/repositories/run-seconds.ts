import type { Store } from '../store/store.ts';

/** One second of a run, all hosts and processes summed; amounts are per second. */
export interface RunSecond {
  ts: number; cpu_cores: number; user_cores: number; sys_cores: number; run_delay_cores: number; rss_bytes: number;
  storage_bytes_per_s: number; write_bytes_per_s: number; syscall_bytes_per_s: number; syscalls_per_s: number;
  invol_ctxsw_per_s: number; majflt_per_s: number; procs: number; d_state_procs: number; stopped_procs: number; threads: number;
}

/**
 * The run's seconds as one aggregate query: what the report needs for phases, without
 * replaying every process row. Amounts over each row's interval, as the streaming
 * aggregation does.
 */
export async function runSeconds(store: Store, runId: string): Promise<RunSecond[]> {
  const w = 'interval_s / greatest(interval_s, 1)';
  const rows = await store.query<Record<string, number | string>>(
    `SELECT intDiv(${store.sql.ms('ts')}, 1000) AS sec,
            sum((cpu_user_cores + cpu_sys_cores) * ${w}) AS cpu, sum(cpu_user_cores * ${w}) AS usr, sum(cpu_sys_cores * ${w}) AS sys_,
            sum(run_delay_cores * ${w}) AS delay, sum(rss_bytes) AS rss,
            sum((ifNull(read_bytes_per_s, 0) + ifNull(write_bytes_per_s, 0)) * ${w}) AS storage,
            sum(ifNull(write_bytes_per_s, 0) * ${w}) AS wr, sum((ifNull(rchar_per_s, 0) + ifNull(wchar_per_s, 0)) * ${w}) AS sysio,
            sum((ifNull(syscr_per_s, 0) + ifNull(syscw_per_s, 0)) * ${w}) AS calls, sum(invol_ctxsw_per_s * ${w}) AS invol,
            sum(majflt_per_s * ${w}) AS majflt,
            count() AS n, countIf(state = 'D') AS n_d, countIf(state = 'T') AS n_t, sum(threads) AS n_threads
     FROM process_samples FINAL WHERE run_id = {run_id:String}
     GROUP BY sec ORDER BY sec`, { run_id: runId });
  return rows.map((r) => ({
    ts: Number(r.sec) * 1000, cpu_cores: Number(r.cpu), user_cores: Number(r.usr), sys_cores: Number(r.sys_),
    run_delay_cores: Number(r.delay), rss_bytes: Number(r.rss), storage_bytes_per_s: Number(r.storage), write_bytes_per_s: Number(r.wr),
    syscall_bytes_per_s: Number(r.sysio), syscalls_per_s: Number(r.calls), invol_ctxsw_per_s: Number(r.invol), majflt_per_s: Number(r.majflt), procs: Number(r.n),
    d_state_procs: Number(r.n_d), stopped_procs: Number(r.n_t), threads: Number(r.n_threads),
  }));
}
