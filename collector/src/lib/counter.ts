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

/** A key's previous reading, updated in place each tick (no object per key per tick). */
interface Previous {
  mono_s: number;
  values: number[];
  /** The sweep generation it was last read in. */
  seen: number;
}

/**
 * Keeps the previous reading of each key and turns counters into per-second rates on the
 * monotonic clock. Keys not seen in a tick are forgotten by `sweep`.
 */
export class RateTracker<K> {
  private prev = new Map<K, Previous>();
  private generation = 0;

  constructor(private readonly wrapBits?: number) {}

  rates(key: K, mono_s: number, values: readonly number[]): { interval_s: number; rates: number[] } | null {
    const d = this.deltas(key, mono_s, values);
    if (!d) return null;
    const rates = d.deltas;
    for (let i = 0; i < rates.length; i++) rates[i] = rates[i]! / d.interval_s;
    return { interval_s: d.interval_s, rates };
  }

  deltas(key: K, mono_s: number, values: readonly number[]): { interval_s: number; deltas: number[] } | null {
    const p = this.prev.get(key);
    if (!p) {
      this.prev.set(key, { mono_s, values: [...values], seen: this.generation });
      return null;
    }
    p.seen = this.generation;
    const dt = mono_s - p.mono_s;
    const deltas = dt > 0 ? values.map((v, i) => counterDelta(p.values[i] ?? 0, v, this.wrapBits)) : null;
    p.mono_s = mono_s;
    p.values.length = values.length;
    for (let i = 0; i < values.length; i++) p.values[i] = values[i]!;
    return deltas && { interval_s: dt, deltas };
  }

  /** A baseline without reading the key: `sweep` still drops it unless it is read before. */
  seed(key: K, mono_s: number, values: readonly number[]): void {
    this.prev.set(key, { mono_s, values: [...values], seen: this.generation - 1 });
  }

  has(key: K): boolean {
    return this.prev.has(key);
  }

  /** Drop keys that were not read since the last sweep; returns how many were dropped. */
  sweep(): number {
    let dropped = 0;
    for (const [k, p] of this.prev) {
      if (p.seen !== this.generation) {
        this.prev.delete(k);
        dropped++;
      }
    }
    this.generation++;
    return dropped;
  }
}
