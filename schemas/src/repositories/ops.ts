import type { Store } from '../store/store.ts';

/** The ops page's reads: node health, causes shared across runs, degraded running runs. */

export interface HealthRow { host: string; source: string; detail: string; last_ms: number; count: number }

/** Hardware faults since `fromMs`: hardware_fault findings, GPU ECC/retired pages, IB errors or link-downs, and kernel events. */
export async function nodeHealth(store: Store, fromMs: number): Promise<HealthRow[]> {
  const p = { from: fromMs };
  const since = `>= ${store.sql.fromMs('from')}`;
  const [faults, gpu, ib, events] = await Promise.all([
    store.query<HealthRow>(`SELECT host, 'hardware_fault' AS source, any(message) AS detail, max(${store.sql.ms('end_ts')}) AS last_ms, count() AS count
      FROM findings FINAL WHERE kind = 'hardware_fault' AND start_ts ${since} GROUP BY host`, p),
    store.query<HealthRow>(`SELECT host, 'gpu_ecc' AS source, concat('GPU ', toString(gpu_index), ': ', toString(max(ifNull(ecc_uncorrected, 0))), ' uncorrected ECC') AS detail,
      max(${store.sql.ms('ts')}) AS last_ms, count() AS count FROM gpu_samples FINAL
      WHERE ts ${since} AND (ifNull(ecc_uncorrected, 0) > 0 OR ifNull(retired_pages_pending, 0) > 0) GROUP BY host, gpu_index`, p),
    store.query<HealthRow>(`SELECT host, 'ib_errors' AS source, concat(device, '/', toString(port), ': ', toString(round(max(errors_per_s), 2)), ' errors/s, link downed ', toString(max(link_downed))) AS detail,
      max(${store.sql.ms('ts')}) AS last_ms, count() AS count FROM ib_samples FINAL
      WHERE ts ${since} AND (errors_per_s > 0 OR link_downed > 0) GROUP BY host, device, port`, p),
    store.query<HealthRow>(`SELECT host, concat('event:', kind) AS source, concat(if(device = '', '', concat(device, ': ')), any(detail)) AS detail,
      max(${store.sql.ms('ts')}) AS last_ms, uniqExact(seq) AS count FROM node_events
      WHERE ts ${since} AND severity != 'info' GROUP BY host, kind, device`, p),
  ]);
  return [...faults, ...gpu, ...ib, ...events].map((r) => ({ ...r, last_ms: Number(r.last_ms), count: Number(r.count) }));
}

export interface SharedCause { kind: string; host: string; scope_id: string; runs: number; findings: number; last_ms: number }

/** Findings that hit the same host / GPU / port across several runs: likely the node, not the app. */
export async function sharedCauses(store: Store, fromMs: number): Promise<SharedCause[]> {
  const rows = await store.query<Record<Exclude<keyof SharedCause, 'findings'> | 'n_findings', string | number>>(
    `SELECT kind, host, scope_id, uniqExact(run_id) AS runs, count() AS n_findings, max(${store.sql.ms('end_ts')}) AS last_ms
     FROM findings FINAL WHERE start_ts >= ${store.sql.fromMs('from')} AND host != ''
     GROUP BY kind, host, scope_id HAVING runs >= 2 ORDER BY runs DESC, n_findings DESC LIMIT 100`, { from: fromMs });
  return rows.map((r) => ({ kind: String(r.kind), host: String(r.host), scope_id: String(r.scope_id), runs: Number(r.runs), findings: Number(r.n_findings), last_ms: Number(r.last_ms) }));
}

export interface DegradedRun { run_id: string; app: string; user: string; score: number; kinds: string[]; start_ms: number }

/** Running runs ranked by how degraded they are: findings weighted by severity and confidence. */
export async function degradedRunning(store: Store): Promise<DegradedRun[]> {
  const rows = await store.query<{ run_id: string; app: string; user: string; start_ms: string | number; score: number | null; kinds: string[] }>(
    `SELECT r.run_id AS run_id, r.app AS app, r.user AS user, ${store.sql.ms('r.start_ts')} AS start_ms, f.score AS score, f.kinds AS kinds
     FROM (SELECT run_id, app, user, start_ts FROM runs FINAL WHERE status = 'running') AS r
     ANY LEFT JOIN (SELECT run_id, sum(multiIf(severity = 'critical', 3, severity = 'warning', 2, 1) * confidence) AS score, groupUniqArray(kind) AS kinds
                FROM findings FINAL GROUP BY run_id) AS f USING run_id
     ORDER BY score DESC LIMIT 200`);
  return rows.map((r) => ({ run_id: r.run_id, app: r.app, user: r.user, start_ms: Number(r.start_ms), score: Number(r.score ?? 0), kinds: r.kinds ?? [] }));
}
