import type { EChartsOption } from 'echarts';
import type { HostSeries } from '@runlens/analyzer/charts/series';

/** Hosts × time: one row per host, one cell per bucket; empty cells stay empty (no data, not 0). */
export function buildHeatmapOption(series: readonly HostSeries[], unit: string): EChartsOption {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.ts)))].sort((a, b) => a - b);
  const col = new Map(times.map((t, i) => [t, i]));
  const cells: [number, number, number][] = [];
  let max = 0;
  series.forEach((s, row) => {
    for (const p of s.points) {
      if (p.value === null || !Number.isFinite(p.value)) continue;
      cells.push([col.get(p.ts) ?? 0, row, p.value]);
      max = Math.max(max, p.value);
    }
  });
  return {
    animation: false,
    grid: { left: 120, right: 24, top: 16, bottom: 72 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: times.map((t) => new Date(t).toISOString().slice(11, 19)), splitArea: { show: true } },
    yAxis: { type: 'category', data: series.map((s) => s.host), splitArea: { show: true } },
    visualMap: { min: 0, max: max > 0 ? max : 1, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, text: [unit, ''] },
    series: [{ type: 'heatmap', name: unit, data: cells, progressive: 0 }],
  };
}
