import type { Store } from '@runlens/pipeline';
import { type NodeMetric, nodeMetricBuckets } from '@runlens/schemas';
import { type HostSeries, bucketMs, rowsToSeries } from '@runlens/analyzer/charts/series';

/** The cluster heatmap: one node metric of every host over [fromMs, toMs], about 120 buckets wide. */
export async function clusterHeatmap(store: Store, metric: NodeMetric, fromMs: number, toMs: number): Promise<{ series: HostSeries[]; bucket: number }> {
  const bucket = bucketMs(toMs - fromMs, 120);
  return { series: rowsToSeries(await nodeMetricBuckets(store, metric, fromMs, toMs, bucket)), bucket };
}
