import type { RunReport } from '@runlens/schemas';
import { median } from '../lib/stats.ts';
import type { SummaryRow } from '../model/baseline.ts';
import { MIN_SLOWER_S, SLOWER_RATIO } from '../model/regression.ts';

/** The report compares with the newest runs of the baseline, any scale. */
export const REPORT_BASELINE_RUNS = 50;

/** How this run compares with its baseline (see model/baseline.ts loadBaseline). */
export function compareWithBaseline(app: string, baseline: readonly SummaryRow[], wallS: number, efficiency: number): RunReport['baseline'] {
  const base = baseline.slice(0, REPORT_BASELINE_RUNS);
  const runs = base.length;
  if (runs === 0) {
    return { app, runs: 0, wall_s_median: null, cpu_efficiency_median: null, verdict: 'first run of this app: no baseline yet' };
  }
  const wall = median(base.map((b) => b.wall_s));
  const ratio = wallS / wall;
  // The `regression` finding's thresholds: beyond 20% and beyond one tick, either way.
  const apart = Math.abs(wallS - wall) >= MIN_SLOWER_S;
  const verdict = ratio > SLOWER_RATIO && apart ? `${Math.round((ratio - 1) * 100)}% slower than the median of ${runs} earlier runs`
    : ratio < 2 - SLOWER_RATIO && apart ? `${Math.round((1 - ratio) * 100)}% faster than the median of ${runs} earlier runs`
      : `within ${apart ? '20%' : `${MIN_SLOWER_S} s`} of the median of ${runs} earlier runs`;
  return { app, runs, wall_s_median: wall, cpu_efficiency_median: median(base.map((b) => b.cpu_efficiency)), verdict: `${verdict} (efficiency ${Math.round(efficiency * 100)}%)` };
}
