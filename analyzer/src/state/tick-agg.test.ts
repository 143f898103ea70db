import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import type { RunTick } from '../window/run-window.ts';
import { allRows, colsOfRows } from './process-cols.ts';
import { aggregateTick, meanRankTicks, meanTicks, mergeBySecond, rankTick } from './tick-agg.ts';

/** A process row as the collector sends it; only the fields the aggregation reads vary. */
function proc(over: Partial<Row<'process_samples'>>): Row<'process_samples'> {
  return {
    ts: 0, host: 'h1', run_id: 'r1', rank: null, local_rank: null, pid: 1, ppid: 0, start_ticks: 0, comm: 'x', state: 'R',
    interval_s: 1, cpu_user_cores: 0, cpu_sys_cores: 0, run_delay_cores: 0, rss_bytes: 0, hwm_bytes: 0, vm_bytes: 0,
    threads: 1, busy_threads: null, read_bytes_per_s: 0, write_bytes_per_s: 0, rchar_per_s: 0, wchar_per_s: 0,
    syscr_per_s: 0, syscw_per_s: 0, vol_ctxsw_per_s: 0, invol_ctxsw_per_s: 0, minflt_per_s: 0, majflt_per_s: 0, last_cpu: 0,
    ...over,
  };
}

describe('aggregateTick: pegged CPU', () => {
  it('counts an Open MPI rank computing on one of its 3 threads as pegged (issue 10 item 7)', () => {
    // Open MPI 4.1 ranks: main thread computing, PMIx and libevent progress threads asleep.
    const ranks = [0, 1].map((rank) => proc({ pid: 10 + rank, rank, threads: 3, busy_threads: 1, cpu_user_cores: 0.92, run_delay_cores: 0.03 }));
    const t = aggregateTick(0, ranks, 2);
    expect(t.cpu_cores).toBeCloseTo(1.84);
    expect(t.pegged_cpu_cores).toBeCloseTo(1.84);
  });

  it('does not call 8 IO threads each on a CPU 15% of the time pegged', () => {
    const t = aggregateTick(0, [proc({ threads: 8, busy_threads: 8, cpu_user_cores: 0.6, cpu_sys_cores: 0.6 })], 2);
    expect(t.pegged_cpu_cores).toBe(0);
  });

  it('without a busy-thread count (first tick, > 256 threads) it falls back to the thread count', () => {
    expect(aggregateTick(0, [proc({ threads: 3, busy_threads: null, cpu_user_cores: 0.92 })], 2).pegged_cpu_cores).toBe(0);
    expect(aggregateTick(0, [proc({ threads: 2, busy_threads: null, cpu_user_cores: 1.9 })], 2).pegged_cpu_cores).toBeCloseTo(1.9);
  });
});

describe('aggregateTick: processes that started during the tick', () => {
  // Outside processes of a host's tick as the agent sends them: a daemon seen all tick, an outside
  // stress-ng started 0.3 s before the sample (its two workers busy at half a core each since).
  const daemon = proc({ pid: 1, run_id: '', interval_s: 1.01, cpu_user_cores: 0.1 });
  const stress = [
    proc({ pid: 3, run_id: '', interval_s: 0.3, cpu_user_cores: 0.01 }),
    proc({ pid: 4, run_id: '', interval_s: 0.29, cpu_user_cores: 0.5 }),
    proc({ pid: 5, run_id: '', interval_s: 0.29, cpu_user_cores: 0.5 }),
  ];

  it('gives their CPU over the tick and the share of the tick since the oldest started', () => {
    const t = aggregateTick(0, [daemon, ...stress], 1);
    expect(t.newcomers?.share).toBeCloseTo(0.3 / 1.01);
    // Averaged over the tick as every amount is: they used 0.293 core-seconds.
    expect(t.newcomers?.cores).toBeCloseTo((0.01 * 0.3 + 0.5 * 0.29 * 2) / 1.01);
    expect(t.cpu_cores).toBeCloseTo(0.1 + (0.01 * 0.3 + 0.5 * 0.29 * 2) / 1.01);
  });

  it('has none where every process was seen all tick, or all started together', () => {
    expect(aggregateTick(0, [daemon], 1).newcomers).toBeUndefined();
    expect(aggregateTick(0, stress, 1).newcomers).toBeUndefined();
  });
});

