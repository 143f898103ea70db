import { describe, expect, it } from 'vitest';
import { powerLawFit, predictAtScale } from './robust.ts';

describe('powerLawFit', () => {
  it('finds b in y = a·x^b, with no standard error from two points and a zero one from a perfect fit of three', () => {
    const two = powerLawFit([{ x: 1, y: 100 }, { x: 2, y: 50 }]);
    expect(two?.exponent).toBeCloseTo(-1, 9);
    expect(two).toMatchObject({ se: null, runs: 2, scales: 2 });
    const three = powerLawFit([{ x: 1, y: 100 }, { x: 2, y: 50 }, { x: 4, y: 25 }]);
    expect(three?.exponent).toBeCloseTo(-1, 9);
    expect(three?.se).toBeCloseTo(0, 9);
  });

  it('gives a standard error that grows with the scatter of repeated runs', () => {
    const tight = powerLawFit([{ x: 1, y: 100 }, { x: 1, y: 102 }, { x: 2, y: 50 }, { x: 2, y: 51 }]);
    const loose = powerLawFit([{ x: 1, y: 100 }, { x: 1, y: 130 }, { x: 2, y: 50 }, { x: 2, y: 70 }]);
    expect(tight?.se ?? 0).toBeGreaterThan(0);
    expect(loose?.se ?? 0).toBeGreaterThan((tight?.se ?? 0) * 5);
  });

  it('needs two distinct scales and positive values', () => {
    expect(powerLawFit([{ x: 2, y: 10 }, { x: 2, y: 11 }])).toBeNull();
    expect(powerLawFit([{ x: 0, y: 10 }, { x: 2, y: 0 }])).toBeNull();
  });
});

describe('predictAtScale', () => {
  it('moves a measured value along the power law and carries b ± 1.645·se into the interval', () => {
    const p = predictAtScale({ x: 1, y: 100 }, { exponent: -1, se: 0.1 }, 2);
    expect(p.value).toBeCloseTo(50, 9);
    expect(p.lo).toBeCloseTo(100 * 2 ** (-1 - 0.1645), 9);
    expect(p.hi).toBeCloseTo(100 * 2 ** (-1 + 0.1645), 9);
    expect(p.level).toBe(0.9);
  });

  it('predicts downwards in scale too, and without a standard error gives the point at level 0', () => {
    const p = predictAtScale({ x: 4, y: 10 }, { exponent: -0.5, se: null }, 1);
    expect(p).toEqual({ value: 20, lo: 20, hi: 20, level: 0 });
  });
});
