import { describe, expect, it } from 'vitest';
import { NearestCursor } from './nearest-cursor.ts';
import { nearest } from './run-window.ts';

describe('NearestCursor', () => {
  it('gives what nearest() gives for times in order, over series with gaps, repeats and jitter', () => {
    let seed = 11;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 400; trial++) {
      const n = Math.floor(rand() * 40);
      let ts = 1_000_000;
      const series = Array.from({ length: n }, (_, i) => ({ ts: (ts += rand() < 0.15 ? 0 : Math.floor(rand() * 3000)), i }));
      const times = Array.from({ length: 50 }, () => 1_000_000 + Math.floor(rand() * (n + 2) * 1500)).sort((a, b) => a - b);
      const cursor = new NearestCursor(series);
      for (const t of times) expect(cursor.nearest(t)).toBe(nearest(series, t));
    }
  });

  it('a series out of order, or a time asked out of order, is answered as nearest() answers it', () => {
    const series = [{ ts: 3000 }, { ts: 1000 }, { ts: 2000 }];
    const c = new NearestCursor(series);
    expect([c.nearest(1900), c.nearest(3100), c.nearest(900)]).toEqual([nearest(series, 1900), nearest(series, 3100), nearest(series, 900)]);
    const ordered = [{ ts: 1000 }, { ts: 2000 }, { ts: 3000 }];
    const o = new NearestCursor(ordered);
    expect(o.nearest(2900)).toBe(ordered[2]);
    expect(o.nearest(1100)).toBe(ordered[0]);
    expect(o.nearest(9000)).toBeNull();
  });
});
