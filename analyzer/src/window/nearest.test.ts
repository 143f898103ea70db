import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearest } from './run-window.ts';

/** What nearest did before: a scan keeping the first of the nearest, within 2 s. */
function scan<T extends { ts: number }>(series: readonly T[], ts: number): T | null {
  let best: T | null = null;
  for (const n of series) if (!best || Math.abs(n.ts - ts) < Math.abs(best.ts - ts)) best = n;
  return best && Math.abs(best.ts - ts) <= 2000 ? best : null;
}

describe('nearest', () => {
  it('finds what a scan finds, sorted or not, with repeats, ties and gaps, and at any time', () => {
    const point = fc.oneof(fc.integer({ min: 0, max: 40 }).map((s) => s * 500), fc.constant(Number.NaN));
    fc.assert(fc.property(fc.array(point, { maxLength: 40 }), fc.boolean(), fc.array(fc.integer({ min: -5000, max: 25000 }), { maxLength: 10 }), (raw, sort, at) => {
      const series = (sort ? [...raw].sort((a, b) => a - b) : raw).map((ts, i) => ({ ts, i }));
      for (const ts of at) expect(nearest(series, ts)).toBe(scan(series, ts));
    }), { numRuns: 500 });
  });

  it('sees a series that grew since it was last asked', () => {
    const series = [{ ts: 0 }, { ts: 1000 }];
    expect(nearest(series, 5000)).toBeNull();
    series.push({ ts: 5000 });
    expect(nearest(series, 5000)).toBe(series[2]);
    series.push({ ts: 2000 });
    expect(nearest(series, 2100)).toBe(series[3]);
  });
});
