import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outsideOf } from '../state/run-load.ts';
import { TickSeries, inTimeOrder, lowerBound, upperBound } from './tick-series.ts';

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
    }));
  });
});

/** The order a series has, walked afresh: times never going back and none NaN. */
const walked = (s: readonly { ts: number }[]): boolean => s.every((t, i) => !Number.isNaN(t.ts) && (i === 0 || t.ts >= (s[i - 1] as { ts: number }).ts));

describe('inTimeOrder: what window series are known to be in time order', () => {
  it('a window of a TickSeries is known in order exactly when a walk finds it so, NaN times and late ticks included', () => {
    const tick = fc.record({ ts: fc.oneof(fc.integer({ min: 0, max: 60 }).map((s) => T + s * 1000), fc.constant(NaN)), v: fc.integer() });
    fc.assert(fc.property(fc.array(tick, { minLength: 1, maxLength: 80, size: 'max' }), fc.integer({ min: -2, max: 62 }), (given, from) => {
      const s = new TickSeries<{ ts: number; v: number }>();
      for (const t of given) s.set(t);
      const w = s.since(T + from * 1000);
      expect(inTimeOrder(w)).toBe(walked(w));
    }), { numRuns: 300 });
  });

  it('outside load merged from series in order is known in order; from series out of order it is walked', () => {
    const bgs = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }).map((s) => s.map((x) => ({ ts: T + x * 1000, cpu_cores: x / 8, top_comm: 'c' })));
    const loads = fc.array(fc.record({ ts: fc.integer({ min: 0, max: 40 }).map((x) => T + x * 1000), run_id: fc.constantFrom('a', 'b'), cpu_cores: fc.integer({ min: 0, max: 8 }) }), { maxLength: 60 });
    fc.assert(fc.property(bgs, loads, fc.boolean(), (bg, l, sort) => {
      const [b, ls] = sort ? [[...new Map(bg.map((x) => [x.ts, x])).values()].sort((x, y) => x.ts - y.ts), [...l].sort((x, y) => x.ts - y.ts)] : [bg, l];
      const out = outsideOf('a', b, ls);
      expect(inTimeOrder(out)).toBe(walked(out));
    }), { numRuns: 300 });
  });

  it('a series changed after it was known is walked again', () => {
    const s = [{ ts: T }, { ts: T + 1000 }];
    expect(inTimeOrder(s)).toBe(true);
    s.push({ ts: T - 1000 });
    expect(inTimeOrder(s)).toBe(false);
  });
});
