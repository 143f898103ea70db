import type { Store } from '@runlens/pipeline';
import type { Row } from '@runlens/schemas';

export type SummaryRow = Row<'run_summaries'>;

const COLUMNS = 'run_id, app, fingerprint, scale_cores, hosts, wall_s, cpu_s, cpu_efficiency, cpu_cores_mean, storage_bytes_per_s_mean, peak_rss_bytes, read_bytes, write_bytes, gpu_util_mean, phase_profile, finding_kinds';

/** Earlier finished runs of the same app and command fingerprint, newest first (all scales). */
export async function loadHistory(store: Store, app: string, fingerprint: string, excludeRun: string, limit = 200): Promise<SummaryRow[]> {
  const rows = await store.query<SummaryRow>(
    `SELECT ${COLUMNS}, ${store.sql.ms('updated_ts')} AS updated_ts FROM run_summaries FINAL
     WHERE app = {app:String} AND fingerprint = {fp:String} AND run_id != {run:String}
     ORDER BY updated_ts DESC LIMIT {limit:UInt32}`, { app, fp: fingerprint, run: excludeRun, limit });
  return rows.map((r) => ({ ...r, updated_ts: Number(r.updated_ts), wall_s: Number(r.wall_s), scale_cores: Number(r.scale_cores), cpu_cores_mean: Number(r.cpu_cores_mean) }));
}
