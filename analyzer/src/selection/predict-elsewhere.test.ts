import { describe, expect, it } from 'vitest';
import { elsewhereSentences } from './elsewhere.ts';
import { predictTypeAtScale } from './predict-scale.ts';
import { type TypedOutcome, recommend, recommendFromStats, typeStats } from './recommend.ts';

const at = (type: string, scale: number, walls: number[], perHour: number, metric?: (w: number) => number): (TypedOutcome & { scale: number })[] =>
  walls.map((wall_s) => ({ type, scale, wall_s, cost: (wall_s / 3600) * perHour, metric: metric ? metric(wall_s) : null }));

describe('recommend on the app\'s own metric', () => {
  it('ranks by the metric (higher is faster) and costs per unit of work, not per run', () => {
    // Type a does more work per second; b's runs are shorter but do less (a different step count would show the same).
    const r = recommend([...at('a', 1, [100, 101, 99], 6, () => 20), ...at('b', 1, [60, 61, 59], 1, () => 5)], 'it/s');
    expect(r.performance).toBe('it/s');
    expect(r.fastest).toMatchObject({ type: 'a', sure: true });
    const a = r.types.find((t) => t.type === 'a');
    expect(a?.metric_median).toBe(20);
    expect(a?.cost_per_unit_median).toBeCloseTo(6 / 3600 / 20, 12);
    expect(r.cheapest?.type).toBe('b');
    expect(r.comparisons[0]).toMatch(/^on a this app ran 4\.0× faster than on b at 1\.5× the cost per unit of work$/);
  });

  it('falls back to wall time when a run lacks the metric', () => {
    const r = recommend([...at('a', 1, [10, 10, 10], 1, () => 3), ...at('b', 1, [20, 20, 20], 1)], 'it/s');
    expect(r.performance).toBe('wall_s');
    expect(r.fastest?.type).toBe('a');
  });
});

describe('predictTypeAtScale', () => {
  const runs = [...at('a', 1, [100, 104, 98], 2), ...at('a', 2, [51, 50, 53], 2)];
  const byScale = new Map([[1, runs.filter((r) => r.scale === 1)], [2, runs.filter((r) => r.scale === 2)]]);

  it('predicts an unrun scale from the stored exponent, marked predicted, with an interval around it', () => {
    const p = predictTypeAtScale('a', byScale, 4, { node_type: 'a', scaling_exponent: -1, scaling_exponent_se: 0.05, scaling_runs: 6 }, (w) => w / 3600 * 2, false);
    expect(p?.predicted).toMatchObject({ source: 'app_model', exponent: -1, from_runs: 3 });
    expect(p?.wall_s_median).toBeGreaterThan(24);
    expect(p?.wall_s_median).toBeLessThan(27);
    expect(p?.wall_s_ci.lo).toBeLessThan(p?.wall_s_median ?? 0);
    expect(p?.wall_s_ci.hi).toBeGreaterThan(p?.wall_s_median ?? 0);
    expect(p?.runs).toBe(0);
  });

  it('fits the exponent from the runs when no model has one, and gives up with one scale', () => {
    const p = predictTypeAtScale('a', byScale, 4, undefined, () => null, false);
    expect(p?.predicted?.source).toBe('runs');
    expect(p?.predicted?.exponent).toBeCloseTo(-0.97, 1);
    expect(predictTypeAtScale('a', new Map([[1, runs.slice(0, 3)]]), 4, undefined, () => null, false)).toBeNull();
  });
});

describe('elsewhereSentences', () => {
  const stats = (type: string, walls: number[], perHour: number) => typeStats(type, at(type, 1, walls, perHour), false);

  it('says where the same work ran faster and at what cost, from sure picks only', () => {
    const r = recommendFromStats([stats('fast', [10, 10.5, 11, 10.2, 10.4], 6), stats('slow', [20, 21, 19.5], 1)], 'wall_s');
    expect(elsewhereSentences(r, 'slow')).toEqual(['on type fast this work ran 1.9× faster (5 runs) than on slow (3 runs) at 3.1× the cost per run']);
    expect(elsewhereSentences(r, 'fast')).toEqual(['on type slow this work ran 1.9× slower (3 runs) than on fast (5 runs) at 0.3× the cost per run']);
  });

  it('says nothing when the data is not sure enough', () => {
    const overlap = recommendFromStats([stats('a', [10, 14, 12], 1), stats('b', [11, 13, 15], 1)], 'wall_s');
    expect(elsewhereSentences(overlap, 'b')).toEqual([]);
    const few = recommendFromStats([stats('a', [10], 1), stats('b', [20], 1)], 'wall_s');
    expect(elsewhereSentences(few, 'b')).toEqual([]);
  });
});
