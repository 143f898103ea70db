import { slope } from '../lib/stats.ts';

export { mad } from '../lib/stats.ts';

/** y ~ a·x^b fitted by least squares on log-log: the app model's scaling. */
export interface PowerLawFit {
  /** b: -1 is perfect strong scaling of wall time with cores, 0 is none. */
  readonly exponent: number;
  /** Standard error of b; null with no degree of freedom left (two points) or a perfect fit of two scales. */
  readonly se: number | null;
  /** Points (runs) in the fit. */
  readonly runs: number;
  /** Distinct x (scales) in the fit. */
  readonly scales: number;
}

/** Least-squares fit of log(y) on log(x). Null for fewer than 2 distinct x. */
export function powerLawFit(points: readonly { x: number; y: number }[]): PowerLawFit | null {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => [Math.log(q.x), Math.log(q.y)] as const);
  const b = slope(p);
  if (b === null) return null;
  const n = p.length;
  const mx = p.reduce((s, q) => s + q[0], 0) / n;
  const my = p.reduce((s, q) => s + q[1], 0) / n;
  const sxx = p.reduce((s, q) => s + (q[0] - mx) ** 2, 0);
  const sse = p.reduce((s, q) => s + (q[1] - (my + b * (q[0] - mx))) ** 2, 0);
  return { exponent: b, se: n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : null, runs: n, scales: new Set(p.map((q) => q[0])).size };
}

/** The exponent b of y ~ x^b. Null for fewer than 2 distinct x. */
export function powerLawExponent(points: readonly { x: number; y: number }[]): number | null {
  return powerLawFit(points)?.exponent ?? null;
}

/** A predicted value with its interval; `level` 0 when the fit leaves no way to bound it. */
export interface Prediction { readonly value: number; readonly lo: number; readonly hi: number; readonly level: number }

/** Two-sided 90% normal quantile: the interval of a prediction is b ± 1.645·se. */
const Z90 = 1.645;

/**
 * y at `x` from a measured (x0, y0) and the model's exponent: y0·(x/x0)^b. Its interval carries
 * the exponent's uncertainty (b ± 1.645·se, moved through the power law); the measured y0's own
 * spread is the caller's to add. Without a standard error the interval is the point itself at level 0.
 */
export function predictAtScale(base: { readonly x: number; readonly y: number }, fit: Pick<PowerLawFit, 'exponent' | 'se'>, x: number): Prediction {
  const r = x / base.x;
  const at = (b: number): number => base.y * r ** b;
  const value = at(fit.exponent);
  if (fit.se === null) return { value, lo: value, hi: value, level: 0 };
  const a = at(fit.exponent - Z90 * fit.se);
  const c = at(fit.exponent + Z90 * fit.se);
  return { value, lo: Math.min(a, c), hi: Math.max(a, c), level: 0.9 };
}
