import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnalyzerState } from '../../state/analyzer-state.ts';
import { aggregateTick } from '../../state/tick-agg.ts';
import type { HostView, RankView, RunWindow } from '../../window/run-window.ts';
import { recordedHost } from '../testdata/recorded.ts';
import { QUIET, T0, makeWindow } from '../testdata/windows.ts';
import { progressRate } from '../peers.ts';
import { loadImbalance } from './index.ts';

/** Ranks on one host 'h1' using `user` cores each for 10 ticks; the host's cgroup is throttled when told. */
function ranksWindow(user: readonly number[], throttled: number | null): RunWindow {
  const w = makeWindow({ n: 10, alloc_cores: 4, tick: () => ({ cpu_cores: 1 }) });
  const ranks: RankView[] = user.map((u, rank) => ({ rank, host: 'h1', ticks: w.ticks.map((t) => ({ ...QUIET, ts: t.ts, cpu_cores: u, user_cores: u })) }));
  const cgroup = throttled === null ? [] : w.ticks.map((t) => ({ ts: t.ts, throttled_ratio: throttled, quota_cores: 1, mem_usage_bytes: null, mem_limit_bytes: null }));
  const h: HostView = { host: 'h1', ticks: w.ticks, node: [], background: [], cgroup, gpus: [], ib: [], profile: null };
  return { ...w, hosts: [h], ranks };
}

describe('load_imbalance', () => {
  it('flags rank 3 of duty.mjs 0.1/0.1/0.1/0.45 doing 4.3x the median work', () => {
    const [f, ...rest] = loadImbalance.evaluate(recordedHost('load_imbalance', 'duty-4ranks-one-heavy', 2));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'load_imbalance', severity: 'warning', scope: 'run', confidence: 1, start_ts: T0, end_ts: T0 + 19_045 });
    expect(f?.evidence).toEqual({ max_min_ratio: 4.497, ranks: 4, low_threshold: 0.7, high_threshold: 1.3, light_ranks: '', heavy_ranks: '3' });
    expect(f?.message).toContain('heavy ranks 3');
  });

  it('is silent for duty.mjs 0.25/0.25/0.25/0.3: the busiest rank is 1.2x the median, under 1.3x', () => {
    expect(loadImbalance.evaluate(recordedHost('load_imbalance', 'duty-4ranks-near', 2))).toEqual([]);
  });

  it('flags a light rank at 0.65 of the median, not one at 0.75, and is info below a 2x spread', () => {
    const [f] = loadImbalance.evaluate(ranksWindow([1, 1, 1, 0.65], null));
    expect(f).toMatchObject({ severity: 'info', evidence: { light_ranks: '3', heavy_ranks: '' } });
    expect(loadImbalance.evaluate(ranksWindow([1, 1, 1, 0.75], null))).toEqual([]);
  });

  it('leaves a light rank on a throttled host to slow_node', () => {
    expect(loadImbalance.evaluate(ranksWindow([1, 1, 1, 0.5], 0.4))).toEqual([]);
  });

  it('needs two ranks with 5 ticks each', () => {
    expect(loadImbalance.evaluate(ranksWindow([1], null))).toEqual([]);
    expect(loadImbalance.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });

  it('gives the same verdict from the rank windows\' user_cores column as from their ticks, to the last digit', () => {
    const user = fc.oneof(fc.integer({ min: 0, max: 400 }).map((c) => c / 100), fc.double({ min: 0, max: 4, noNaN: true }));
    fc.assert(fc.property(fc.array(fc.array(user, { minLength: 8, maxLength: 8 }), { minLength: 5, maxLength: 30 }), (ticks) => {
      const state = new AnalyzerState();
      ticks.forEach((perRank, i) => perRank.forEach((u, rank) => {
        const t = aggregateTick(T0 + i * 1000, [], 1);
        state.run('r1').addRankTick(rank, 'h1', { ...t, cpu_cores: u, user_cores: u });
      }));
      const w = state.run('r1').window(state.hosts);
      for (const r of w.ranks ?? []) {
        expect(r.user_cores?.length).toBe(r.ticks.length);
        expect(Object.is(progressRate(r.ticks, r.user_cores), progressRate(r.ticks))).toBe(true);
      }
      const without = { ...w, ranks: w.ranks?.map((r) => ({ rank: r.rank, host: r.host, ticks: r.ticks })) };
      expect(loadImbalance.evaluate(w)).toEqual(loadImbalance.evaluate(without));
    }), { numRuns: 200 });
  });
});
