import { nearest } from './run-window.ts';

/**
 * nearest() for a detector that walks a window's ticks in time order and asks, at each, for the
 * nearest tick of another series: a pointer that only moves forward instead of a search per tick.
 * It gives what nearest() gives (within 2 s; of equally near ones, the first); a series out of
 * time order, or a time before the one asked last, takes nearest() itself.
 */
export class NearestCursor<T extends { readonly ts: number }> {
  private readonly ordered: boolean;
  /** The first tick at or after the last time asked. */
  private at = 0;
  private last = -Infinity;

  constructor(private readonly series: readonly T[]) {
    let ordered = true;
    for (let i = 0; i < series.length && ordered; i++) {
      const t = (series[i] as T).ts;
      ordered = !Number.isNaN(t) && (i === 0 || t >= (series[i - 1] as T).ts);
    }
    this.ordered = ordered;
  }

  nearest(ts: number): T | null {
    if (!this.ordered || !(ts >= this.last)) return nearest(this.series, ts);
    this.last = ts;
    const s = this.series;
    while (this.at < s.length && (s[this.at] as T).ts < ts) this.at++;
    const above = s[this.at];
    let b = this.at - 1;
    // Of several ticks at the time below, the first.
    while (b > 0 && (s[b - 1] as T).ts === (s[b] as T).ts) b--;
    const below = s[b];
    const best = !below ? (above ?? null) : !above || ts - below.ts <= above.ts - ts ? below : above;
    return best && Math.abs(best.ts - ts) <= 2000 ? best : null;
  }
}
