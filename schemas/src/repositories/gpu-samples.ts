import type { Store } from '../store/store.ts';

export interface GpuSummary { gpus: number; util_mean: number | null; mem_peak_bytes: number | null }

/** The GPUs a run used: how many, their mean utilisation while it used them, and its peak GPU memory. */
export async function gpuSummary(store: Store, runId: string): Promise<GpuSummary | null> {
  const rows = await store.query<{ gpus: number | string; mem_peak_bytes: number | string | null }>(
    `SELECT uniqExact(gpu_uuid) AS gpus, max(used_mem_bytes) AS mem_peak_bytes
     FROM gpu_process_samples FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  const r = rows[0];
  if (!r || Number(r.gpus) === 0) return null;
  const util = await store.query<{ u: number | null }>(
    `SELECT avg(util_ratio) AS u FROM gpu_samples FINAL
     WHERE gpu_uuid IN (SELECT gpu_uuid FROM gpu_process_samples WHERE run_id = {run_id:String})
       AND ts BETWEEN (SELECT min(ts) FROM gpu_process_samples WHERE run_id = {run_id:String})
                  AND (SELECT max(ts) FROM gpu_process_samples WHERE run_id = {run_id:String})`, { run_id: runId });
  return { gpus: Number(r.gpus), util_mean: util[0]?.u ?? null, mem_peak_bytes: r.mem_peak_bytes === null ? null : Number(r.mem_peak_bytes) };
}
