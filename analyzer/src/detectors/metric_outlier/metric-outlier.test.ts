import { describe, expect, it } from 'vitest';
import { makeWindow } from '../testdata/windows.ts';
import { metricOutlier } from './index.ts';

describe('metric_outlier', () => {
  it('flags a short burst far outside a steady series, with its size as evidence', () => {
    const w = makeWindow({ n: 60, tick: (i) => ({ cpu_cores: i >= 30 && i < 34 ? 3.5 : 1 + (i % 3) * 0.01 }) });
    const [f, ...rest] = metricOutlier.evaluate(w);
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('metric_outlier');
    expect(f?.severity).toBe('info');
    expect(f?.evidence).toMatchObject({ series: 'cpu_cores', samples: 4, median: 1.01 });
    expect(f?.end_ts).toBeGreaterThan(f?.start_ts ?? Infinity);
  });

  it('stays quiet on a steady run, on single spikes, and on a phase change', () => {
    expect(metricOutlier.evaluate(makeWindow({ n: 60, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
    expect(metricOutlier.evaluate(makeWindow({ n: 60, tick: (i) => ({ cpu_cores: i === 0 ? 4 : 1 }) }))).toEqual([]);
    expect(metricOutlier.evaluate(makeWindow({ n: 60, tick: (i) => ({ cpu_cores: i < 30 ? 0.1 : 2 }) }))).toEqual([]);
  });

  it('ignores deviations below the absolute floor', () => {
    expect(metricOutlier.evaluate(makeWindow({ n: 60, tick: (i) => ({ cpu_cores: i >= 30 && i < 34 ? 1.3 : 1 }) }))).toEqual([]);
  });
});
