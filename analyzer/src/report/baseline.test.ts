import { describe, expect, it } from 'vitest';
import type { SummaryRow } from '../model/baseline.ts';
import { compareWithBaseline } from './baseline.ts';

const runs = (walls: readonly number[]): SummaryRow[] => walls.map((wall_s, i) => ({ run_id: `r${i}`, wall_s, cpu_efficiency: 0.9 }) as unknown as SummaryRow);

describe('the report\'s comparison with the baseline', () => {
  it('says slower or faster only where the regression finding would: beyond 20% and beyond one tick', () => {
    expect(compareWithBaseline('a', runs([20, 20.5, 19.5]), 30, 0.6)?.verdict).toMatch(/^50% slower than the median of 3 earlier runs/);
    expect(compareWithBaseline('a', runs([20, 20.5, 19.5]), 12, 0.9)?.verdict).toMatch(/^40% faster than the median of 3 earlier runs/);
    expect(compareWithBaseline('a', runs([20, 20.5, 19.5]), 22, 0.9)?.verdict).toMatch(/^within 20% of the median/);
  });

  it('calls a sub-second difference of a very short run launch noise, not a slowdown', () => {
    expect(compareWithBaseline('a', runs([0.03, 0.031, 0.029]), 0.08, 0.5)?.verdict).toMatch(/^within 1 s of the median of 3 earlier runs/);
  });
});
