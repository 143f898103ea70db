import type { Store } from '@runlens/pipeline';
import type { RunReport } from '@runlens/schemas';
import { commandFingerprint } from '../model/fingerprint.ts';

/** How this run compares with the app model at its fingerprint (newest model row, any scale). */
export async function loadBaseline(
  store: Store, app: string, cmd: string, runId: string, wallS: number, efficiency: number,
): Promise<RunReport['baseline']> {
  const rows = await store.query<{ runs: number; wall: number | null; eff: number | null }>(
    `SELECT count() AS runs, median(wall_s) AS wall, median(cpu_efficiency) AS eff
     FROM (SELECT wall_s, cpu_efficiency FROM run_summaries FINAL
           WHERE app = {app:String} AND fingerprint = {fp:String} AND run_id != {run_id:String}
           ORDER BY updated_ts DESC LIMIT 50)`, { app, fp: commandFingerprint(cmd), run_id: runId });
  const r = rows[0];
  const runs = Number(r?.runs ?? 0);
  if (runs === 0 || r?.wall === null || r?.wall === undefined) {
    return { app, runs: 0, wall_s_median: null, cpu_efficiency_median: null, verdict: 'first run of this app: no baseline yet' };
  }
  const ratio = wallS / Number(r.wall);
  const verdict = ratio > 1.2 ? `${Math.round((ratio - 1) * 100)}% slower than the median of ${runs} earlier runs`
    : ratio < 0.8 ? `${Math.round((1 - ratio) * 100)}% faster than the median of ${runs} earlier runs`
      : `within 20% of the median of ${runs} earlier runs`;
  return { app, runs, wall_s_median: Number(r.wall), cpu_efficiency_median: r.eff === null ? null : Number(r.eff), verdict: `${verdict} (efficiency ${Math.round(efficiency * 100)}%)` };
}
