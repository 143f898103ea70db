import { linearRegression, rSquared } from 'simple-statistics';
import { defineDetector, fullRange, round, runFinding } from '../detector.ts';

export const MIN_SLOPE_BYTES_PER_S = 1024 * 1024;
export const MIN_R2 = 0.8;
/** Largest fall from the running peak, as a share of the growth, that still counts as "never returns". */
export const MAX_GIVEBACK = 0.1;
export const MIN_POINTS = 8;

/** Largest drop below the running maximum. */
function maxDrawdown(xs: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const x of xs) {
    peak = Math.max(peak, x);
    worst = Math.max(worst, peak - x);
  }
  return worst;
}

/** RSS grows steadily and never returns: a good linear fit, a real slope, no large falls. */
export const memoryLeak = defineDetector({
  id: 'memory_leak',
  description: 'Resident memory grows steadily and is never given back.',
  evaluate(w) {
    const pts = w.ticks.filter((t) => t.rss_bytes > 0).map((t) => [(t.ts - (w.ticks[0]?.ts ?? 0)) / 1000, t.rss_bytes] as [number, number]);
    if (pts.length < MIN_POINTS) return [];
    const fit = linearRegression(pts);
    const r2 = rSquared(pts, (x) => fit.m * x + fit.b);
    const rss = pts.map((p) => p[1]);
    const growth = Math.max(...rss) - (rss[0] ?? 0);
    const giveback = growth > 0 ? maxDrawdown(rss) / growth : 1;
    if (fit.m < MIN_SLOPE_BYTES_PER_S || r2 < MIN_R2 || giveback > MAX_GIVEBACK) return [];
    const limit = w.mem_total_bytes;
    const secondsToLimit = limit ? (limit - (rss[rss.length - 1] ?? 0)) / fit.m : null;
    return [runFinding('memory_leak', w, fullRange(w), {
      severity: secondsToLimit !== null && secondsToLimit < 3600 ? 'critical' : 'warning',
      confidence: round(Math.min(1, r2)),
      message: `Memory leak: RSS grows ${round(fit.m / 1048576, 1)} MiB/s (R² ${round(r2, 2)}) and is never given back`,
      advice: 'Find the allocation site: heaptrack or valgrind --tool=massif on a short run, or tracemalloc / memray for Python.',
      evidence: {
        slope_bytes_per_s: round(fit.m, 0), r2: round(r2), giveback_share: round(giveback), growth_bytes: growth,
        min_slope_bytes_per_s: MIN_SLOPE_BYTES_PER_S, min_r2: MIN_R2, max_giveback: MAX_GIVEBACK,
        seconds_to_mem_total: secondsToLimit === null ? null : round(secondsToLimit, 0),
      },
    })];
  },
});
