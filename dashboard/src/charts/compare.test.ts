import { describe, expect, it } from 'vitest';
import { buildCompareOption, elapsedTotal } from './compare.ts';

describe('run comparison chart', () => {
  it('sums hosts per bucket against seconds since the start, keeping a gap where no host had data', () => {
    const pts = elapsedTotal([
      { host: 'a', points: [{ ts: 10_000, value: 1 }, { ts: 11_000, value: null }, { ts: 12_000, value: 2 }] },
      { host: 'b', points: [{ ts: 10_000, value: 0.5 }, { ts: 12_000, value: 1 }] },
    ], 10_000);
    expect(pts).toEqual([{ ts: 0, value: 1.5 }, { ts: 1, value: null }, { ts: 2, value: 3 }]);
  });

  it('overlays the two runs, the earlier one dashed', () => {
    const o = buildCompareOption({ label: 'this run', points: [{ ts: 0, value: 1 }] }, { label: 'earlier', points: [{ ts: 0, value: null }] });
    const series = o.series as { name: string; data: unknown[]; lineStyle: { type?: string } }[];
    expect(series.map((s) => s.name)).toEqual(['this run', 'earlier']);
    expect(series[1]?.data).toEqual([[0, '-']]);
    expect(series[1]?.lineStyle.type).toBe('dashed');
  });
});
