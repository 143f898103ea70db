import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TickSeries, lowerBound, timesLowerBound, timesUpperBound, upperBound } from './tick-series.ts';

const T = 1_700_000_000_000;

/** What the window did before: one value per time (the last given), every time at or after `from`, sorted. */
function rebuild(given: readonly { ts: number; v: number }[], from: number): { ts: number; v: number }[] {
  const m = new Map<number, { ts: number; v: number }>();
  for (const t of given) m.set(t.ts, t);
  return [...m.values()].filter((t) => t.ts >= from).sort((a, b) => a.ts - b.ts);
}

describe('TickSeries: the run\'s ticks kept in order as they arrive', () => {
  it('gives what a full rebuild (map, filter, sort) gives, for any arrival order, repeats and window start', () => {
    const tick = fc.record({ ts: fc.integer({ min: 0, max: 120 }).map((s) => T + s * 1000 + (s % 7 === 0 ? 37 : 0)), v: fc.integer() });
    fc.assert(fc.property(fc.array(tick, { maxLength: 200 }), fc.array(fc.integer({ min: -5, max: 125 }), { minLength: 1, maxLength: 5 }), (given, starts) => {
      const s = new TickSeries<{ ts: number; v: number }>();
      for (const t of given) s.set(t);
      for (const from of starts.map((x) => T + x * 1000)) expect(s.since(from)).toEqual(rebuild(given, from));
      expect(s.size).toBe(new Set(given.map((t) => t.ts)).size);
    }), { numRuns: 300 });
  });

  it('refuses a tick without a time, so a window cut by a search never holds one', () => {
    const s = new TickSeries<{ ts: number; v: string }>();
    expect(s.set({ ts: T, v: 'a' })).toBe(true);
    expect(s.set({ ts: NaN, v: 'bad' })).toBe(false);
    expect(s.set({ ts: T + 1000, v: 'b' })).toBe(true);
    expect(s.since(T - 1000).map((t) => t.v)).toEqual(['a', 'b']);
  });

  it('puts a late tick in its place and lets a replayed one replace the value it had', () => {
    const s = new TickSeries<{ ts: number; v: string }>();
    for (const [ts, v] of [[T, 'a'], [T + 2000, 'c'], [T + 3000, 'd'], [T + 1000, 'late'], [T + 2000, 'replayed']] as const) s.set({ ts, v });
    expect(s.since(T + 500).map((t) => t.v)).toEqual(['late', 'replayed', 'd']);
    expect(s.since(T + 3001)).toEqual([]);
  });

  it('a window is a copy: what a detector keeps does not change when the run grows', () => {
    const s = new TickSeries<{ ts: number }>();
    s.set({ ts: T });
    const w = s.since(0);
    s.set({ ts: T + 1000 });
    expect(w).toEqual([{ ts: T }]);
  });
});

describe('lowerBound / upperBound', () => {
  it('bracket the values a filter keeps, duplicates included', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 30 })), fc.integer({ min: -2, max: 32 }), fc.integer({ min: -2, max: 32 }), (raw, a, b) => {
      const s = raw.sort((x, y) => x - y).map((ts, i) => ({ ts, i }));
      expect(s.slice(lowerBound(s, a), upperBound(s, b))).toEqual(s.filter((t) => t.ts >= a && t.ts <= b));
      // Exact indices (they search back from the end): the count of items before `a`, and of items at or before `b`.
      expect([lowerBound(s, a), upperBound(s, b)]).toEqual([s.filter((t) => t.ts < a).length, s.filter((t) => t.ts <= b).length]);
      // The same over the times alone (the dense arrays kept beside host series).
      const times = s.map((t) => t.ts);
      expect([timesLowerBound(times, a), timesUpperBound(times, b)]).toEqual([lowerBound(s, a), upperBound(s, b)]);
    }), { numRuns: 500 });
  });
});
