import type { Store } from '../store/store.ts';
import { numOrNull } from './columns.ts';

/** Totals of a run integrated from its process samples (amount = rate × the row's interval). */

export interface ProcessTotals {
  pid: number; comm: string; host: string; rank: number | null; cpu_s: number; peak_rss_bytes: number;
  read_bytes: number | null; write_bytes: number | null;
}

/** The run's processes that used the most CPU (then memory). */
export async function topProcesses(store: Store, runId: string, limit: number): Promise<ProcessTotals[]> {
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
export async function sampleTotals(store: Store, runId: string): Promise<SampleTotals> {
  const rows = await store.query<Record<keyof SampleTotals, unknown>>(
    `SELECT uniqExact(ts) AS samples, uniqExact(host, pid, start_ticks) AS processes,
            sum(cpu_user_cores * interval_s) AS cpu_user_s, sum(cpu_sys_cores * interval_s) AS cpu_sys_s,
            sum(read_bytes_per_s * interval_s) AS read_bytes, sum(write_bytes_per_s * interval_s) AS write_bytes,
            sum(rchar_per_s * interval_s) AS rchar, sum(wchar_per_s * interval_s) AS wchar,
            (SELECT max(s) FROM (SELECT sum(rss_bytes) AS s FROM process_samples FINAL WHERE run_id = {run_id:String} GROUP BY ts)) AS peak_rss_bytes
     FROM process_samples FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  const r = rows[0];
  if (!r) throw new Error('no totals row');
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, numOrNull(v)])) as unknown as SampleTotals;
}

export interface RankTotals { rank: number; host: string; cpu_s: number; peak_rss_bytes: number; io_bytes: number }

/** Per-rank (or per-host, without ranks: rank -1) totals from the 1 Hz samples. */
export async function rankTotals(store: Store, runId: string): Promise<RankTotals[]> {
  const rows = await store.query<Record<Exclude<keyof RankTotals, 'rank'> | 'rank_id', string | number>>(
    `SELECT ifNull(rank, -1) AS rank_id, host, sum((cpu_user_cores + cpu_sys_cores) * interval_s) AS cpu_s,
            max(rss_bytes) AS peak_rss_bytes, sum((read_bytes_per_s + write_bytes_per_s) * interval_s) AS io_bytes
     FROM process_samples FINAL WHERE run_id = {run_id:String} GROUP BY rank_id, host ORDER BY rank_id, host`, { run_id: runId });
  return rows.map((r) => ({ rank: Number(r.rank_id), host: String(r.host), cpu_s: Number(r.cpu_s), peak_rss_bytes: Number(r.peak_rss_bytes), io_bytes: Number(r.io_bytes) }));
}
