import { describe, expect, it } from 'vitest';
import { buildCpuTimelineOption } from './cpu-timeline.ts';

const pts = (vs: (number | null)[]): { ts: number; value: number | null }[] => vs.map((value, i) => ({ ts: i * 1000, value }));
type Line = { name: string; stack?: string; yAxisIndex?: number; data: [number, number | string][]; lineStyle?: { type?: string }; markLine?: { data: { yAxis: number }[] } };

describe('buildCpuTimelineOption', () => {
  it('scales the axis to the allocation, so a run at 10% of 8 cores looks idle', () => {
    const opt = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([0.8, 0.8]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 8 });
    expect(opt.yAxis).toMatchObject({ max: 8, name: 'cores' });
    const alloc = (opt.series as Line[]).find((s) => s.name === 'allocation');
    expect(alloc?.markLine?.data).toEqual([{ yAxis: 8 }]);
  });

  it('stacks the run, its run delay and the outside load per host, on one time grid', () => {
    const opt = buildCpuTimelineOption({
      series: [{ host: 'a', points: pts([1, 1, 1]) }], delay: [{ host: 'a', points: pts([0.5, 0.5, 0.5]) }],
      outside: [{ host: 'a', points: [...pts([0, 1.5, null]), { ts: 3000, value: 2 }] }], findings: [], bucketMs: 1000, allocCores: 4,
    });
    const lines = opt.series as Line[];
    expect(lines.map((l) => [l.name, l.stack])).toEqual([['a', 'a'], ['a run delay', 'a'], ['a outside load', 'a'], ['allocation', undefined]]);
    // echarts stacks a time axis by index: every layer has the same times, a missing one a gap.
    expect(lines[0]!.data).toEqual([[0, 1], [1000, 1], [2000, 1], [3000, '-']]);
    expect(lines[1]!.data).toEqual([[0, 0.5], [1000, 0.5], [2000, 0.5], [3000, '-']]);
    expect(lines[2]!.data).toEqual([[0, 0], [1000, 1.5], [2000, '-'], [3000, 2]]);
    expect(lines[2]!.lineStyle?.type).toBe('dashed');
    expect(opt.yAxis).toMatchObject({ max: 4 });
  });

  it('keeps the axis at the allocation unless the stack mostly stands above it; spikes do not rescale it', () => {
    const over = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([5.2, 5.2, 5.2]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 4 });
    expect(over.yAxis).toMatchObject({ max: 5.2 });
    const spike = buildCpuTimelineOption({ series: [{ host: 'a', points: pts([...Array.from({ length: 8 }, () => 1), 9, 7]) }], outside: [], findings: [], bucketMs: 1000, allocCores: 4 });
    expect(spike.yAxis).toMatchObject({ max: 4 });
    // A run at 1 core, waiting 1 more, beside 3 cores of others on a 4-core allocation: 5 cores of demand.
    const crowded = buildCpuTimelineOption({
      series: [{ host: 'a', points: pts([1, 1, 1]) }], delay: [{ host: 'a', points: pts([1, 1, 1]) }],
      outside: [{ host: 'a', points: pts([3, 3, 3]) }], findings: [], bucketMs: 1000, allocCores: 4,
    });
    expect(crowded.yAxis).toMatchObject({ max: 5 });
    const layers = (crowded.series as Line[]).filter((l) => l.stack === 'a');
    expect(layers).toHaveLength(3);
  });

  it('draws no delay layer where none was sampled (reports written before it)', () => {
    const opt = buildCpuTimelineOption({
      series: [{ host: 'a', points: pts([1, 1]) }, { host: 'b', points: pts([2, 2]) }], outside: [{ host: 'b', points: pts([0.2, 0.2]) }], findings: [], bucketMs: 1000, allocCores: 2,
    });
    expect((opt.series as Line[]).map((l) => l.name)).toEqual(['a', 'b', 'b outside load', 'allocation']);
  });
});
