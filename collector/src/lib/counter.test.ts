import { describe, expect, it } from 'vitest';
import { RateTracker, counterDelta } from './counter.ts';

describe('counterDelta', () => {
  it('is the plain difference when the counter grows', () => {
    expect(counterDelta(100, 350)).toBe(250);
    expect(counterDelta(7, 7)).toBe(0);
  });

  it('adds the modulus when a 32-bit counter wraps', () => {
    expect(counterDelta(2 ** 32 - 10, 5, 32)).toBe(15);
    expect(counterDelta(4_294_967_000, 1_000, 32)).toBe(296 + 1_000);
  });

  it('treats a drop as a reset (delta = new value) when no width is known', () => {
    expect(counterDelta(2 ** 32 - 10, 5)).toBe(5);
    expect(counterDelta(1_000_000, 40)).toBe(40);
  });

  it('treats a small drop of a 32-bit counter as a reset, not a wrap', () => {
    // A fall of less than half the range is far likelier a device reset than 4 GiB of traffic.
    expect(counterDelta(1_000_000, 40, 32)).toBe(40);
  });

  it('treats a value beyond the width as a reset, not a wrap', () => {
    expect(counterDelta(2 ** 33, 5, 32)).toBe(5);
  });
});

describe('RateTracker', () => {
  it('returns null on first sight, then per-second rates over the monotonic interval', () => {
    const t = new RateTracker<string>();
    expect(t.rates('a', 10, [100, 5])).toBeNull();
    const r = t.rates('a', 12.5, [600, 5]);
    expect(r?.interval_s).toBeCloseTo(2.5, 12);
    expect(r?.rates).toEqual([200, 0]);
  });

  it('gives null for a zero or negative interval and re-baselines', () => {
    const t = new RateTracker<string>();
    t.rates('a', 10, [100]);
    expect(t.rates('a', 10, [200])).toBeNull();
    expect(t.rates('a', 11, [300])?.rates).toEqual([100]);
  });

  it('uses its wrap width, and reset semantics without one', () => {
    const wrap = new RateTracker<string>(32);
    wrap.rates('port', 0, [2 ** 32 - 100]);
    expect(wrap.rates('port', 2, [100])?.rates).toEqual([100]);
    const plain = new RateTracker<string>();
    plain.rates('pid', 0, [5_000]);
    expect(plain.rates('pid', 2, [100])?.rates).toEqual([50]);
  });

  it('keeps keys apart', () => {
    const t = new RateTracker<number>();
    t.rates(1, 0, [0]);
    t.rates(2, 0, [1000]);
    expect(t.rates(1, 1, [10])?.rates).toEqual([10]);
    expect(t.rates(2, 1, [1010])?.rates).toEqual([10]);
  });

  it('sweep forgets keys not read since the last sweep, so a returning key starts over', () => {
    const t = new RateTracker<string>();
    t.rates('a', 0, [0]);
    t.rates('b', 0, [0]);
    expect(t.sweep()).toBe(0);
    t.rates('a', 1, [10]);
    expect(t.sweep()).toBe(1);
    expect(t.has('a')).toBe(true);
    expect(t.has('b')).toBe(false);
    expect(t.rates('b', 2, [50])).toBeNull();
  });

  it('seed sets a baseline so the first reading already gives a rate', () => {
    const t = new RateTracker<string>();
    t.seed('new', 100, [0, 0]);
    expect(t.has('new')).toBe(true);
    const r = t.rates('new', 104, [400, 8]);
    expect(r?.interval_s).toBe(4);
    expect(r?.rates).toEqual([100, 2]);
  });

  it('deltas gives the raw increments (wrap-aware) that rates divides by the interval', () => {
    const t = new RateTracker<string>(32);
    expect(t.deltas('x', 10, [2 ** 32 - 10, 100])).toBeNull();
    expect(t.deltas('x', 12, [5, 160])).toEqual({ interval_s: 2, deltas: [15, 60] });
    expect(t.rates('x', 14, [25, 200])).toEqual({ interval_s: 2, rates: [10, 20] });
  });

  it('a seeded key that is not read before the sweep is forgotten', () => {
    const t = new RateTracker<string>();
    t.seed('x', 0, [0]);
    expect(t.sweep()).toBe(1);
    expect(t.has('x')).toBe(false);
  });
});
