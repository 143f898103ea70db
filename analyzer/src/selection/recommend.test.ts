import { describe, expect, it } from 'vitest';
import { type TypedOutcome, medianInterval, recommend } from './recommend.ts';

const runs = (type: string, walls: number[], pricePerHour: number | null): TypedOutcome[] =>
  walls.map((wall_s) => ({ type, wall_s, cost: pricePerHour === null ? null : (wall_s / 3600) * pricePerHour }));

describe('medianInterval', () => {
  it('uses order statistics with their real coverage: the full range at n = 3 (75%), inner ones at n = 10', () => {
    expect(medianInterval([3, 1, 2])).toEqual({ lo: 1, hi: 3, level: 0.75 });
    const ten = medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([ten.lo, ten.hi]).toEqual([2, 9]);
    expect(ten.level).toBeCloseTo(1 - 2 * (11 / 1024), 6);
  });
});

describe('recommend', () => {
  it('names the fastest and the cheapest per run, and is sure only when the intervals separate', () => {
    const r = recommend([...runs('fast', [10, 10.5, 11], 3), ...runs('slow', [20, 21, 19.5], 1)]);
    expect(r.verdict).toBe('recommended');
    expect(r.fastest).toMatchObject({ type: 'fast', sure: true });
    expect(r.cheapest).toMatchObject({ type: 'slow', sure: true });
    expect(r.types.find((t) => t.type === 'fast')).toMatchObject({ runs: 3, wall_s_median: 10.5 });
    expect(r.comparisons[0]).toMatch(/^on fast this app ran 1\.9× faster than on slow at 1\.6× the cost per run$/);
  });

  it('says it is not sure when the intervals overlap, and which runs would settle it', () => {
    const r = recommend([...runs('a', [10, 14, 12], 1), ...runs('b', [11, 13, 15], 1)]);
    expect(r.fastest).toMatchObject({ type: 'a', sure: false });
    expect(r.needs.join(' ')).toMatch(/more runs on a and b/);
  });

  it('with one run per type says insufficient data and how many runs are missing', () => {
    const r = recommend([...runs('a', [10], 1), ...runs('b', [20], 1)]);
    expect(r).toMatchObject({ verdict: 'insufficient_data', fastest: null, cheapest: null });
    expect(r.needs).toEqual(['2 more runs on type a', '2 more runs on type b']);
    expect(recommend(runs('a', [1, 2, 3], 1)).needs).toEqual(['runs on a second node type']);
  });

  it('never names a cheapest type without prices', () => {
    const r = recommend([...runs('a', [10, 10, 10], null), ...runs('b', [20, 20, 20], null)]);
    expect(r.fastest?.type).toBe('a');
    expect(r.cheapest).toBeNull();
  });
});
