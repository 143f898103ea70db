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

/**
 * One value per tick time, kept in time order as ticks arrive: a tick in order is appended, a late
 * one inserted in its place, and a repeated time (a replayed batch) replaces the value it had. A
 * window is then a slice from a binary search, never a sort of the run's history.
 */
export class TickSeries<T extends { readonly ts: number }> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  set(t: T): void {
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
    return this.items.slice(lowerBound(this.items, from));
  }
}
