import { describe, expect, it } from 'vitest';
import { buildRunsOverTimeOption, buildScalingOption } from './app-charts.ts';

const runs = [
  { run_id: 'a', start_ms: 1, wall_s: 10, scale: 4, regressed: false },
  { run_id: 'b', start_ms: 2, wall_s: 30, scale: 8, regressed: true },
  { run_id: 'c', start_ms: 3, wall_s: null, scale: 8, regressed: false },
];

describe('app charts', () => {
  it('splits regressions out, names each point by its run, and draws the baseline band as median ± 3 MAD', () => {
    const opt = buildRunsOverTimeOption(runs, { wall_s_median: 10, wall_s_mad: 1 });
    const [ok, bad] = opt.series as { data: unknown[]; markArea?: { data: { yAxis: number }[][] } }[];
    expect(ok!.data).toEqual([{ name: 'a', value: [1, 10] }]);
    expect(bad!.data).toEqual([{ name: 'b', value: [2, 30] }]);
    expect(ok!.markArea!.data[0]!.map((e) => e.yAxis)).toEqual([7, 13]);
  });
  it('leaves out runs still going and plots wall time against cores, each point named by its run', () => {
    const opt = buildScalingOption(runs);
    expect((opt.series as { data: unknown[] }[])[0]!.data).toEqual([{ name: 'a', value: [4, 10] }, { name: 'b', value: [8, 30] }]);
  });
});
