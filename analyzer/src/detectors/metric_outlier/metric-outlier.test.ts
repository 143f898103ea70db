import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { SERIES, metricOutlier, outlierOf, withinFloors } from './index.ts';

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

describe('metric_outlier on captured windows (testdata/, 2-core VM)', () => {
  it('marks a 4 s dd burst inside 30 s of sleep: storage far above its median of 0 for 5 samples', () => {
    const [f, ...rest] = metricOutlier.evaluate(recordedHost('metric_outlier', 'dd-4s-burst', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'metric_outlier', severity: 'info', scope: 'run', confidence: 0.75, start_ts: T0 + 11_115, end_ts: T0 + 15_125 });
    // dd wrote 0.6-1.3 GB/s for 4 ticks; the 5th sample is `sh` reaping dd, whose /proc io then holds
    // dd's 4.3 GB (the kernel adds a reaped child's IO to its parent): that double count is the peak.
    expect(f?.evidence).toEqual({
      series: 'storage_bytes_per_s', median: 0, max_deviation: 4_336_380_000, samples: 5, z: 8, floor: 32 * 1024 * 1024, max_share: 0.2,
    });
  });

  it('is silent for a 4 s burn.mjs burst on a loaded VM: it only added 0.25 cores, under the 0.5-core floor', () => {
    expect(metricOutlier.evaluate(recordedHost('metric_outlier', 'cpu-burst-starved', 1))).toEqual([]);
  });
});

describe('metric_outlier: the range check before the medians', () => {
  it('rules out only series the full rule finds nothing in (random series near and across the floor)', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let ruled = 0;
    let burst = 0;
    for (let trial = 0; trial < 400; trial++) {
      const spread = [0.1, 0.4, 0.5, 0.6, 3][trial % 5] ?? 1;
      const at = Math.floor(rand() * 50);
      const w = makeWindow({ n: 20 + (trial % 41), tick: (i) => ({
        cpu_cores: 1 + rand() * spread + (trial % 2 === 0 && i >= at && i < at + 3 + (trial % 4) ? 5 : 0),
        syscalls_per_s: 1000 + rand() * 4000 * spread, storage_bytes_per_s: rand() * 1e7 * spread, invol_ctxsw_per_s: 100 * spread * rand(),
      }) });
      const steady = withinFloors(w.ticks);
      SERIES.forEach((s, k) => {
        // The one-pass check reads each series' own values: its verdict is the range of s.get.
        const xs = w.ticks.map(s.get);
        expect(steady[k]).toBe(Math.max(...xs) - Math.min(...xs) <= s.floor);
        if (!steady[k]) return;
        ruled++;
        expect(outlierOf(w, s)).toBeNull();
      });
      burst += metricOutlier.evaluate(w).length;
    }
    // Both sides were exercised: series ruled out cheaply, and bursts the full rule found.
    expect(ruled).toBeGreaterThan(100);
    expect(burst).toBeGreaterThan(10);
  });
});
