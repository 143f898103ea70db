import { RateTracker } from '../../lib/counter.ts';

/**
 * A RateTracker that re-baselines instead of guessing when any counter of a key steps
 * backwards. Host-wide /proc counters are 64-bit and never wrap; going backwards means a
 * reset (device re-plugged, hostile input), and counterDelta's "take the new value" estimate
 * would turn a whole-boot CPU total into a rate that looks like thousands of cores.
 */
export class ForwardRates<K> {
  private readonly tracker = new RateTracker<K>();
  private readonly last = new Map<K, readonly number[]>();

  rates(key: K, mono_s: number, values: readonly number[]): { interval_s: number; rates: number[] } | null {
    const prev = this.last.get(key);
    this.last.set(key, values);
    const r = this.tracker.rates(key, mono_s, values);
    if (!r || !prev) return null;
    return values.some((v, i) => v < (prev[i] ?? 0)) ? null : r;
  }

  sweep(): void {
    this.tracker.sweep();
    for (const k of this.last.keys()) if (!this.tracker.has(k)) this.last.delete(k);
  }
}
