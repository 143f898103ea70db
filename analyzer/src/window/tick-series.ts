import { ObjectStore, type TickStore, type WindowSum } from './tick-store.ts';

/**
 * Index of the first item at or after `ts` in a series sorted by time (its length when none is).
 * Windows ask near the newest end of a host's hour of history: the search gallops back from the
 * end and bisects only the last stretch, reading a few neighbouring items instead of probes spread
 * over the series, each a cache miss on a tick object.
 */
export function lowerBound(series: readonly { readonly ts: number }[], ts: number): number {
  return boundFromEnd(series, ts, false);
}

/** Index just past the last item at or before `ts` in a series sorted by time (searched as lowerBound is). */
export function upperBound(series: readonly { readonly ts: number }[], ts: number): number {
  return boundFromEnd(series, ts, true);
}

/** The first index whose time is past `ts` (`after`) or at or past it, galloping back from the end, then bisecting. */
function boundFromEnd(series: readonly { readonly ts: number }[], ts: number, after: boolean): number {
  let hi = series.length;
  let lo = 0;
  for (let step = 1; hi > 0; step *= 2) {
    const probe = Math.max(0, hi - step);
    const t = series[probe]?.ts ?? Infinity;
    if (after ? t <= ts : t < ts) {
      lo = probe + 1;
      break;
    }
    hi = probe;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = series[mid]?.ts ?? Infinity;
    if (after ? t <= ts : t < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * lowerBound and upperBound over the times themselves (a dense array of doubles kept beside a
 * series of objects, so a search reads no object). Apart from the search over objects on purpose:
 * one function reading both kinds of array made V8's optimised code turn the arrays of doubles
 * into arrays of boxed numbers (it unifies the element kinds a polymorphic read sees), which undid
 * what the dense times were for.
 */
export const timesLowerBound = (times: readonly number[], ts: number): number => timesBound(times, ts, false);
export const timesUpperBound = (times: readonly number[], ts: number): number => timesBound(times, ts, true);

function timesBound(times: readonly number[], ts: number, after: boolean): number {
  let hi = times.length;
  let lo = 0;
  for (let step = 1; hi > 0; step *= 2) {
    const probe = Math.max(0, hi - step);
    const t = times[probe] as number;
    if (after ? t <= ts : t < ts) {
      lo = probe + 1;
      break;
    }
    hi = probe;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = times[mid] as number;
    if (after ? t <= ts : t < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The ticks of one bucket as one value at `ts` (the bucket's start); `weights`: how many ticks each already stands for. */
export type MergeTicks<T> = (ts: number, ticks: readonly T[], weights: readonly number[]) => T;

/** A run's history at full resolution: the live windows and late ticks need no more than this. */
export const FINE_MS = 10 * 60_000;
/** Older history is kept in at most this many buckets; the bucket width doubles when it would take more. */
export const MAX_BUCKETS = 1200;

/**
 * The bucket width (ms) for a run `ageMs` old: 0 while its whole history fits at full resolution
 * (runs up to FINE_MS plus MAX_BUCKETS seconds: 30 minutes), then 2 s, 4 s, … so that what is
 * older than FINE_MS takes at most MAX_BUCKETS buckets. A power of two of seconds, so every
 * series of a run and every width nest on one grid from the epoch.
 */
export function bucketMsFor(ageMs: number): number {
  let step = 1000;
  while ((ageMs - FINE_MS) / step > MAX_BUCKETS) step *= 2;
  return step === 1000 ? 0 : step;
}

/**
 * One value per tick time, kept in time order as ticks arrive: a tick in order is appended, a late
 * one inserted in its place, and a repeated time (a replayed batch) replaces the value it had. A
 * window is then a slice from a binary search, never a sort of the run's history.
 *
 * A long run's older history is merged into buckets (`compact`, with `merge`), so a run's state is
 * bounded whatever its length: recent ticks stay as they came, and a window reaching before them
 * (the whole run, at its end) is given on the buckets' grid throughout, one value per bucket.
 */
export class TickSeries<T extends { readonly ts: number }> {
  /** Merged buckets older than the store's ticks, on the grid of `bucketMs`, with how many ticks each stands for. */
  private buckets: T[] = [];
  private weights: number[] = [];
  private bucketMs = 0;
  /** Ticks before this time are merged into buckets (-Infinity: none are). */
  private compactedTo = -Infinity;

  /** `store`: where the recent ticks are kept (tick-store.ts): as objects by default. */
  constructor(private readonly merge?: MergeTicks<T>, private readonly store: TickStore<T> = new ObjectStore<T>()) {}

  get size(): number {
    return this.store.length + this.buckets.length;
  }

  /** Adds a tick; false for one older than the full-resolution history, whose bucket is merged already, or one without a time. */
  set(t: T): boolean {
    if (t.ts < this.compactedTo || Number.isNaN(t.ts)) return false;
    const s = this.store;
    if (s.length === 0 || t.ts > s.tsAt(s.length - 1)) {
      s.push(t);
      return true;
    }
    const at = this.firstAtOrAfter(t.ts);
    if (at < s.length && s.tsAt(at) === t.ts) s.put(at, t);
    else s.insert(at, t);
    return true;
  }

  /**
   * The count, sum of the store's value (added in time order, as a loop over `since(from)` adds
   * them) and first and last times of the ticks at or after `from`; null where the store keeps no
   * value (ObjectStore), or where `from` reaches into the merged history (ask `since` then).
   */
  sumSince(from: number): WindowSum | null {
    return from < this.compactedTo ? null : this.store.sumFrom(this.firstAtOrAfter(from));
  }

  /**
   * Index of the store's first tick at or after `ts` (its length when none is). Windows and new
   * ticks ask near the newest end: the search gallops back from there and bisects only the last
   * stretch, so it reads a few neighbouring ticks rather than probes spread over the run's 10
   * minutes, each a cache miss (a live evaluation asks once per rank and host at every tick).
   */
  private firstAtOrAfter(ts: number): number {
    const s = this.store;
    let hi = s.length;
    let lo = 0;
    for (let step = 1; hi > 0; step *= 2) {
      const probe = Math.max(0, hi - step);
      if (s.tsAt(probe) < ts) {
        lo = probe + 1;
        break;
      }
      hi = probe;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.store.tsAt(mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The values at or after `from` (epoch ms), oldest first; a new array the caller may keep. With
   * `gridMs` (the run's bucket width, for a window reaching into the merged history) every value
   * is given on that grid, the recent ticks bucketed too, so the window has one resolution.
   */
  since(from: number, gridMs = 0): T[] {
    if ((gridMs === 0 && from >= this.compactedTo) || !this.merge) return this.store.slice(this.firstAtOrAfter(from));
    const grid = Math.max(gridMs, this.bucketMs);
    const out = this.buckets.slice(lowerBound(this.buckets, from));
    const weights = this.weights.slice(this.weights.length - out.length);
    for (const b of groupByBucket(this.store.slice(this.firstAtOrAfter(from)), grid)) {
      const at = out.length - 1;
      // After a wider grid the first recent bucket may share its start with the last merged one.
      if (out[at]?.ts === b.ts) out[at] = this.merge(b.ts, [out[at] as T, ...b.ticks], [weights[at] ?? 1, ...b.ticks.map(() => 1)]);
      else out.push(this.merge(b.ts, b.ticks, b.ticks.map(() => 1)));
    }
    return out;
  }

  /**
   * Merges every whole bucket of `bucketMs` older than FINE_MS before this series' newest tick into
   * the buckets; when the width grew, the buckets held are merged onto the wider grid first. Each
   * series keeps its own recent ticks, so a host whose ticks come late (an agent's spool after an
   * outage) is not cut by the others'. A series without `merge` keeps everything.
   */
  compact(bucketMs: number): void {
    if (!this.merge || bucketMs <= 0) return;
    if (bucketMs > this.bucketMs) this.regrid(bucketMs);
    const newest = this.store.length > 0 ? this.store.tsAt(this.store.length - 1) : -Infinity;
    const cut = Math.floor((newest - FINE_MS) / this.bucketMs) * this.bucketMs;
    if (!(cut > this.compactedTo)) return;
    this.compactedTo = cut;
    for (const b of groupByBucket(this.store.shift(this.firstAtOrAfter(cut)), this.bucketMs)) this.addBucket(b.ts, b.ticks, b.ticks.map(() => 1));
  }

  private regrid(bucketMs: number): void {
    const old = { buckets: this.buckets, weights: this.weights };
    this.buckets = [];
    this.weights = [];
    this.bucketMs = bucketMs;
    old.buckets.forEach((b, i) => this.addBucket(Math.floor(b.ts / bucketMs) * bucketMs, [b], [old.weights[i] ?? 1]));
  }

  /** Appends a bucket, or merges it into the last one when they share a start (after a wider grid). */
  private addBucket(ts: number, ticks: readonly T[], weights: readonly number[]): void {
    const merge = this.merge as MergeTicks<T>;
    const last = this.buckets.length - 1;
    const weight = weights.reduce((a, w) => a + w, 0);
    if (last >= 0 && this.buckets[last]?.ts === ts) {
      const w = this.weights[last] ?? 1;
      this.buckets[last] = merge(ts, [this.buckets[last] as T, ...ticks], [w, ...weights]);
      this.weights[last] = w + weight;
      return;
    }
    this.buckets.push(merge(ts, ticks, weights));
    this.weights.push(weight);
  }
}

/** Ticks in time order grouped by the bucket of `bucketMs` each starts in. */
function groupByBucket<T extends { readonly ts: number }>(ticks: readonly T[], bucketMs: number): { ts: number; ticks: T[] }[] {
  const out: { ts: number; ticks: T[] }[] = [];
  for (const t of ticks) {
    const ts = Math.floor(t.ts / bucketMs) * bucketMs;
    const last = out[out.length - 1];
    if (last?.ts === ts) last.ticks.push(t);
    else out.push({ ts, ticks: [t] });
  }
  return out;
}
