import type { EChartsOption, LineSeriesOption } from 'echarts';
import { type HostSeries, type MarkedEvent, type MarkedFinding, type Point, withGaps } from './series.ts';
import { buildTimelineOption } from './timeline.ts';

export interface CpuTimelineSpec {
  /** The run's CPU per host, in cores. */
  readonly series: readonly HostSeries[];
  /** Every other process on the run's hosts (other runs, daemons), in cores. */
  readonly outside: readonly HostSeries[];
  /** Time the run's processes were runnable but waiting for a CPU (schedstat), in cores. Absent in reports written before it. */
  readonly delay?: readonly HostSeries[];
  readonly findings: readonly MarkedFinding[];
  readonly events?: readonly MarkedEvent[];
  readonly bucketMs: number;
  /** Cores allocated per host: the axis reaches at least this, so a run at 10% looks idle. */
  readonly allocCores: number;
}

/** The layers of one host's stack, bottom up: what the run got, what it waited for, what others took. */
const LAYERS = [
  { key: 'delay', suffix: ' run delay', colour: '#e8833a', fill: 'rgba(232,131,58,0.35)', dashed: false },
  { key: 'outside', suffix: ' outside load', colour: '#888', fill: 'rgba(120,120,120,0.22)', dashed: true },
] as const;

/**
 * A host's series on one time grid (the union of their bucket times): echarts stacks a time
 * axis by data index, so every layer of a stack needs the same points in the same order.
 */
export function alignSeries(lists: readonly (HostSeries | undefined)[]): Point[][] {
  const ts = [...new Set(lists.flatMap((s) => (s?.points ?? []).map((p) => p.ts)))].sort((a, b) => a - b);
  return lists.map((s) => {
    const at = new Map((s?.points ?? []).map((p) => [p.ts, p.value]));
    return ts.map((t) => ({ ts: t, value: at.get(t) ?? null }));
  });
}

/**
 * The stack's typical height (median over every host and bucket): a stack that mostly stands
 * above the allocation raises the axis; spikes do not (on a loaded machine a run of ten samples
 * showed two at 2 cores on a 1-core allocation, from rates over stretched intervals). Above the
 * axis the stack is cut flat at the top, which reads as "at or over the allocation"; the tooltip
 * still gives each layer's value.
 */
export function typicalStack(stacks: readonly Point[][][]): number {
  const totals: number[] = [];
  for (const layers of stacks) {
    for (let i = 0; i < (layers[0]?.length ?? 0); i++) {
      const vs = layers.map((l) => l[i]?.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (vs.length > 0) totals.push(vs.reduce((a, b) => a + b, 0));
    }
  }
  totals.sort((a, b) => a - b);
  return totals.length === 0 ? 0 : (totals[Math.floor(0.5 * (totals.length - 1))] ?? 0);
}

/**
 * The run's CPU stacked against its allocation, per host, bottom up: the run's own CPU, the
 * run delay (time its processes were runnable but waiting for a CPU) and the outside load
 * (every other process on the host). Demand the run could not get shows as delay; who took the
 * cores shows as outside load. The y axis runs to the allocation, higher only when the stack
 * mostly stands above it.
 */
export function buildCpuTimelineOption(spec: CpuTimelineSpec): EChartsOption {
  const hosts = spec.series.map((s) => s.host);
  const of = (list: readonly HostSeries[] | undefined, host: string): HostSeries | undefined => list?.find((s) => s.host === host);
  const stacks = hosts.map((h) => alignSeries([of(spec.series, h), of(spec.delay, h), of(spec.outside, h)]));
  const yMax = Number(Math.max(spec.allocCores, typicalStack(stacks)).toPrecision(3));
  const run = stacks.map((layers, i) => ({ host: hosts[i] ?? '', points: layers[0] ?? [] }));
  const base = buildTimelineOption({ unit: 'cores', series: run, findings: spec.findings, events: spec.events ?? [], bucketMs: spec.bucketMs, yMax });
  const maxGap = spec.bucketMs * 2.5;
  const own = (base.series as LineSeriesOption[]).map((s): LineSeriesOption => ({ ...s, stack: String(s.name), areaStyle: { opacity: 0.3 } }));
  const layers = hosts.flatMap((host, i) => LAYERS.map((l, j): LineSeriesOption | null => {
    const points = stacks[i]?.[j + 1] ?? [];
    if (!points.some((p) => p.value !== null)) return null;
    return {
      type: 'line', name: `${host}${l.suffix}`, stack: host, showSymbol: false, connectNulls: false,
      lineStyle: { width: 1, color: l.colour, ...(l.dashed ? { type: 'dashed' as const } : {}) }, itemStyle: { color: l.colour },
      areaStyle: { color: l.fill }, data: withGaps(points, maxGap),
    };
  })).filter((s): s is LineSeriesOption => s !== null);
  const allocLine: LineSeriesOption = {
    type: 'line', name: 'allocation', data: [], silent: true, itemStyle: { color: '#2a7' },
    markLine: {
      symbol: 'none', silent: true, lineStyle: { color: '#2a7', type: 'solid' },
      label: { position: 'insideEndTop', formatter: `allocated ${spec.allocCores}` }, data: [{ yAxis: spec.allocCores }],
    },
  };
  return { ...base, series: [...own, ...layers, allocLine] };
}
