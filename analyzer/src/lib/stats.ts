import { linearRegression, median as ssMedian, medianAbsoluteDeviation } from 'simple-statistics';

/*
 * The statistics the analyzer uses, from simple-statistics where it has them. Its functions throw on an empty
 * sample; a window can be empty (a run without samples yet), and 0 reads as "nothing" there.
 */

/** Plain average (simple-statistics' compensated sum would move evidence rounded at a half). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** mean(xs.map(f)), to the bit (the same sum in the same order), without the mapped array: detectors ask per run at every tick. */
export function meanBy<T>(xs: readonly T[], f: (x: T) => number): number {
  let sum = 0;
  for (const x of xs) sum += f(x);
  return xs.length === 0 ? 0 : sum / xs.length;
}

export function median(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : ssMedian([...xs]);
}

/** Median absolute deviation: a spread that one wild run cannot inflate. */
export function mad(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : medianAbsoluteDeviation([...xs]);
}

/** Least-squares slope of y on x; null for fewer than 2 distinct x. */
export function slope(points: readonly (readonly [number, number])[]): number | null {
  if (new Set(points.map((p) => p[0])).size < 2) return null;
  return linearRegression(points.map((p) => [p[0], p[1]])).m;
}
