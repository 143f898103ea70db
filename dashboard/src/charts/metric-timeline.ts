import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { HostSeries } from '@runlens/analyzer/charts/series';
import { buildTimelineOption } from '@runlens/analyzer/charts/timeline';

/** Fewer points than this are drawn with their symbols: a line alone would hide how few there are. */
const SYMBOLS_BELOW = 60;

/** The metric's own cadence: the median time between its points (an app may print every step of 30 s). */
function cadenceMs(s: HostSeries): number {
  const d = s.points.slice(1).map((p, i) => p.ts - (s.points[i]?.ts ?? p.ts)).filter((x) => x > 0).sort((a, b) => a - b);
  return d[Math.floor((d.length - 1) / 2)] ?? 0;
}

/**
 * One app metric over time (its `host` is the metric's name, also the axis' unit). A gap is a
 * stretch longer than 2.5 of the metric's own steps, not of the page's buckets: a value printed
 * every 30 s is a line, not 30-second holes. Few points keep their symbols.
 */
export function buildMetricTimelineOption(s: HostSeries, bucketMs: number): EChartsOption {
  const base = buildTimelineOption({ unit: s.host, series: [s], findings: [], bucketMs: Math.max(bucketMs, cadenceMs(s)) });
  const few = s.points.length < SYMBOLS_BELOW;
  return { ...base, legend: { show: false }, series: (base.series as LineSeriesOption[]).map((l) => ({ ...l, showSymbol: few })) };
}
