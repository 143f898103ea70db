import type { Store } from '../store/store.ts';
import { numOrNull } from './columns.ts';

/*
 * What a scheduler job used, per host and per GPU (`runlens job JOBID`): integrated from the
 * run's 1 Hz samples, the way seff/jobstats integrate Slurm's accounting.
 */

/** The run id of a scheduler job: the newest run recorded with that job id, or null. */
export async function runIdOfJob(store: Store, jobId: string): Promise<string | null> {
  const rows = await store.query<{ run_id: string }>(
    'SELECT run_id FROM runs FINAL WHERE job_id = {job_id:String} ORDER BY start_ts DESC LIMIT 1', { job_id: jobId });
  return rows[0]?.run_id ?? null;
}

export interface HostUsage {
  host: string;
  /** CPU seconds (user + system) of the run's processes on this host. */
  cpu_s: number;
  /** Seconds between the first and the last sample here, plus one interval. */
  sampled_s: number;
  /** Peak of the summed RSS of the run's processes at one tick. */
  peak_rss_bytes: number;
  /** Peak memory of the job's cgroup here (page cache included), where one was sampled. */
  peak_cgroup_bytes: number | null;
  read_bytes: number | null;
  write_bytes: number | null;
}

/** One row per host the run's processes were sampled on, in host order. */
export async function hostUsage(store: Store, runId: string): Promise<HostUsage[]> {
  const procs = await store.query<Record<string, unknown>>(
    `SELECT host, sum(cpu_s) AS cpu_s, max(rss) AS peak_rss_bytes, sum(rd) AS read_bytes, sum(wr) AS write_bytes,
            (max(t) - min(t)) / 1000 + max(iv) AS sampled_s
     FROM (SELECT host, ${store.sql.ms('ts')} AS t, sum((cpu_user_cores + cpu_sys_cores) * interval_s) AS cpu_s, sum(rss_bytes) AS rss,
                  sum(read_bytes_per_s * interval_s) AS rd, sum(write_bytes_per_s * interval_s) AS wr, max(interval_s) AS iv
           FROM process_samples FINAL WHERE run_id = {run_id:String} GROUP BY host, ts)
     GROUP BY host ORDER BY host`, { run_id: runId });
  const cg = await store.query<{ host: string; peak: unknown }>(
    'SELECT host, max(mem_usage_bytes) AS peak FROM cgroup_samples FINAL WHERE run_id = {run_id:String} GROUP BY host', { run_id: runId });
  const peakByHost = new Map(cg.map((r) => [r.host, numOrNull(r.peak)]));
  return procs.map((r) => ({
    host: String(r.host), cpu_s: Number(r.cpu_s), sampled_s: Number(r.sampled_s), peak_rss_bytes: Number(r.peak_rss_bytes),
    peak_cgroup_bytes: peakByHost.get(String(r.host)) ?? null, read_bytes: numOrNull(r.read_bytes), write_bytes: numOrNull(r.write_bytes),
  }));
}

export interface GpuUsage {
  host: string;
  gpu_uuid: string;
  /** Mean utilisation of the GPU while the run had processes on it (0-1), null when not sampled. */
  util_mean: number | null;
  /** Peak GPU memory of the run's processes on it. */
  mem_peak_bytes: number | null;
}

/** One row per GPU the run's processes used. */
export async function gpuUsage(store: Store, runId: string): Promise<GpuUsage[]> {
  const used = await store.query<Record<string, unknown>>(
    `SELECT host, gpu_uuid, max(used_mem_bytes) AS mem_peak_bytes, ${store.sql.ms('min(ts)')} AS from_ms, ${store.sql.ms('max(ts)')} AS to_ms
     FROM gpu_process_samples FINAL WHERE run_id = {run_id:String} GROUP BY host, gpu_uuid ORDER BY host, gpu_uuid`, { run_id: runId });
  const out: GpuUsage[] = [];
  for (const r of used) {
    const util = await store.query<{ u: unknown }>(
      `SELECT avg(util_ratio) AS u FROM gpu_samples FINAL
       WHERE host = {host:String} AND gpu_uuid = {uuid:String} AND ts BETWEEN ${store.sql.fromMs('from')} AND ${store.sql.fromMs('to')}`,
      { host: String(r.host), uuid: String(r.gpu_uuid), from: Number(r.from_ms), to: Number(r.to_ms) });
    out.push({ host: String(r.host), gpu_uuid: String(r.gpu_uuid), util_mean: numOrNull(util[0]?.u), mem_peak_bytes: numOrNull(r.mem_peak_bytes) });
  }
  return out;
}
