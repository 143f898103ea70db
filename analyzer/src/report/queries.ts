import { type Row, catalog } from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';
import type { NodeTick, RunTick } from '../window/run-window.ts';

/** Every read the report needs; all parameterised. Timestamps come back as epoch ms. */
type RunRow = Omit<Row<'runs'>, 'start_ts' | 'end_ts' | 'updated_ts'> & { start_ms: number; end_ms: number | null };

const RUN_COLUMNS = Object.keys(catalog.runs.columns).filter((c) => !c.endsWith('_ts'));

export async function loadRun(store: Store, runId: string): Promise<RunRow | null> {
  const { ms } = store.sql;
  const rows = await store.query<RunRow>(
    `SELECT ${RUN_COLUMNS.join(', ')}, ${ms('start_ts')} AS start_ms,
            if(isNull(end_ts), NULL, ${ms('assumeNotNull(end_ts)')}) AS end_ms
     FROM runs FINAL WHERE run_id = {run_id:String} LIMIT 1`, { run_id: runId });
  const r = rows[0];
  return r ? { ...r, start_ms: Number(r.start_ms), end_ms: r.end_ms === null ? null : Number(r.end_ms) } : null;
}

export async function loadRunTicks(store: Store, runId: string, allocCores: number): Promise<RunTick[]> {
  // Output aliases differ from column names: ClickHouse aliases are visible in the whole query.
  const rows = await store.query<Record<string, number | string>>(
    // Amounts over the tick interval, not sums of rates: a process born mid-tick has a short
    // interval_s, and its rate must count only for the part of the tick it lived.
    `SELECT ${store.sql.ms('ts')} AS t_ms, max(interval_s) AS tick_s,
            sum((cpu_user_cores + cpu_sys_cores) * interval_s) / tick_s AS cpu,
            sumIf((cpu_user_cores + cpu_sys_cores) * interval_s,
                  cpu_user_cores + cpu_sys_cores + run_delay_cores >= 0.85 * least(toFloat64(threads), {alloc:Float64})) / tick_s AS pegged,
            sum(run_delay_cores * interval_s) / tick_s AS delay, sum(rss_bytes) AS rss,
            sum((ifNull(read_bytes_per_s, 0) + ifNull(write_bytes_per_s, 0)) * interval_s) / tick_s AS storage,
            sum((ifNull(rchar_per_s, 0) + ifNull(wchar_per_s, 0)) * interval_s) / tick_s AS sysio,
            count() AS n_procs, countIf(state = 'D') AS n_d, sum(threads) AS n_threads
     FROM process_samples FINAL WHERE run_id = {run_id:String}
     GROUP BY t_ms ORDER BY t_ms`, { run_id: runId, alloc: allocCores });
  return rows.map((r) => ({
    ts: Number(r.t_ms), cpu_cores: Number(r.cpu), pegged_cpu_cores: Number(r.pegged), run_delay_cores: Number(r.delay),
    rss_bytes: Number(r.rss), storage_bytes_per_s: Number(r.storage), syscall_bytes_per_s: Number(r.sysio),
    procs: Number(r.n_procs), d_state_procs: Number(r.n_d), threads: Number(r.n_threads),
  }));
}

export async function loadNodeTicks(store: Store, hosts: readonly string[], startMs: number, endMs: number): Promise<NodeTick[]> {
  const rows = await store.query<{ t_ms: number; iowait_cores: number; psi_io_some: number | null; psi_memory_some: number | null }>(
    `SELECT ${store.sql.ms('ts')} AS t_ms, cpu_iowait_cores AS iowait_cores, psi_io_some, psi_memory_some
     FROM node_samples FINAL
     WHERE has({hosts:Array(String)}, host) AND ts BETWEEN ${store.sql.fromMs('start')} AND ${store.sql.fromMs('end')}
     ORDER BY t_ms`, { hosts: [...hosts], start: startMs - 2000, end: endMs + 2000 });
  return rows.map((r) => ({ ts: Number(r.t_ms), iowait_cores: Number(r.iowait_cores), psi_io_some: r.psi_io_some, psi_memory_some: r.psi_memory_some }));
}

