import { defineDetector, round, runFinding } from '../detector.ts';
import type { FindingDraft } from '../detector.ts';
import { mad } from '../../model/robust.ts';
import { median } from '../../lib/stats.ts';
import type { RunTick, RunWindow } from '../../window/run-window.ts';

/** Far outside the series' own robust range: |x - median| > Z × 1.4826 × MAD, and above a floor. */
export const Z = 8;
export const MIN_RUN = 3;
/** An excursion longer than this share of the run is a phase, not an outlier. */
export const MAX_SHARE = 0.2;
export const MIN_POINTS = 20;

export const SERIES: readonly { name: string; get: (t: RunTick) => number; floor: number; unit: string }[] = [
  { name: 'cpu_cores', get: (t) => t.cpu_cores, floor: 0.5, unit: 'cores' },
  { name: 'storage_bytes_per_s', get: (t) => t.storage_bytes_per_s, floor: 32 * 1024 * 1024, unit: 'B/s' },
  { name: 'syscalls_per_s', get: (t) => t.syscalls_per_s, floor: 5000, unit: '1/s' },
  { name: 'invol_ctxsw_per_s', get: (t) => t.invol_ctxsw_per_s, floor: 2000, unit: '1/s' },
];

/** The longest stretch of consecutive outlying points, as [first, last] indices. */
function longestExcursion(xs: readonly number[], med: number, limit: number): [number, number] | null {
  let best: [number, number] | null = null;
  let start = -1;
  xs.forEach((x, i) => {
    if (Math.abs(x - med) <= limit) { start = -1; return; }
    if (start < 0) start = i;
    if (!best || i - start > best[1] - best[0]) best = [start, i];
  });
  return best;
}

/**
 * For each of SERIES, whether no point can lie farther than its floor from the median: the median
 * lies between the smallest and the largest value, so every |x - median| is at most their
 * difference (rounding is monotone, so this holds in floating point too). A steady series is ruled
 * out without the two sorts of the median and the MAD. One pass over the ticks for all four, the
 * fields read directly (SERIES' order): asked per run at every tick.
 */
export function withinFloors(ticks: readonly RunTick[]): boolean[] {
  const lo = [Infinity, Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity, -Infinity];
  for (const t of ticks) {
    widen(lo, hi, 0, t.cpu_cores);
    widen(lo, hi, 1, t.storage_bytes_per_s);
    widen(lo, hi, 2, t.syscalls_per_s);
    widen(lo, hi, 3, t.invol_ctxsw_per_s);
  }
  // A NaN anywhere leaves its series' high NaN: never within the floor.
  return SERIES.map((s, k) => (hi[k] as number) - (lo[k] as number) <= s.floor);
}

function widen(lo: number[], hi: number[], k: number, x: number): void {
  if (Number.isNaN(x)) hi[k] = NaN;
  if (x < (lo[k] as number)) lo[k] = x;
  if (x > (hi[k] as number)) hi[k] = x;
}

/** One series' outlier, or null: the rule itself, medians and all (asked only where withinFloors leaves the series a chance). */
export function outlierOf(w: RunWindow, s: (typeof SERIES)[number]): FindingDraft | null {
  const xs = w.ticks.map(s.get);
  const med = median(xs);
  const limit = Math.max(Z * 1.4826 * mad(xs), s.floor);
  const ex = longestExcursion(xs, med, limit);
  if (!ex) return null;
  const len = ex[1] - ex[0] + 1;
  if (len < MIN_RUN || len > MAX_SHARE * xs.length) return null;
  const peak = Math.max(...xs.slice(ex[0], ex[1] + 1).map((x) => Math.abs(x - med)));
  return runFinding('metric_outlier', w, { start: w.ticks[ex[0]]?.ts ?? 0, end: w.ticks[ex[1]]?.ts ?? 0 }, {
    severity: 'info', confidence: round(Math.min(0.9, 0.5 + len / 20)),
    message: `${s.name} left its usual range for ${len} samples (${round(peak, 2)} ${s.unit} from the median ${round(med, 2)})`,
    advice: 'Look at the marked interval on the timeline: a burst of work, a stall or an outside event; compare with the same interval in an earlier run.',
    evidence: { series: s.name, median: round(med, 3), max_deviation: round(peak, 3), samples: len, z: Z, floor: s.floor, max_share: MAX_SHARE },
  });
}

/** Generic: a run-level series far outside its own robust range for a short stretch. */
export const metricOutlier = defineDetector({
  id: 'metric_outlier',
  description: 'A series far outside its own robust range (median ± Z MAD) for a short stretch.',
  evaluate(w) {
    if (w.ticks.length < MIN_POINTS) return [];
    const steady = withinFloors(w.ticks);
    return SERIES.flatMap((s, k) => (steady[k] ? [] : (outlierOf(w, s) ?? [])));
  },
});
