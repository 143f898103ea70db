import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { MB, T0, makeWindow } from '../testdata/windows.ts';
import { fitLeak, memoryLeak, ruledOut } from './index.ts';

describe('memory_leak', () => {
  it('fires for RSS growing 20 MB/s over 15 ticks, with the fit and the thresholds as evidence', () => {
    const w = makeWindow({ n: 15, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * i }) });
    const [f, ...rest] = memoryLeak.evaluate(w);
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('memory_leak');
    expect(f?.severity).toBe('warning');
    expect([f?.start_ts, f?.end_ts]).toEqual([T0, T0 + 14_000]);
    expect(f?.confidence).toBe(1);
    expect(f?.evidence).toEqual({
      slope_bytes_per_s: 20 * MB, r2: 1, giveback_share: 0, growth_bytes: 280 * MB,
      slope_first_bytes_per_s: 20 * MB, slope_last_quarter_bytes_per_s: 20 * MB, growth_last_quarter_bytes: 60 * MB, last_quarter_s: 3,
      min_slope_bytes_per_s: 1024 * 1024, min_r2: 0.8, max_giveback: 0.1, seconds_to_mem_total: null,
    });
    expect(f?.message).toContain('19.1 MiB/s');
  });

  it('is critical when the growth reaches MemTotal within the hour', () => {
    const w = makeWindow({ n: 15, mem_total_bytes: 1000 * MB, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * i }) });
    const [f] = memoryLeak.evaluate(w);
    expect(f?.severity).toBe('critical');
    expect(f?.evidence.seconds_to_mem_total).toBe(31); // (1000 - 380) MB at 20 MB/s
  });

  it('does not fire for a sawtooth that grows 20 MB/s for 4 s and then drops back', () => {
    const w = makeWindow({ n: 20, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * (i % 5) }) });
    expect(memoryLeak.evaluate(w)).toEqual([]);
  });

  it('does not fire when a steady climb gives back more than 10% once', () => {
    const w = makeWindow({ n: 15, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * i - (i >= 10 ? 60 * MB : 0) }) });
    expect(memoryLeak.evaluate(w)).toEqual([]);
  });

  it('does not fire for a ramp of 20 MB/s for 14 s that then holds for 5 s: the working set is reached', () => {
    const w = makeWindow({ n: 20, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * Math.min(i, 14) }) });
    expect(memoryLeak.evaluate(w)).toEqual([]);
  });

  it('does not fire for five 60 MB steps, one every 2 s, that then hold for 6 s', () => {
    const w = makeWindow({ n: 16, tick: (i) => ({ rss_bytes: 100 * MB + 60 * MB * Math.min(5, Math.floor(i / 2)) }) });
    expect(memoryLeak.evaluate(w)).toEqual([]);
  });

  it('fires for a run flat for 8 s that then leaks 20 MB/s to the end: the last quarter still grows', () => {
    const w = makeWindow({ n: 20, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * Math.max(0, i - 4) }) });
    const [f] = memoryLeak.evaluate(w);
    expect(f?.kind).toBe('memory_leak');
    expect(f?.evidence.slope_last_quarter_bytes_per_s).toBe(20 * MB);
    expect(Number(f?.evidence.slope_first_bytes_per_s)).toBeLessThan(20 * MB);
  });

  it('does not fire for growth below 1 MiB/s or with too few points', () => {
    expect(memoryLeak.evaluate(makeWindow({ n: 15, tick: (i) => ({ rss_bytes: 100 * MB + 0.5 * MB * i }) }))).toEqual([]);
    expect(memoryLeak.evaluate(makeWindow({ n: 7, tick: (i) => ({ rss_bytes: 100 * MB + 20 * MB * i }) }))).toEqual([]);
  });
});

describe('memory_leak on captured windows (testdata/, 2-core VM with 25 GB)', () => {
  it('is critical for memory-pattern.mjs leaking 20 MiB/s: MemTotal is 20 minutes away', () => {
    const [f, ...rest] = memoryLeak.evaluate(recordedHost('memory_leak', 'leak-20mib-per-s', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'memory_leak', severity: 'critical', scope: 'run', confidence: 1, start_ts: T0, end_ts: T0 + 15_058 });
    expect(f?.evidence).toEqual({
      slope_bytes_per_s: 20_353_164, r2: 1, giveback_share: 0, growth_bytes: 306_860_032,
      slope_first_bytes_per_s: 20_315_114, slope_last_quarter_bytes_per_s: 20_301_304, growth_last_quarter_bytes: 60_948_480, last_quarter_s: 3,
      min_slope_bytes_per_s: 1024 * 1024, min_r2: 0.8, max_giveback: 0.1, seconds_to_mem_total: 1224,
    });
    expect(f?.message).toContain('19.4 MiB/s');
  });

  it('is silent for memory-pattern.mjs ramp-hold: 20 MiB/s for 13 s, then 7 s held at 281 MiB', () => {
    expect(memoryLeak.evaluate(recordedHost('memory_leak', 'ramp-then-hold', 1))).toEqual([]);
  });

  it('is silent for memory-pattern.mjs step-hold: six 60 MiB steps 2 s apart, then 8 s held at 342 MiB', () => {
    expect(memoryLeak.evaluate(recordedHost('memory_leak', 'step-then-hold', 1))).toEqual([]);
  });

  it('is silent for the same program leaking 0.8 MiB/s, just under the 1 MiB/s slope', () => {
    expect(memoryLeak.evaluate(recordedHost('memory_leak', 'leak-0.8mib-per-s', 1))).toEqual([]);
  });
});

describe('memory_leak: the one-pass check before the fits', () => {
  it('rules out only windows the full rule finds no leak in (random walks, ramps, steps and leaks)', () => {
    let seed = 5;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let ruled = 0;
    let leaks = 0;
    for (let trial = 0; trial < 400; trial++) {
      const slope = [0, 0.2, 0.6, 1.1, 3, 20][trial % 6] ?? 0;
      const noise = [0, 0.05, 1, 10][trial % 4] ?? 0;
      let rss = 500 * MB;
      const w = makeWindow({ n: 5 + (trial % 56), tick: () => ({ rss_bytes: (rss += slope * 1048576 + (rand() - 0.5) * noise * MB) }) });
      if (ruledOut(w.ticks)) {
        ruled++;
        expect(fitLeak(w)).toEqual([]);
      }
      leaks += memoryLeak.evaluate(w).length;
    }
    expect(ruled).toBeGreaterThan(100);
    expect(leaks).toBeGreaterThan(20);
  });
});
