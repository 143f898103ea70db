/** Linear-interpolated quantile (type 7, as numpy's default); null for no data. */
export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? 0;
  const b = s[hi] ?? a;
  return a + (b - a) * (pos - lo);
}

export interface Summary {
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export function summarise(xs: readonly number[]): Summary {
  return {
    n: xs.length, p50: quantile(xs, 0.5), p95: quantile(xs, 0.95),
    min: xs.length ? Math.min(...xs) : null, max: xs.length ? Math.max(...xs) : null,
  };
}

export const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
