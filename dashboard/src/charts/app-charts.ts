import type { EChartsOption } from 'echarts';

export interface AppRunPoint {
  readonly run_id: string;
  readonly start_ms: number;
  readonly wall_s: number | null;
  /** Allocated cores across hosts: the run's scale. */
  readonly scale: number;
  readonly regressed: boolean;
}
export interface Baseline { readonly wall_s_median: number; readonly wall_s_mad: number }

/** A point named by its run: the chart wrapper (`linkPrefix`) opens the run on a click. */
const point = (r: AppRunPoint, x: number): { name: string; value: [number, number] } => ({ name: r.run_id, value: [x, r.wall_s ?? 0] });

/** Wall time of each run over time, with the app's baseline as a band (median ± 3 MAD); regressions in red; a point opens its run. */
export function buildRunsOverTimeOption(runs: readonly AppRunPoint[], baseline: Baseline | null): EChartsOption {
  const done = runs.filter((r) => r.wall_s !== null);
  const band = baseline
    ? { silent: true, itemStyle: { color: 'rgba(60,160,90,0.12)' }, data: [[{ yAxis: Math.max(0, baseline.wall_s_median - 3 * baseline.wall_s_mad) }, { yAxis: baseline.wall_s_median + 3 * baseline.wall_s_mad }]] as [{ yAxis: number }, { yAxis: number }][] }
    : undefined;
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 32, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', name: 'wall s' },
    series: [
      { type: 'scatter', name: 'runs', data: done.filter((r) => !r.regressed).map((r) => point(r, r.start_ms)), ...(band ? { markArea: band } : {}) },
      { type: 'scatter', name: 'regressions', itemStyle: { color: '#d33' }, data: done.filter((r) => r.regressed).map((r) => point(r, r.start_ms)) },
    ],
  };
}

/** Duration against scale (allocated cores): flat is perfect weak scaling, falling is strong scaling; a point opens its run. */
export function buildScalingOption(runs: readonly AppRunPoint[]): EChartsOption {
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 24, bottom: 40 },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'log', name: 'cores', min: 1 },
    yAxis: { type: 'value', name: 'wall s' },
    series: [{ type: 'scatter', name: 'runs', data: runs.filter((r) => r.wall_s !== null).map((r) => point(r, Math.max(1, r.scale))) }],
  };
}
