import type { Store } from '@runlens/pipeline';
import { runMetricBuckets } from '@runlens/schemas';
import { type HostSeries, rowsToSeries } from '@runlens/analyzer/charts/series';

/** The app's own metrics over time, one series per metric name (its `host` is the name), in the run page's buckets. */
export async function runMetricSeries(store: Store, runId: string, bucket: number): Promise<HostSeries[]> {
  return rowsToSeries((await runMetricBuckets(store, runId, bucket)).map((r) => ({ host: r.name, bucket: r.bucket, v: r.v })));
}
