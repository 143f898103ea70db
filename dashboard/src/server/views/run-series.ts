import type { Store } from '@runlens/pipeline';
import { type RunScope, processBuckets, resourceBuckets } from '@runlens/schemas';
import type { ResourceId } from '@runlens/analyzer/charts/resources';
import { type HostSeries, rowsToSeries } from '@runlens/analyzer/charts/series';

/**
 * Every resource timeline of the run page: process tables in one pass, node tables each on
 * their own; the CPU timeline also carries the run delay (time the run's processes waited for a CPU) and
 * the other processes' CPU on the run's hosts, the layers stacked on the run's own CPU.
 */
export async function runTimelines(store: Store, run: RunScope, bucket: number): Promise<{ resource: ResourceId; series: HostSeries[]; outside?: HostSeries[]; delay?: HostSeries[] }[]> {
  const [proc, network, gpu, outside] = await Promise.all([
    processBuckets(store, run, bucket), resourceBuckets(store, 'network', run, bucket), resourceBuckets(store, 'gpu', run, bucket),
    resourceBuckets(store, 'outside_cpu', run, bucket),
  ]);
  return [
    { resource: 'cpu', series: rowsToSeries(proc.cpu), outside: rowsToSeries(outside), delay: rowsToSeries(proc.run_delay) }, { resource: 'memory', series: rowsToSeries(proc.memory) },
    { resource: 'io', series: rowsToSeries(proc.io) }, { resource: 'network', series: rowsToSeries(network) },
    { resource: 'gpu', series: rowsToSeries(gpu) },
  ];
}
