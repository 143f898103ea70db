import { describe, expect, it } from 'vitest';
import { buildRankBarsOption } from './rank-bars.ts';

describe('buildRankBarsOption', () => {
  it('orders ranks and draws the median so the outlier stands out', () => {
    const row = (rank: number, cpu_s: number) => ({ rank, host: 'h', cpu_s, peak_rss_bytes: 0, io_bytes: 0 });
    const opt = buildRankBarsOption([row(2, 30), row(0, 10), row(1, 12)]);
    expect((opt.xAxis as { data: string[] }).data).toEqual(['rank 0 @ h', 'rank 1 @ h', 'rank 2 @ h']);
    const s = (opt.series as { data: number[]; markLine: { data: { yAxis: number }[] } }[])[0]!;
    expect(s.data).toEqual([10, 12, 30]);
    expect(s.markLine.data[0]!.yAxis).toBe(12);
  });
});
