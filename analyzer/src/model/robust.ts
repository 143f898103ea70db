import { slope } from '../lib/stats.ts';

export { mad } from '../lib/stats.ts';

/** Least-squares slope of log(y) on log(x): the exponent b of y ~ x^b. Null for fewer than 2 distinct x. */
export function powerLawExponent(points: readonly { x: number; y: number }[]): number | null {
  return slope(points.filter((q) => q.x > 0 && q.y > 0).map((q) => [Math.log(q.x), Math.log(q.y)] as const));
}
