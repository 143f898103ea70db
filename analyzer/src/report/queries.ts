import { type Finding, type Row, catalog } from '@runlens/schemas';
import type { Store } from '@runlens/pipeline';

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

/** The analyzer's findings for a run, as stored (newest version of each). */
export async function loadStoredFindings(store: Store, runId: string): Promise<Finding[]> {
  const rows = await store.query<Omit<Finding, 'evidence'> & { evidence: string }>(
    `SELECT finding_id, run_id, kind, severity, scope, scope_id, host, ${store.sql.ms('start_ts')} AS start_ts,
            ${store.sql.ms('end_ts')} AS end_ts, confidence, message, advice, evidence, phase
     FROM findings FINAL WHERE run_id = {run_id:String}`, { run_id: runId });
  return rows.map((r) => ({ ...r, start_ts: Number(r.start_ts), end_ts: Number(r.end_ts), evidence: JSON.parse(r.evidence) as Finding['evidence'] }));
}
