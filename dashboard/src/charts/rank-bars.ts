import type { EChartsOption } from 'echarts';

export interface RankRow { readonly rank: number; readonly host: string; readonly cpu_s: number; readonly peak_rss_bytes: number; readonly io_bytes: number }

export const rankLabel = (r: RankRow): string => (r.rank < 0 ? `${r.host} (no rank)` : `rank ${r.rank} @ ${r.host}`);

/** Per-rank CPU seconds as bars, with the median as a line: the rank far from it is the outlier. */
export function buildRankBarsOption(rows: readonly RankRow[]): EChartsOption {
  const sorted = [...rows].sort((a, b) => a.rank - b.rank || a.host.localeCompare(b.host));
  const cpu = sorted.map((r) => r.cpu_s).sort((a, b) => a - b);
  const median = cpu.length === 0 ? 0 : (cpu[Math.floor((cpu.length - 1) / 2)]! + cpu[Math.ceil((cpu.length - 1) / 2)]!) / 2;
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 24, bottom: 48 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: sorted.map(rankLabel) },
    yAxis: { type: 'value', name: 'CPU s' },
    series: [{
      type: 'bar', name: 'CPU seconds', data: sorted.map((r) => Number(r.cpu_s.toFixed(2))),
      markLine: { silent: true, symbol: 'none', data: [{ yAxis: Number(median.toFixed(2)), name: 'median' }] },
    }],
  };
}
