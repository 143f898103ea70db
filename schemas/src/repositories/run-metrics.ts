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
  readonly source: string;
}

/** Metric names per run shown at most: a report is for people. */
export const MAX_REPORT_METRICS = 32;

type Raw = Record<keyof RunMetricSummary, number | string>;
const toSummary = (r: Raw): RunMetricSummary => ({
  name: String(r.name), points: Number(r.points), median: Number(r.median), mean: Number(r.mean), min: Number(r.min), max: Number(r.max),
  last: Number(r.last), source: String(r.source),
});

const SUMMARY = `name, count() AS points, quantile(0.5)(value) AS median, avg(value) AS mean, min(value) AS min, max(value) AS max,
  argMax(value, seq) AS last, any(source) AS source`;

/** The run's metrics, one summary per name. */
export async function runMetricSummaries(store: Store, runId: string): Promise<RunMetricSummary[]> {
  const rows = await store.query<Raw>(
    `SELECT ${SUMMARY} FROM run_metrics FINAL WHERE run_id = {run_id:String} GROUP BY name ORDER BY name LIMIT ${MAX_REPORT_METRICS}`, { run_id: runId });
  return rows.map(toSummary);
}

/** Each run's metrics among `runIds`: selection's performance where the app reports one. */
export async function metricsOfRuns(store: Store, runIds: readonly string[]): Promise<(RunMetricSummary & { run_id: string })[]> {
  if (runIds.length === 0) return [];
  const rows = await store.query<Raw & { run_id: string }>(
    `SELECT run_id, ${SUMMARY} FROM run_metrics FINAL WHERE has({ids:Array(String)}, run_id) GROUP BY run_id, name`, { ids: [...runIds] });
  return rows.map((r) => ({ ...toSummary(r), run_id: String(r.run_id) }));
}
