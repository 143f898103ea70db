import { describe, expect, it } from 'vitest';
import { buildRunsOverTimeOption, buildScalingOption } from './app-charts.ts';

const runs = [
  { run_id: 'a', start_ms: 1, wall_s: 10, scale: 4, regressed: false },
  { run_id: 'b', start_ms: 2, wall_s: 30, scale: 8, regressed: true },
  { run_id: 'c', start_ms: 3, wall_s: null, scale: 8, regressed: false },
];

describe('app charts', () => {
  it('splits regressions out and draws the baseline band as median ± 3 MAD', () => {
    const opt = buildRunsOverTimeOption(runs, { wall_s_median: 10, wall_s_mad: 1 });
    const [ok, bad] = opt.series as { data: number[][]; markArea?: { data: { yAxis: number }[][] } }[];
    expect(ok!.data).toEqual([[1, 10]]);
    expect(bad!.data).toEqual([[2, 30]]);
    expect(ok!.markArea!.data[0]!.map((e) => e.yAxis)).toEqual([7, 13]);
  });
  it('leaves out runs still going and plots wall time against cores', () => {
    const opt = buildScalingOption(runs);
    expect((opt.series as { data: number[][] }[])[0]!.data).toEqual([[4, 10], [8, 30]]);
  });
});
