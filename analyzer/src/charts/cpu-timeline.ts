import type { EChartsOption, LineSeriesOption, YAXisComponentOption as YAXisOption } from 'echarts';
import { type HostSeries, type MarkedEvent, type MarkedFinding, withGaps } from './series.ts';
import { buildTimelineOption } from './timeline.ts';

export interface CpuTimelineSpec {
  /** The run's CPU per host, in cores. */
  readonly series: readonly HostSeries[];
  /** Every other process on the run's hosts (other runs, daemons), in cores. */
  readonly outside: readonly HostSeries[];
  readonly findings: readonly MarkedFinding[];
  readonly events?: readonly MarkedEvent[];
  readonly bucketMs: number;
  /** Cores allocated per host: the axis reaches at least this, so a run at 10% looks idle. */
  readonly allocCores: number;
}

/**
 * The run's typical level (median of all hosts' points): a run that mostly uses more than its
 * allocation raises the axis; spikes do not (on a loaded machine a run of ten samples showed
 * two at 2 cores on a 1-core allocation, from rates over stretched intervals). Above the
 * axis a line is cut flat at the top, which reads as "at or over the allocation".
 */
function typicalLevel(series: readonly HostSeries[]): number {
  const vs = series.flatMap((s) => s.points.map((p) => p.value)).filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return vs.length === 0 ? 0 : (vs[Math.floor(0.5 * (vs.length - 1))] ?? 0);
}

/**
 * The run's CPU against its allocation: the y axis runs to the allocation (higher only when the
 * run itself mostly ran above it), and the load of other processes on the same hosts is drawn
 * beside it, dashed, so interference is visible. The outside load does not raise the run's
 * axis: on a big shared node it may be far above the run's allocation, and the run must stay
 * readable against its own cores. Where it goes above that axis it gets an axis of its own on
 * the right (grey, named so), so it is drawn whole instead of cut at the top.
 */
export function buildCpuTimelineOption(spec: CpuTimelineSpec): EChartsOption {
  const yMax = Number(Math.max(spec.allocCores, typicalLevel(spec.series)).toPrecision(3));
  const base = buildTimelineOption({ unit: 'cores', series: spec.series, findings: spec.findings, events: spec.events ?? [], bucketMs: spec.bucketMs, yMax });
  const outsidePeak = Math.max(0, ...spec.outside.flatMap((s) => s.points.map((p) => p.value ?? 0)).filter(Number.isFinite));
  const ownAxis = outsidePeak > yMax;
  const outside: LineSeriesOption[] = spec.outside.map((s) => ({
    type: 'line', name: `${s.host} outside load`, showSymbol: false, connectNulls: false, yAxisIndex: ownAxis ? 1 : 0,
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
  const series = [...(base.series as LineSeriesOption[]), ...outside, allocLine];
  if (!ownAxis) return { ...base, series };
  const grey = { color: '#888' };
  return {
    ...base, series, grid: { ...(base.grid as object), right: 56 },
    yAxis: [base.yAxis as YAXisOption, {
      type: 'value', name: 'outside', position: 'right', min: 0, max: Number(outsidePeak.toPrecision(2)) >= outsidePeak ? Number(outsidePeak.toPrecision(2)) : Math.ceil(outsidePeak),
      splitLine: { show: false }, axisLine: { show: true, lineStyle: { ...grey, type: 'dashed' } }, axisLabel: grey, nameTextStyle: grey,
    }],
  };
}
