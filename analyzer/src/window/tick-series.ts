/** Index of the first item at or after `ts` in a series sorted by time (its length when none is). */
export function lowerBound(series: readonly { readonly ts: number }[], ts: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[mid]?.ts ?? Infinity) < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index just past the last item at or before `ts` in a series sorted by time. */
export function upperBound(series: readonly { readonly ts: number }[], ts: number): number {
  let lo = 0;
  let hi = series.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((series[mid]?.ts ?? Infinity) <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a series is in time order with no NaN time, remembered per array and its length when it was known. */
const ordered = new WeakMap<readonly { readonly ts: number }[], { length: number; sorted: boolean }>();

/**
 * Whether a series is in time order (no NaN): remembered per array and length, so a series a
 * window was built with in order (TickSeries.since) is never walked for it, and another once.
 * Walking a window's 60 ticks to learn their order touched every tick object of a run that had
 * gone cold in the cache since its last evaluation.
 */
export function inTimeOrder(series: readonly { readonly ts: number }[]): boolean {
  const known = ordered.get(series);
  if (known?.length === series.length) return known.sorted;
  let sorted = true;
  for (let i = 0; i < series.length && sorted; i++) {
    const t = series[i]?.ts ?? NaN;
    sorted = !Number.isNaN(t) && (i === 0 || t >= (series[i - 1]?.ts ?? NaN));
  }
  ordered.set(series, { length: series.length, sorted });
  return sorted;
}

/** Remembers that `series` is in time order with no NaN time (the caller knows it by construction); returns it. */
export function knownInOrder<T extends { readonly ts: number }>(series: T[]): T[] {
  ordered.set(series, { length: series.length, sorted: true });
  return series;
}

/**
 * One value per tick time, kept in time order as ticks arrive: a tick in order is appended, a late
 * one inserted in its place, and a repeated time (a replayed batch) replaces the value it had. A
 * window is then a slice from a binary search, never a sort of the run's history.
 */
export class TickSeries<T extends { readonly ts: number }> {
  private readonly items: T[] = [];
  /** No value has a NaN time (a NaN time goes first and breaks the order). */
  private nanFree = true;

  get size(): number {
    return this.items.length;
  }

  set(t: T): void {
    if (Number.isNaN(t.ts)) this.nanFree = false;
    const last = this.items[this.items.length - 1];
    if (!last || t.ts > last.ts) {
      this.items.push(t);
      return;
    }
    const at = lowerBound(this.items, t.ts);
    if (this.items[at]?.ts === t.ts) this.items[at] = t;
    else this.items.splice(at, 0, t);
  }

  /** The values at or after `from` (epoch ms), oldest first; a new array the caller may keep. */
  since(from: number): T[] {
    const out = this.items.slice(lowerBound(this.items, from));
    return this.nanFree ? knownInOrder(out) : out;
  }
}
