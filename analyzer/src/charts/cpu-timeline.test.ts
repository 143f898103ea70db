import { describe, expect, it } from 'vitest';
import { buildCpuTimelineOption } from './cpu-timeline.ts';

const pts = (vs: (number | null)[]): { ts: number; value: number | null }[] => vs.map((value, i) => ({ ts: i * 1000, value }));
type Line = { name: string; yAxisIndex?: number; data: [number, number | string][]; lineStyle?: { type?: string }; markLine?: { data: { yAxis: number }[] } };

describe('buildCpuTimelineOption', () => {
  it('scales the axis to the allocation, so a run at 10% of 8 cores looks idle', () => {
    const opt = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([0.8, 0.8]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 8 });
    expect(opt.yAxis).toMatchObject({ max: 8, name: 'cores' });
    const alloc = (opt.series as Line[]).find((s) => s.name === 'allocation');
    expect(alloc?.markLine?.data).toEqual([{ yAxis: 8 }]);
  });

  it('draws outside load beside the run, dashed; the axis follows the run and its allocation, not the outside load', () => {
    const opt = buildCpuTimelineOption({
      series: [{ host: 'a', points: pts([1, 1, 1]) }], outside: [{ host: 'a', points: pts([0, 3, null]) }], findings: [], bucketMs: 1000, allocCores: 4,
    });
    const lines = opt.series as Line[];
    expect(lines.map((l) => l.name)).toEqual(['a', 'a outside load', 'allocation']);
    expect(lines[1]!.lineStyle?.type).toBe('dashed');
    expect(lines[1]!.data).toEqual([[0, 0], [1000, 3], [2000, '-']]);
    expect(lines[1]!.yAxisIndex).toBe(0);
    expect(opt.yAxis).toMatchObject({ max: 4 });
    const over = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([5.2, 5.2, 5.2]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 4 });
    expect(over.yAxis).toMatchObject({ max: 5.2 });
    // Spikes (late samples) do not rescale the chart.
    const spike = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([...Array.from({ length: 8 }, () => 1), 9, 7]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 4 });
    expect(spike.yAxis).toMatchObject({ max: 4 });
  });

  it('gives outside load above the run\'s axis an axis of its own, so it is drawn whole, not cut', () => {
    const opt = buildCpuTimelineOption({
      series: [{ host: 'a', points: pts([1, 1, 1]) }], outside: [{ host: 'a', points: pts([0, 6.3, null]) }], findings: [], bucketMs: 1000, allocCores: 4,
    });
    const axes = opt.yAxis as { max: number; name: string; position?: string }[];
    expect(axes.map((a) => [a.name, a.max])).toEqual([['cores', 4], ['outside', 6.3]]);
    expect(axes[1]?.position).toBe('right');
    const lines = opt.series as Line[];
    expect(lines.find((l) => l.name === 'a outside load')?.yAxisIndex).toBe(1);
    expect(lines.find((l) => l.name === 'a')?.yAxisIndex ?? 0).toBe(0);
  });
});
