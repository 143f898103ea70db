import { describe, expect, it } from 'vitest';
import { buildMetricTimelineOption } from './metric-timeline.ts';

type Line = { name: string; showSymbol: boolean; data: [number, number | string][] };
const every = (stepMs: number, values: (number | null)[]) => ({ host: 'ns/day', points: values.map((value, i) => ({ ts: i * stepMs, value })) });

describe('app metric chart', () => {
  it('joins a metric printed every 30 s into a line on a page of 1 s buckets, with its points shown', () => {
    const o = buildMetricTimelineOption(every(30_000, [10, 11, 12]), 1000);
    const [line] = o.series as Line[];
    expect(line?.data).toEqual([[0, 10], [30_000, 11], [60_000, 12]]);
    expect(line?.showSymbol).toBe(true);
    expect(o.yAxis).toMatchObject({ name: 'ns/day' });
  });

  it('still breaks the line where the app fell silent for several of its own steps', () => {
    const s = every(1000, [...Array.from({ length: 70 }, () => 5)]);
    const gap = { host: s.host, points: [...s.points, { ts: 200_000, value: 5 }] };
    const [line] = buildMetricTimelineOption(gap, 1000).series as Line[];
    expect(line?.data.filter(([, v]) => v === '-')).toHaveLength(1);
    expect(line?.showSymbol).toBe(false);
  });
});
