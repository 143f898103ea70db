import type { EChartsOption } from 'echarts';
import type { HostSeries, Point } from '@runlens/analyzer/charts/series';

/** A run's CPU summed over its hosts, per bucket, against seconds since its start: runs of different days line up. */
export function elapsedTotal(series: readonly HostSeries[], startMs: number): Point[] {
  const sums = new Map<number, number | null>();
  for (const s of series) {
    for (const p of s.points) {
      const prev = sums.get(p.ts) ?? null;
      sums.set(p.ts, p.value === null ? prev : (prev ?? 0) + p.value);
    }
  }
  return [...sums.entries()].sort(([a], [b]) => a - b).map(([ts, value]) => ({ ts: Math.max(0, (ts - startMs) / 1000), value }));
}

export interface ComparedLine { readonly label: string; readonly points: readonly Point[] }

/**
 * Two runs overlaid: CPU cores over seconds since each run's start. A missing bucket is a gap;
 * the earlier run is drawn dashed so the current one reads first.
 */
export function buildCompareOption(current: ComparedLine, earlier: ComparedLine): EChartsOption {
  const line = (l: ComparedLine, dashed: boolean) => ({
    type: 'line' as const, name: l.label, showSymbol: false, connectNulls: false,
    lineStyle: dashed ? { type: 'dashed' as const } : {},
    data: l.points.map((p): [number, number | '-'] => [p.ts, p.value === null ? '-' : p.value]),
  });
  return {
    animation: false,
    grid: { left: 56, right: 20, top: 36, bottom: 40 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 's since start', nameLocation: 'middle', nameGap: 26, min: 0 },
    yAxis: { type: 'value', name: 'cores' },
    series: [line(current, false), line(earlier, true)],
  };
}
