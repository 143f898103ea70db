/**
 * Counter deltas that survive resets and wraps. A counter that goes backwards either
 * wrapped (fixed-width hardware counters) or was reset (device re-init, process restart):
 * for a wrap we add the modulus; for a reset the best estimate is the new value itself.
 */
export function counterDelta(prev: number, cur: number, wrapBits?: number): number {
  if (cur >= prev) return cur - prev;
  if (wrapBits !== undefined) {
    const modulus = 2 ** wrapBits;
    if (prev < modulus && cur < modulus && prev - cur > modulus / 2) return modulus - prev + cur;
  }
  return cur;
}

interface Previous {
  readonly mono_s: number;
  readonly values: readonly number[];
}

/**
 * Keeps the previous reading of each key and turns counters into per-second rates on the
 * monotonic clock. Keys not seen in a tick are forgotten by `sweep`.
 */
export class RateTracker<K> {
  private prev = new Map<K, Previous>();
  private seen = new Set<K>();

  constructor(private readonly wrapBits?: number) {}

  /** Rates for `values` since the previous reading of `key`, or null on first sight. */
  rates(key: K, mono_s: number, values: readonly number[]): { interval_s: number; rates: number[] } | null {
    const d = this.deltas(key, mono_s, values);
    return d && { interval_s: d.interval_s, rates: d.deltas.map((x) => x / d.interval_s) };
  }

  /** Increments since the previous reading of `key` (for callers that correct them before dividing). */
  deltas(key: K, mono_s: number, values: readonly number[]): { interval_s: number; deltas: number[] } | null {
    this.seen.add(key);
    const p = this.prev.get(key);
    this.prev.set(key, { mono_s, values });
    if (!p) return null;
    const dt = mono_s - p.mono_s;
    if (dt <= 0) return null;
    return { interval_s: dt, deltas: values.map((v, i) => counterDelta(p.values[i] ?? 0, v, this.wrapBits)) };
  }

  /** Seed a baseline, e.g. zero counters at a process's start time. */
  seed(key: K, mono_s: number, values: readonly number[]): void {
    this.prev.set(key, { mono_s, values });
  }

  has(key: K): boolean {
    return this.prev.has(key);
  }

  /** Drop keys that were not read since the last sweep; returns how many were dropped. */
  sweep(): number {
    let dropped = 0;
    for (const k of this.prev.keys()) {
      if (!this.seen.has(k)) {
        this.prev.delete(k);
        dropped++;
      }
    }
    this.seen.clear();
    return dropped;
  }
}
