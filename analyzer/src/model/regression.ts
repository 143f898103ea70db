import type { FindingDraft } from '../detectors/detector.ts';
import { round } from '../detectors/detector.ts';
import type { RunWindow } from '../window/run-window.ts';
import { median } from '../lib/stats.ts';
import { mad } from './robust.ts';
import type { SummaryRow } from './baseline.ts';

export const MIN_BASELINE_RUNS = 3;
export const SLOWER_RATIO = 1.2;
export const MAD_K = 3;
/**
 * The least slowdown called a regression: one second, one tick of the run's window and the
 * resolution of the scheduler's own elapsed time. A run of a second or less moves by tens of
 * milliseconds with launch and teardown alone, whatever its length, so a relative threshold
 * cannot hold for it: in a clean 12-minute soak every regression called (3) was on `true`.
 */
export const MIN_SLOWER_S = 1;

/** Which resource changed most against the baseline, and in which phase. */
function cause(run: SummaryRow, base: readonly SummaryRow[], w: RunWindow): { cause: string; detail: string; phase: string } {
  const cpu = median(base.map((b) => b.cpu_cores_mean));
  const io = median(base.map((b) => b.storage_bytes_per_s_mean));
  const rss = median(base.map((b) => b.peak_rss_bytes));
  const throttled = (w.hosts ?? []).some((h) => h.cgroup.some((c) => (c.throttled_ratio ?? 0) > 0.2));
  const phase = slowestPhase(run, base);
  if (cpu > 0 && run.cpu_cores_mean < 0.85 * cpu) {
    return { cause: 'cpu', detail: `CPU in use fell from ${round(cpu, 2)} to ${round(run.cpu_cores_mean, 2)} cores${throttled ? ' (CFS quota throttling seen)' : ''}`, phase };
  }
  if (io > 0 && run.storage_bytes_per_s_mean < 0.8 * io) return { cause: 'io', detail: `storage throughput fell from ${round(io / 1048576, 1)} to ${round(run.storage_bytes_per_s_mean / 1048576, 1)} MiB/s`, phase };
  if (rss > 0 && run.peak_rss_bytes > 1.3 * rss) return { cause: 'memory', detail: `peak RSS grew from ${round(rss / 1048576)} to ${round(run.peak_rss_bytes / 1048576)} MiB`, phase };
  return { cause: 'unknown', detail: 'no single resource explains it; compare the phase timelines', phase };
}

/** The phase whose duration grew most against the median of the baseline's same phase. */
function slowestPhase(run: SummaryRow, base: readonly SummaryRow[]): string {
  let best = { name: 'whole run', grew: 0 };
  run.phase_profile.forEach((p, i) => {
    const [labelName, secs] = p.split(':');
    const baseSecs = median(base.map((b) => Number(b.phase_profile[i]?.split(':')[1] ?? NaN)).filter(Number.isFinite));
    const grew = Number(secs) - baseSecs;
    if (baseSecs > 0 && grew > best.grew) best = { name: `phase ${i} (${labelName})`, grew };
  });
  return best.name;
}

/** `regression`: slower than the app's baseline at the same scale, beyond its own spread. */
export function detectRegression(run: SummaryRow, history: readonly SummaryRow[], w: RunWindow): FindingDraft | null {
  const base = history.filter((h) => h.scale_cores === run.scale_cores).slice(0, 50);
  if (base.length < MIN_BASELINE_RUNS) return null;
  const walls = base.map((b) => b.wall_s);
  const med = median(walls);
  const spread = Math.max(mad(walls), 0.05 * med);
  if (run.wall_s < SLOWER_RATIO * med || run.wall_s < med + MAD_K * spread || run.wall_s < med + MIN_SLOWER_S) return null;
  const c = cause(run, base, w);
  const slower = run.wall_s / med - 1;
  return {
    kind: 'regression', scope: 'run', scope_id: '', host: w.host, start_ts: w.ticks[0]?.ts ?? 0, end_ts: w.ticks[w.ticks.length - 1]?.ts ?? 0,
    severity: slower > 0.5 ? 'critical' : 'warning', confidence: round(Math.min(1, 0.5 + (run.wall_s - med) / (10 * spread))),
    message: `Regression: ${Math.round(slower * 100)}% slower than the median of ${base.length} earlier runs; cause ${c.cause}: ${c.detail}`,
    advice: `Compare ${c.phase} with an earlier run of this app; ${c.cause === 'cpu' ? 'check CPU quota, frequency and competing processes on the node' : c.cause === 'io' ? 'check the file system load and stripe settings' : 'profile the slow phase'}.`,
    evidence: { wall_s: round(run.wall_s, 2), baseline_wall_s_median: round(med, 2), baseline_runs: base.length, spread_s: round(spread, 2), cause: c.cause, phase: c.phase, slower_ratio_threshold: SLOWER_RATIO, mad_k: MAD_K, min_slower_s: MIN_SLOWER_S },
  };
}
