/**
 * Two-sided Page-Hinkley change detection on one series. `delta` is the tolerated drift
 * per step, `lambda` the evidence (in units of the series × steps) needed to call a change.
 * Returns the indices where a new regime starts (the detector restarts after each).
 */
export function pageHinkley(xs: readonly number[], delta: number, lambda: number, minLen = 3): number[] {
  const cuts: number[] = [];
  let start = 0;
  let n = 0; let sum = 0; let up = 0; let upMin = 0; let down = 0; let downMax = 0;
  const reset = (): void => { n = 0; sum = 0; up = 0; upMin = 0; down = 0; downMax = 0; };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 0;
    n++;
    sum += x;
    const m = sum / n;
    up += x - m - delta;
    upMin = Math.min(upMin, up);
    down += x - m + delta;
    downMax = Math.max(downMax, down);
    if ((up - upMin > lambda || downMax - down > lambda) && i - start >= minLen) {
      // The change began where the cumulative sum last turned.
      const at = Math.max(start + minLen, changeStart(xs, start, i));
      cuts.push(at);
      start = at;
      reset();
      for (let j = at; j <= i; j++) { n++; sum += xs[j] ?? 0; }
    }
  }
  return cuts;
}

/** The index in (from, to] that best splits the segment into two means (least squares). */
function changeStart(xs: readonly number[], from: number, to: number): number {
  let best = to;
  let bestCost = Infinity;
  for (let k = from + 1; k <= to; k++) {
    const a = xs.slice(from, k);
    const b = xs.slice(k, to + 1);
    const cost = sse(a) + sse(b);
    if (cost < bestCost) { bestCost = cost; best = k; }
  }
  return best;
}

function sse(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  return xs.reduce((s, x) => s + (x - m) ** 2, 0);
}
