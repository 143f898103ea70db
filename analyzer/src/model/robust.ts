import { median } from '../window/run-window.ts';

/** Median absolute deviation: a spread that one wild run cannot inflate. */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** Least-squares slope of log(y) on log(x): the exponent b of y ~ x^b. Null for fewer than 2 distinct x. */
export function powerLawExponent(points: readonly { x: number; y: number }[]): number | null {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => ({ x: Math.log(q.x), y: Math.log(q.y) }));
  if (new Set(p.map((q) => q.x)).size < 2) return null;
  const mx = p.reduce((a, q) => a + q.x, 0) / p.length;
  const my = p.reduce((a, q) => a + q.y, 0) / p.length;
  const sxx = p.reduce((a, q) => a + (q.x - mx) ** 2, 0);
  const sxy = p.reduce((a, q) => a + (q.x - mx) * (q.y - my), 0);
  return sxx === 0 ? null : sxy / sxx;
}
