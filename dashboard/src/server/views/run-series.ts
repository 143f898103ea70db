import type { Store } from '@runlens/pipeline';
import { type RunScope, processBuckets, resourceBuckets } from '@runlens/schemas';
import type { ResourceId } from '../../charts/resources.ts';
import { type HostSeries, rowsToSeries } from '../../charts/series.ts';

/** Every resource timeline of the run page: process tables in one pass, node tables each on their own. */
export async function runTimelines(store: Store, run: RunScope, bucket: number): Promise<{ resource: ResourceId; series: HostSeries[] }[]> {
  const [proc, network, gpu] = await Promise.all([
    processBuckets(store, run, bucket), resourceBuckets(store, 'network', run, bucket), resourceBuckets(store, 'gpu', run, bucket),
  ]);
  return [
    { resource: 'cpu', series: rowsToSeries(proc.cpu) }, { resource: 'memory', series: rowsToSeries(proc.memory) },
    { resource: 'io', series: rowsToSeries(proc.io) }, { resource: 'network', series: rowsToSeries(network) },
    { resource: 'gpu', series: rowsToSeries(gpu) },
  ];
}
