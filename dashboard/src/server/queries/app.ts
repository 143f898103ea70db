import type { Store } from '@runlens/pipeline';
import type { AppRunPoint, Baseline } from '../../charts/app-charts.ts';
import { type Identity, canSeeAll } from '@runlens/schemas';

/** The app page: every visible run of one app, its baseline model and its regressions. */
export async function appRuns(store: Store, id: Identity, app: string): Promise<AppRunPoint[]> {
  const rows = await store.query<{ run_id: string; start_ms: string | number; end_ms: string | number | null; scale: number | string; regressed: number | string }>(
    `SELECT run_id, ${store.sql.ms('start_ts')} AS start_ms, if(isNull(end_ts), NULL, ${store.sql.ms('assumeNotNull(end_ts)')}) AS end_ms,
            alloc_cores * greatest(length(hosts), 1) AS scale,
            run_id IN (SELECT run_id FROM findings FINAL WHERE kind = 'regression') AS regressed
     FROM runs FINAL WHERE app = {app:String} AND ({all:Bool} OR user = {me:String}) ORDER BY start_ts LIMIT 2000`,
    { app, all: canSeeAll(id), me: id.user });
  return rows.map((r) => ({
    run_id: r.run_id, start_ms: Number(r.start_ms), scale: Number(r.scale), regressed: Number(r.regressed) === 1,
    wall_s: r.end_ms === null ? null : (Number(r.end_ms) - Number(r.start_ms)) / 1000,
  }));
}

export async function appBaseline(store: Store, app: string): Promise<(Baseline & { runs: number; cpu_efficiency_median: number }) | null> {
  const [m] = await store.query<{ runs: number; wall_s_median: number; wall_s_mad: number; cpu_efficiency_median: number }>(
    'SELECT runs, wall_s_median, wall_s_mad, cpu_efficiency_median FROM app_models FINAL WHERE app = {app:String}', { app });
  return m ? { runs: Number(m.runs), wall_s_median: Number(m.wall_s_median), wall_s_mad: Number(m.wall_s_mad), cpu_efficiency_median: Number(m.cpu_efficiency_median) } : null;
}

export interface RegressionRow { run_id: string; message: string; severity: string; start_ms: number }

export async function appRegressions(store: Store, id: Identity, app: string): Promise<RegressionRow[]> {
  const rows = await store.query<{ run_id: string; message: string; severity: string; start_ms: string | number }>(
    `SELECT f.run_id AS run_id, f.message AS message, f.severity AS severity, ${store.sql.ms('f.start_ts')} AS start_ms
     FROM findings AS f FINAL
     WHERE f.kind = 'regression' AND f.run_id IN (SELECT run_id FROM runs FINAL WHERE app = {app:String} AND ({all:Bool} OR user = {me:String}))
     ORDER BY f.start_ts DESC LIMIT 100`, { app, all: canSeeAll(id), me: id.user });
  return rows.map((r) => ({ ...r, start_ms: Number(r.start_ms) }));
}
