import { describe, expect, it } from 'vitest';
import { makeWindow } from '../detectors/testdata/windows.ts';
import type { SummaryRow } from './baseline.ts';
import { detectRegression } from './regression.ts';

/** The columns the regression test reads; the rest of a summary row does not matter to it. */
const summary = (wall_s: number, cpu_cores_mean = 1): SummaryRow => ({
  run_id: `r${wall_s}`, app: 'a', fingerprint: 'a', scale_cores: 1, wall_s, cpu_cores_mean, storage_bytes_per_s_mean: 0, peak_rss_bytes: 1e8, phase_profile: [],
}) as unknown as SummaryRow;
const w = makeWindow({ n: 5, tick: () => ({ cpu_cores: 1 }) });

describe('regression against the app\'s own history', () => {
  it('flags a run 50% slower than five steady earlier runs, with the cause that changed', () => {
    const f = detectRegression(summary(30, 0.6), [20, 20.5, 19.5, 20, 20.2].map((s) => summary(s)), w);
    expect(f).toMatchObject({ kind: 'regression', severity: 'warning', evidence: { cause: 'cpu', baseline_runs: 5 } });
  });

  it('does not call launch noise of a run of a few seconds or less a regression', () => {
    // Sub-second runs: 2.5x the median, beyond 3 MADs, but 0.05 s is no slowdown a user can act on.
    expect(detectRegression(summary(0.08), [0.03, 0.031, 0.029, 0.03, 0.032].map((s) => summary(s)), w)).toBeNull();
    // A 2 s run that ended 0.7 s late: 1.35x, still inside one sampling tick.
    expect(detectRegression(summary(2.75), [2.04, 2.05, 2.03, 2.06].map((s) => summary(s)), w)).toBeNull();
  });

  it('flags a short run that lost more than a tick', () => {
    const f = detectRegression(summary(3.4, 0.6), [2.04, 2.05, 2.03, 2.06].map((s) => summary(s)), w);
    expect(f).toMatchObject({ kind: 'regression', evidence: { baseline_wall_s_median: 2.05, min_slower_s: 1 } });
  });
});
