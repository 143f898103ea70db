import { describe, expect, it } from 'vitest';
import { buildHeatmapOption } from './heatmap.ts';

describe('buildHeatmapOption', () => {
  it('puts hosts on y and time buckets on x, leaving missing cells empty', () => {
    const opt = buildHeatmapOption([
      { host: 'n1', points: [{ ts: 0, value: 1 }, { ts: 1000, value: 3 }] },
      { host: 'n2', points: [{ ts: 1000, value: null }] },
    ], 'cores');
    expect((opt.yAxis as { data: string[] }).data).toEqual(['n1', 'n2']);
    expect((opt.xAxis as { data: string[] }).data).toHaveLength(2);
    expect((opt.series as { data: number[][] }[])[0]!.data).toEqual([[0, 0, 1], [1, 0, 3]]);
    expect(opt.visualMap).toMatchObject({ min: 0, max: 3 });
  });
});
