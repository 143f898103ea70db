import type { EChartsOption, LineSeriesOption } from 'echarts';
import { type HostSeries, type MarkedFinding, withGaps } from './series.ts';
import { buildTimelineOption } from './timeline.ts';

export interface CpuTimelineSpec {
  /** The run's CPU per host, in cores. */
  readonly series: readonly HostSeries[];
  /** Every other process on the run's hosts (other runs, daemons), in cores. */
  readonly outside: readonly HostSeries[];
  readonly findings: readonly MarkedFinding[];
  readonly bucketMs: number;
  /** Cores allocated per host: the axis reaches at least this, so a run at 10% looks idle. */
  readonly allocCores: number;
}

const peak = (series: readonly HostSeries[]): number =>
  Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.value ?? 0)));

/**
 * The run's CPU against its allocation: the y axis runs to the allocation (or higher, only
 * when the run or the outside load went above it, so nothing is clipped), and the load of
 * other processes on the same hosts is drawn beside it, dashed, so interference is visible.
 */
export function buildCpuTimelineOption(spec: CpuTimelineSpec): EChartsOption {
  const yMax = Math.max(spec.allocCores, peak(spec.series), peak(spec.outside));
  const base = buildTimelineOption({ unit: 'cores', series: spec.series, findings: spec.findings, bucketMs: spec.bucketMs, yMax: Number(yMax.toPrecision(3)) });
  const outside: LineSeriesOption[] = spec.outside.map((s) => ({
    type: 'line', name: `${s.host} outside load`, showSymbol: false, connectNulls: false,
    lineStyle: { type: 'dashed', width: 1, color: '#888' }, itemStyle: { color: '#888' }, areaStyle: { color: 'rgba(120,120,120,0.12)' },
    data: withGaps(s.points, spec.bucketMs * 2.5),
  }));
  const allocLine: LineSeriesOption = {
    type: 'line', name: 'allocation', data: [], silent: true, itemStyle: { color: '#2a7' },
    markLine: {
      symbol: 'none', silent: true, lineStyle: { color: '#2a7', type: 'solid' },
      label: { position: 'insideEndTop', formatter: `allocated ${spec.allocCores}` }, data: [{ yAxis: spec.allocCores }],
    },
  };
  return { ...base, series: [...(base.series as LineSeriesOption[]), ...outside, allocLine] };
}