export interface ProcessTotals {
  pid: number; comm: string; host: string; rank: number | null; cpu_s: number; peak_rss_bytes: number;
  read_bytes: number | null; write_bytes: number | null;
}

export async function loadTopProcesses(store: Store, runId: string, limit: number): Promise<ProcessTotals[]> {
  return store.query<ProcessTotals>(
    `SELECT pid, any(comm) AS comm, host, any(rank) AS rank,
            sum((cpu_user_cores + cpu_sys_cores) * interval_s) AS cpu_s, max(hwm_bytes) AS peak_rss_bytes,
            sum(read_bytes_per_s * interval_s) AS read_bytes, sum(write_bytes_per_s * interval_s) AS write_bytes
     FROM process_samples FINAL WHERE run_id = {run_id:String}
     GROUP BY host, pid, start_ticks ORDER BY cpu_s DESC, peak_rss_bytes DESC LIMIT {limit:UInt32}`, { run_id: runId, limit });
}

export interface SampleTotals {
  samples: number; processes: number; cpu_user_s: number; cpu_sys_s: number; read_bytes: number | null;
  write_bytes: number | null; rchar: number | null; wchar: number | null; peak_rss_bytes: number;
}

/** Totals integrated from samples: the fallback when kernel totals are unavailable. */
export async function loadSampleTotals(store: Store, runId: string): Promise<SampleTotals> {
  const rows = await store.query<SampleTotals>(
    `SELECT uniqExact(ts) AS samples, uniqExact(host, pid, start_ticks) AS processes,
            sum(cpu_user_cores * interval_s) AS cpu_user_s, sum(cpu_sys_cores * interval_s) AS cpu_sys_s,
            sum(read_bytes_per_s * interval_s) AS read_bytes, sum(write_bytes_per_s * interval_s) AS write_bytes,
            sum(rchar_per_s * interval_s) AS rchar, sum(wchar_per_s * interval_s) AS wchar,
            (SELECT max(s) FROM (SELECT sum(rss_bytes) AS s FROM process_samples FINAL WHERE run_id = {run_id:String} GROUP BY ts)) AS peak_rss_bytes
     FROM process_samples FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  const r = rows[0];
  if (!r) throw new Error('no totals row');
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Number(v)])) as unknown as SampleTotals;
}

export async function loadGpuSummary(store: Store, runId: string): Promise<{ gpus: number; util_mean: number | null; mem_peak_bytes: number | null } | null> {
  const rows = await store.query<{ gpus: number; mem_peak_bytes: number | null }>(
    `SELECT uniqExact(gpu_uuid) AS gpus, max(used_mem_bytes) AS mem_peak_bytes
     FROM gpu_process_samples FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  const r = rows[0];
  if (!r || Number(r.gpus) === 0) return null;
  const util = await store.query<{ u: number | null }>(
    `SELECT avg(util_ratio) AS u FROM gpu_samples FINAL
     WHERE gpu_uuid IN (SELECT gpu_uuid FROM gpu_process_samples WHERE run_id = {run_id:String})
       AND ts BETWEEN (SELECT min(ts) FROM gpu_process_samples WHERE run_id = {run_id:String})
                  AND (SELECT max(ts) FROM gpu_process_samples WHERE run_id = {run_id:String})`, { run_id: runId });
  return { gpus: Number(r.gpus), util_mean: util[0]?.u ?? null, mem_peak_bytes: r.mem_peak_bytes };
}

export async function loadMemTotal(store: Store, host: string): Promise<number | null> {
  const rows = await store.query<{ m: number }>(
    'SELECT mem_total_bytes AS m FROM node_profiles FINAL WHERE host = {host:String} LIMIT 1', { host });
  return rows[0] ? Number(rows[0].m) : null;
}
