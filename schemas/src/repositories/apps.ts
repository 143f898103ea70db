import type { Identity } from '../auth.ts';
import type { Store } from '../store/store.ts';
import { VISIBLE_RUNS, msOrNull, visibility } from './columns.ts';

/** The app page: every run of one app the identity may see, and its regressions. */

export interface AppRun { run_id: string; start_ms: number; wall_s: number | null; scale: number; regressed: boolean }

export async function appRuns(store: Store, id: Identity, app: string): Promise<AppRun[]> {
  const rows = await store.query<{ run_id: string; start_ms: string | number; end_ms: string | number | null; scale: number | string; regressed: number | string }>(
    `SELECT run_id, ${store.sql.ms('start_ts')} AS start_ms, ${msOrNull(store, 'end_ts')} AS end_ms,
            alloc_cores * greatest(length(hosts), 1) AS scale,
            run_id IN (SELECT run_id FROM findings FINAL WHERE kind = 'regression') AS regressed
     FROM runs FINAL WHERE app = {app:String} AND ${VISIBLE_RUNS} ORDER BY start_ts LIMIT 2000`,
    { app, ...visibility(id) });
  return rows.map((r) => ({
    run_id: r.run_id, start_ms: Number(r.start_ms), scale: Number(r.scale), regressed: Number(r.regressed) === 1,
    wall_s: r.end_ms === null ? null : (Number(r.end_ms) - Number(r.start_ms)) / 1000,
  }));
}

export interface AppRegression { run_id: string; message: string; severity: string; start_ms: number }

export async function appRegressions(store: Store, id: Identity, app: string): Promise<AppRegression[]> {
  const rows = await store.query<{ run_id: string; message: string; severity: string; start_ms: string | number }>(
    `SELECT f.run_id AS run_id, f.message AS message, f.severity AS severity, ${store.sql.ms('f.start_ts')} AS start_ms
     FROM findings AS f FINAL
     WHERE f.kind = 'regression' AND f.run_id IN (SELECT run_id FROM runs FINAL WHERE app = {app:String} AND ${VISIBLE_RUNS})
     ORDER BY f.start_ts DESC LIMIT 100`, { app, ...visibility(id) });
  return rows.map((r) => ({ ...r, start_ms: Number(r.start_ms) }));
}