describe('mergeBySecond: hosts summed per second', () => {
  const tick = (ts: number, v: number): RunTick => ({
    ts, cpu_cores: v, user_cores: v * 2, sys_cores: 1, pegged_cpu_cores: v, run_delay_cores: 0, rss_bytes: v * 1000, storage_bytes_per_s: v, write_bytes_per_s: 0,
    syscall_bytes_per_s: 0, syscalls_per_s: v, invol_ctxsw_per_s: 0, majflt_per_s: 0, procs: 1, d_state_procs: 0, stopped_procs: 0, threads: v,
  });
  /** What the sum per second must be: every tick grouped by its nearest second, in the series' order. */
  function reference(series: readonly (readonly RunTick[])[]): [number, number, number][] {
    const by = new Map<number, RunTick[]>();
    for (const s of series) for (const t of s) by.set(Math.round(t.ts / 1000), [...(by.get(Math.round(t.ts / 1000)) ?? []), t]);
    return [...by].sort(([a], [b]) => a - b).map(([k, ts]) => [k * 1000, ts.reduce((a, t) => a + t.cpu_cores, 0), ts.reduce((a, t) => a + t.procs, 0)]);
  }

  it('walks series in time order to the same seconds and sums as grouping every tick, with gaps, jitter and two ticks in one second', () => {
    let seed = 3;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 200; trial++) {
      const series = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => {
        let ts = 1_700_000_000_000 + Math.floor(rand() * 3000);
        return Array.from({ length: Math.floor(rand() * 30) }, () => tick((ts += rand() < 0.1 ? 300 : 700 + Math.floor(rand() * 900)), Math.floor(rand() * 8)));
      });
      expect(mergeBySecond(series).map((t) => [t.ts, t.cpu_cores, t.procs])).toEqual(reference(series));
      // Told they are in time order (as RunState.window's slices are), it skips its check and sums the same.
      expect(mergeBySecond(series, true)).toEqual(mergeBySecond(series));
    }
  });

  it('a series out of time order is grouped all the same', () => {
    const series = [[tick(5000, 1), tick(3000, 2)], [tick(3100, 4), tick(4900, 8)]];
    expect(mergeBySecond(series).map((t) => [t.ts, t.cpu_cores])).toEqual([[3000, 6], [5000, 9]]);
  });
});

describe('rank ticks: user CPU only, the same value as the full tick', () => {
  it('matches aggregateTick and meanTicks to the bit over 500 random groups, newcomers and buckets included', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let g = 0; g < 500; g++) {
      const rows = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => proc({ interval_s: rnd() < 0.3 ? rnd() : 1 + rnd() * 0.05, cpu_user_cores: rnd() * 4, cpu_sys_cores: rnd() }));
      const full = aggregateTick(g * 1000, rows, 4);
      const slim = rankTick(g * 1000, colsOfRows(rows), allRows(rows.length));
      expect(slim).toEqual({ ts: g * 1000, user_cores: full.user_cores });
      expect(Object.is(slim.user_cores, full.user_cores)).toBe(true);
    }
    const fulls = Array.from({ length: 9 }, (_, i) => aggregateTick(i * 1000, [proc({ cpu_user_cores: rnd() * 3, interval_s: 0.5 + rnd() })], 4));
    const weights = fulls.map((_, i) => 1 + (i % 3));
    const slims = fulls.map((t) => ({ ts: t.ts, user_cores: t.user_cores }));
    expect(Object.is(meanRankTicks(0, slims, weights).user_cores, meanTicks(0, fulls, weights).user_cores)).toBe(true);
  });
});
