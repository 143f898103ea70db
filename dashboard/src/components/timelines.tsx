import type { Finding, ReportEvent } from '@runlens/schemas';
import type { EChartsOption } from 'echarts';
import { buildHeatmapOption } from '../charts/heatmap.ts';
import { RESOURCES, type ResourceId, marksResource, resourceScale } from '@runlens/analyzer/charts/resources';
import type { HostSeries } from '@runlens/analyzer/charts/series';
import { buildTimelineOption } from '@runlens/analyzer/charts/timeline';
import { buildCpuTimelineOption } from '@runlens/analyzer/charts/cpu-timeline';
import { type TimeWindow, withTimeZoom } from '../charts/zoom.ts';
import { Chart } from './chart.tsx';

export interface ResourceData {
  readonly resource: ResourceId; readonly series: readonly HostSeries[]; readonly outside?: readonly HostSeries[]; readonly delay?: readonly HostSeries[];
}

/** The y axis' fixed maximum, for the browser test (the CPU axis runs to the allocation). */
const yMaxOf = (o: EChartsOption): number | undefined => {
  const y = Array.isArray(o.yAxis) ? o.yAxis[0] : o.yAxis;
  return typeof y?.max === 'number' ? y.max : undefined;
};

/** One timeline per resource that has data, each host a line, this resource's findings shaded. */
export function Timelines({ data, findings, events = [], bucketMs, allocCores, range }: {
  data: readonly ResourceData[]; findings: readonly Finding[]; events?: readonly ReportEvent[]; bucketMs: number; allocCores: number; range: TimeWindow;
}) {
  const shown = data.filter((d) => d.series.some((s) => s.points.length > 0));
  const missing = data.filter((d) => !shown.includes(d)).map((d) => RESOURCES[d.resource].label);
  const cpu = data.find((d) => d.resource === 'cpu');
  const optionOf = (d: ResourceData): EChartsOption => withTimeZoom(d.resource === 'cpu'
    ? buildCpuTimelineOption({ series: d.series, outside: d.outside ?? [], delay: d.delay ?? [], findings: findings.filter((f) => marksResource(f.kind, 'cpu')), events, bucketMs, allocCores })
    : buildTimelineOption({
      unit: RESOURCES[d.resource].unit, scale: resourceScale(d.resource), series: d.series, bucketMs, events,
      findings: findings.filter((f) => marksResource(f.kind, d.resource)),
      ...(d.resource === 'gpu' ? { yMax: 1 } : {}),
    }), range);
  return (
    <section data-testid="timelines">
      <h2>Timelines <span className="muted">({bucketMs / 1000} s per point; wheel or slider to zoom, all charts follow)</span></h2>
      <div className="grid2">
        {shown.map((d) => [d, optionOf(d)] as const).map(([d, option]) => (
          <div className="card" key={d.resource} data-resource={d.resource} data-marked={findings.filter((f) => marksResource(f.kind, d.resource)).length}
            data-y-max={yMaxOf(option)} data-alloc={d.resource === 'cpu' ? allocCores : undefined} data-events={events.length}>
            <h2>{RESOURCES[d.resource].label}</h2>
            <Chart label={`${d.resource} timeline`} option={option} group="run-time" />
            {d.resource === 'cpu' ? <p className="muted">Per host, stacked: the run&apos;s CPU, its run delay (runnable, waiting for a CPU; orange) and the outside load (other processes on the host; grey, dashed). Axis up to the allocation, {allocCores} cores per host, higher only when the stack mostly stands above it.</p> : null}
          </div>
        ))}
      </div>
      {missing.length > 0 ? <p className="muted">No samples for: {missing.join(', ')}.</p> : null}
      {cpu && cpu.series.length > 0 ? (
        <div className="card" data-resource="heatmap">
          <h2>CPU by host × time</h2>
          <Chart label="host heatmap" option={buildHeatmapOption(cpu.series, 'cores')} height={Math.max(140, 60 + cpu.series.length * 22)} />
        </div>
      ) : null}
    </section>
  );
}
