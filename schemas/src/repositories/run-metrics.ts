import type { Store } from '../store/store.ts';

/** One app-reported metric of a run, summarised: what reports show and selection compares. */
export interface RunMetricSummary {
  readonly name: string;
  readonly points: number;
  readonly median: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly last: number;
  /**
   * The mean over time: each value weighted by the time since the one before it. For a rate the
   * app prints per step (it/s) this is steps over time, which a median of per-step rates is not
   * when some steps stall; selection compares runs on it.
   */
  readonly time_mean: number;
  readonly source: string;
}

/** Metric names per run shown at most: a report is for people. */
export const MAX_REPORT_METRICS = 32;

type Raw = Record<keyof RunMetricSummary, number | string>;
const toSummary = (r: Raw): RunMetricSummary => ({
  name: String(r.name), points: Number(r.points), median: Number(r.median), mean: Number(r.mean), min: Number(r.min), max: Number(r.max),
  last: Number(r.last), time_mean: Number(r.time_mean), source: String(r.source),
});

/** Per (`by`, name): the summary, through a subquery that sorts each series by time once (arrays work on 18.16 too). */
const summaryOf = (by: string, where: string): string => `SELECT ${by}name, points, median, mean, min, max, last, source,
    if(span > 0, arraySum(arrayMap((v, d) -> v * d, vs, arrayDifference(tf))) / span, mean) AS time_mean
  FROM (SELECT ${by}name, count() AS points, quantile(0.5)(value) AS median, avg(value) AS mean, min(value) AS min, max(value) AS max,
      argMax(value, seq) AS last, any(source) AS source,
      arraySort((v, t, s) -> (t, s), groupArray(value), groupArray(toFloat64(ts)), groupArray(seq)) AS vs,
      arraySort(groupArray(toFloat64(ts))) AS tf, max(toFloat64(ts)) - min(toFloat64(ts)) AS span
    FROM run_metrics FINAL WHERE ${where} GROUP BY ${by}name)`;

/** The run's metrics, one summary per name. */
export async function runMetricSummaries(store: Store, runId: string): Promise<RunMetricSummary[]> {
  const rows = await store.query<Raw>(
    `${summaryOf('', 'run_id = {run_id:String}')} ORDER BY name LIMIT ${MAX_REPORT_METRICS}`, { run_id: runId });
  return rows.map(toSummary);
}

/** Each run's metrics among `runIds`: selection's performance where the app reports one. */
export async function metricsOfRuns(store: Store, runIds: readonly string[]): Promise<(RunMetricSummary & { run_id: string })[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query<Raw & { run_id: string }>(
    summaryOf('run_id, ', 'has({ids:Array(String)}, run_id)'), { ids: [...runIds] });
  return rows.map((r) => ({ ...toSummary(r), run_id: String(r.run_id) }));
}

/** The metric most of these runs report (ties: by name), and each run's mean of it over time. */
export async function dominantMetric(store: Store, runIds: readonly string[]): Promise<{ name: string | null; byRun: Map<string, number> }> {
  const rows = await metricsOfRuns(store, runIds);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  const name = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
  return { name, byRun: new Map(rows.filter((r) => r.name === name).map((r) => [r.run_id, r.time_mean])) };
}

/** One metric of a run in one time bucket: the mean of its values there. */
export interface MetricBucket { readonly name: string; readonly bucket: number; readonly v: number }

/** The run's metrics over time, averaged into `bucket` ms buckets (the run page's chart); at most MAX_REPORT_METRICS names. */
export async function runMetricBuckets(store: Store, runId: string, bucket: number): Promise<MetricBucket[]> {
  const rows = await store.query<{ name: string; bucket: string | number; v: string | number }>(
    `SELECT name, intDiv(${store.sql.ms('ts')}, {bucket:Int64}) * {bucket:Int64} AS bucket, avg(value) AS v FROM run_metrics FINAL
      WHERE run_id = {run_id:String} AND name IN (SELECT DISTINCT name FROM run_metrics WHERE run_id = {run_id:String} ORDER BY name LIMIT ${MAX_REPORT_METRICS})
      GROUP BY name, bucket ORDER BY name, bucket`,
    { run_id: runId, bucket });
  return rows.map((r) => ({ name: String(r.name), bucket: Number(r.bucket), v: Number(r.v) }));
}
