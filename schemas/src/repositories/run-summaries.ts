import type { Identity } from '../auth.ts';
import type { Row } from '../catalog/index.ts';
import type { QueryParam, Store } from '../store/store.ts';
import { VISIBLE_RUNS, visibility, withCatalogNumbers } from './columns.ts';

export type SummaryRow = Row<'run_summaries'>;

/** Which earlier runs form a baseline. */
export interface BaselineScope {
  readonly app: string;
  /** Command fingerprint; '' takes every fingerprint of the app (the app page). */
  readonly fingerprint: string;
  /** The run being judged, never part of its own baseline ('' for none). */
  readonly exclude_run: string;
  /**
   * Only runs that ended strictly before this time (epoch ms) count. A report passes its run's
   * end, so runs that finish later never change what it says.
   */
  readonly ended_before_ms: number;
  /** Only runs this identity may see; omitted, every run (the analyzer judges for everyone). */
  readonly visible_to?: Identity;
}

const SUMMARY_COLUMNS = 'run_id, app, fingerprint, scale_cores, hosts, node_type, wall_s, cpu_s, cpu_efficiency, cpu_cores_mean, storage_bytes_per_s_mean, peak_rss_bytes, read_bytes, write_bytes, gpu_util_mean, phase_profile, finding_kinds';

/**
 * THE baseline: summaries of the app's finished runs (at the fingerprint, when given) that ended
 * before `ended_before_ms`, newest end first. The report, the `regression` finding and the app
 * page all read this one set and differ only in what they compute from it.
 */
function baselineSql(store: Store, select: string): string {
  return `SELECT ${select} FROM run_summaries FINAL
    ANY INNER JOIN (SELECT run_id, ${store.sql.ms('assumeNotNull(end_ts)')} AS run_end_ms FROM runs FINAL
      WHERE app = {app:String} AND isNotNull(end_ts) AND end_ts < ${store.sql.fromMs('ended_before')}
        AND run_id != {exclude_run:String} AND ${VISIBLE_RUNS}) AS r USING run_id
    WHERE app = {app:String} AND ({fingerprint:String} = '' OR fingerprint = {fingerprint:String})
    ORDER BY run_end_ms DESC, run_id LIMIT {limit:UInt32}`;
}

function baselineParams(scope: BaselineScope, limit: number): Record<string, QueryParam> {
  const who = scope.visible_to ? visibility(scope.visible_to) : { all: true, me: '' };
  return { app: scope.app, fingerprint: scope.fingerprint, exclude_run: scope.exclude_run, ended_before: scope.ended_before_ms, ...who, limit };
}

/** The baseline's runs, newest end first, at most `limit` of them. */
export async function baselineRuns(store: Store, scope: BaselineScope, limit = 200): Promise<SummaryRow[]> {
  const rows = await store.query<SummaryRow>(baselineSql(store, `${SUMMARY_COLUMNS}, ${store.sql.ms('updated_ts')} AS updated_ts`), baselineParams(scope, limit));
  return rows.map((r) => withCatalogNumbers('run_summaries', r));
}

export interface BaselineStats { runs: number; wall_s_median: number; wall_s_mad: number; cpu_efficiency_median: number }

/** Median wall time, its spread (median absolute deviation) and median CPU efficiency of the newest `limit` baseline runs. */
export async function baselineStats(store: Store, scope: BaselineScope, limit = 50): Promise<BaselineStats | null> {
  const [r] = await store.query<Record<keyof BaselineStats, number | string>>(
    `SELECT length(ws) AS runs, arrayReduce('median', ws) AS wall_s_median,
            arrayReduce('median', arrayMap(x -> abs(x - arrayReduce('median', ws)), ws)) AS wall_s_mad,
            arrayReduce('median', es) AS cpu_efficiency_median
     FROM (SELECT groupArray(wall_s) AS ws, groupArray(cpu_efficiency) AS es FROM (${baselineSql(store, 'wall_s, cpu_efficiency')}))`,
    baselineParams(scope, limit));
  if (!r || Number(r.runs) === 0) return null;
  return { runs: Number(r.runs), wall_s_median: Number(r.wall_s_median), wall_s_mad: Number(r.wall_s_mad), cpu_efficiency_median: Number(r.cpu_efficiency_median) };
}

/** The analyzer's CPU efficiency of these runs, so lists and the run report agree. */
export async function summarisedEfficiencies(store: Store, runIds: readonly string[]): Promise<Map<string, number>> {
  if (runIds.length === 0) return new Map();
  const rows = await store.query<{ run_id: string; e: number }>(
    'SELECT run_id, cpu_efficiency AS e FROM run_summaries FINAL WHERE has({ids:Array(String)}, run_id)', { ids: runIds });
  return new Map(rows.map((r) => [r.run_id, Number(r.e)]));
}
