import { describe, expect, it } from 'vitest';
import type { HostView, RankView, RunWindow } from '../../window/run-window.ts';
import { recordedHost } from '../testdata/recorded.ts';
import { QUIET, T0, makeWindow } from '../testdata/windows.ts';
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
});
