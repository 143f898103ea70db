import type { EChartsOption } from 'echarts';
import type { Finding, ReportTimeline, RunReport } from '@runlens/schemas';
import { buildCpuTimelineOption } from './cpu-timeline.ts';
import { RESOURCES, type ResourceId, marksResource, resourceScale } from './resources.ts';
import type { HostSeries } from './series.ts';
import { buildTimelineOption } from './timeline.ts';

export interface ReportChart { readonly resource: ResourceId; readonly title: string; readonly option: EChartsOption }

const REPORT_RESOURCES = ['cpu', 'memory', 'io', 'gpu'] as const satisfies readonly (ResourceId & keyof ReportTimeline)[];

const hasData = (series: readonly HostSeries[]): boolean => series.some((s) => s.points.some((p) => p.value !== null));

/**
 * The report's charts, built by the same option builders as the run page: CPU against the
 * allocation with its run delay and the outside load stacked on it, memory, storage IO and GPU over time, each with the
 * findings about that resource shaded. A resource with no samples gets no chart.
 */
export function reportChartOptions(r: RunReport): ReportChart[] {
  const t = r.timeline;
  if (!t) return [];
  const marked = (res: ResourceId): Finding[] => r.findings.filter((f) => marksResource(f.kind, res));
  return REPORT_RESOURCES.filter((res) => hasData(t[res])).map((res) => {
    const findings = marked(res);
    const events = r.events ?? [];
    const option = res === 'cpu'
      ? buildCpuTimelineOption({ series: t.cpu, outside: t.outside_cpu, delay: t.run_delay ?? [], findings, events, bucketMs: t.bucket_ms, allocCores: r.run.alloc_cores })
      : buildTimelineOption({ unit: RESOURCES[res].unit, scale: resourceScale(res), series: t[res], findings, events, bucketMs: t.bucket_ms, ...(res === 'gpu' ? { yMax: 1 } : {}) });
    return { resource: res, title: RESOURCES[res].label, option };
  });
}
