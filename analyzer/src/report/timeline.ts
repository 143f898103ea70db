import type { Store } from '@runlens/pipeline';
import { type ReportTimeline, type RunScope, processBuckets, resourceBuckets } from '@runlens/schemas';
import { bucketMs, rowsToSeries } from '../charts/series.ts';

/** Enough points for a chart a page wide, few enough to keep the JSON report small. */
export const REPORT_POINTS = 240;

/** The run's CPU (with its run delay and the outside load stacked on it), memory, storage IO and GPU over time, per host. */
export async function reportTimeline(store: Store, run: RunScope): Promise<ReportTimeline> {
  const bucket = bucketMs(run.end_ms - run.start_ms, REPORT_POINTS);
  const [proc, gpu, outside] = await Promise.all([
    processBuckets(store, run, bucket), resourceBuckets(store, 'gpu', run, bucket), resourceBuckets(store, 'outside_cpu', run, bucket),
  ]);
  return {
    bucket_ms: bucket, cpu: rowsToSeries(proc.cpu), outside_cpu: rowsToSeries(outside), run_delay: rowsToSeries(proc.run_delay), memory: rowsToSeries(proc.memory),
    io: rowsToSeries(proc.io), gpu: rowsToSeries(gpu),
  };
}
