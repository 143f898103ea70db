import { linearRegression, rSquared } from 'simple-statistics';
import { type FindingDraft, defineDetector, fullRange, round, runFinding } from '../detector.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';

export const MIN_SLOPE_BYTES_PER_S = 1024 * 1024;
export const MIN_R2 = 0.8;
/** Largest fall from the running peak, as a share of the growth, that still counts as "never returns". */
export const MAX_GIVEBACK = 0.1;
export const MIN_POINTS = 8;
/** The last part of the window that must still grow: its last quarter, by time, and at least TAIL_MIN_POINTS. */
export const TAIL_SHARE = 0.25;
export const TAIL_MIN_POINTS = 3;

type Pt = [number, number];

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

/**
 * Whether the window fails the rule before any fit, from the values fitParts would use, in two
 * passes without arrays, so a steady RSS is ruled out at every tick without three regressions:
 * fewer than MIN_POINTS points; more given back than MAX_GIVEBACK of the growth (no growth counts
 * as all given back); or a fitted slope that cannot reach MIN_SLOPE_BYTES_PER_S. For the last:
 * a least-squares slope is Σ(x-x̄)(y-c) / Σ(x-x̄)² for any c, and with c mid-range every |y-c| is
 * at most half the range, so |slope| ≤ range·Σ|x-x̄| / (2·Σ(x-x̄)²); ruled out only with a
 * margin of 2 on that bound, far beyond any rounding of either computation.
 */
export function ruledOut(ticks: readonly RunTick[]): boolean {
  let n = 0;
  let first = 0;
  let max = -Infinity;
  let min = Infinity;
  let peak = -Infinity;
  let worst = 0;
  let sumX = 0;
  const t0 = ticks[0]?.ts ?? 0;
  for (const t of ticks) {
    const y = t.rss_bytes;
    if (!(y > 0)) continue;
    if (n++ === 0) first = y;
    max = Math.max(max, y);
    min = Math.min(min, y);
    peak = Math.max(peak, y);
    worst = Math.max(worst, peak - y);
    sumX += (t.ts - t0) / 1000;
  }
  if (n < MIN_POINTS) return true;
  const growth = max - first;
  if ((growth > 0 ? worst / growth : 1) > MAX_GIVEBACK) return true;
  const meanX = sumX / n;
  let abs = 0;
  let sq = 0;
  for (const t of ticks) {
    if (!(t.rss_bytes > 0)) continue;
    const d = (t.ts - t0) / 1000 - meanX;
    abs += Math.abs(d);
    sq += d * d;
  }
  return sq > 0 && Number.isFinite(sq) && ((max - min) * abs) / (2 * sq) < MIN_SLOPE_BYTES_PER_S / 2;
}

/** The points before the last quarter, and the last quarter (never fewer than TAIL_MIN_POINTS). */
function splitTail(pts: readonly Pt[]): { head: Pt[]; tail: Pt[] } {
  const lastX = pts[pts.length - 1]?.[0] ?? 0;
  const byTime = pts.findIndex((p) => p[0] >= (1 - TAIL_SHARE) * lastX);
  const cut = Math.min(byTime, pts.length - TAIL_MIN_POINTS);
  return { head: pts.slice(0, cut), tail: pts.slice(cut) };
}

/** The fitted growth over the whole window, its first part and its last quarter. */
function fitParts(pts: readonly Pt[]) {
  const fit = linearRegression([...pts]);
  const { head, tail } = splitTail(pts);
  const rss = pts.map((p) => p[1]);
  const growth = Math.max(...rss) - (rss[0] ?? 0);
  return {
    slope: fit.m, r2: rSquared([...pts], (x) => fit.m * x + fit.b), rss, growth,
    giveback: growth > 0 ? maxDrawdown(rss) / growth : 1,
    slopeFirst: head.length >= 2 ? linearRegression(head).m : fit.m,
    slopeLast: linearRegression(tail).m,
    growthLast: (tail[tail.length - 1]?.[1] ?? 0) - (tail[0]?.[1] ?? 0),
    lastS: (tail[tail.length - 1]?.[0] ?? 0) - (tail[0]?.[0] ?? 0),
  };
}

/**
 * RSS grows steadily, never returns, and is still growing at the end of the window: a good linear
 * fit, a real slope, no large falls, and a real slope over the last quarter. Growth that stops
 * and holds (a ramp or steps up to a working set) is not a leak.
 */
export const memoryLeak = defineDetector({
  id: 'memory_leak',
  description: 'Resident memory grows steadily to the end of the window and is never given back.',
  evaluate: (w) => (ruledOut(w.ticks) ? [] : fitLeak(w)),
});

/** The rule itself, fits and all (evaluate asks it only where ruledOut leaves it a chance). */
export function fitLeak(w: RunWindow): FindingDraft[] {
  const pts = w.ticks.filter((t) => t.rss_bytes > 0).map((t) => [(t.ts - (w.ticks[0]?.ts ?? 0)) / 1000, t.rss_bytes] as Pt);
  if (pts.length < MIN_POINTS) return [];
  const p = fitParts(pts);
  if (p.slope < MIN_SLOPE_BYTES_PER_S || p.r2 < MIN_R2 || p.giveback > MAX_GIVEBACK) return [];
  if (p.slopeLast < MIN_SLOPE_BYTES_PER_S) return [];
  const limit = w.mem_total_bytes;
  const secondsToLimit = limit ? (limit - (p.rss[p.rss.length - 1] ?? 0)) / p.slope : null;
  return [runFinding('memory_leak', w, fullRange(w), {
    severity: secondsToLimit !== null && secondsToLimit < 3600 ? 'critical' : 'warning',
    confidence: round(Math.min(1, p.r2)),
    message: `Memory leak: RSS grows ${round(p.slope / 1048576, 1)} MiB/s (R² ${round(p.r2, 2)}), still ${round(p.slopeLast / 1048576, 1)} MiB/s over the last quarter, and is never given back`,
    advice: 'Find the allocation site: heaptrack or valgrind --tool=massif on a short run, or tracemalloc / memray for Python.',
    evidence: {
      slope_bytes_per_s: round(p.slope, 0), r2: round(p.r2), giveback_share: round(p.giveback), growth_bytes: p.growth,
      slope_first_bytes_per_s: round(p.slopeFirst, 0), slope_last_quarter_bytes_per_s: round(p.slopeLast, 0),
      growth_last_quarter_bytes: p.growthLast, last_quarter_s: round(p.lastS, 1),
      min_slope_bytes_per_s: MIN_SLOPE_BYTES_PER_S, min_r2: MIN_R2, max_giveback: MAX_GIVEBACK,
      seconds_to_mem_total: secondsToLimit === null ? null : round(secondsToLimit, 0),
    },
  })];
}
