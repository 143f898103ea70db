import { describe, expect, it } from 'vitest';
import { T0, makeWindow } from '../testdata/windows.ts';
import { golden, gpuTicks, hostWindow } from './testdata/smi-window.ts';
import { gpuBound } from './index.ts';

const H100 = 'GPU-3f6b1c2e-8a4d-4e71-b9c0-52d7e1a4f806';
const saturated = golden('gpu_bound', 'matmul-saturated.query-gpu.csv');
const apps = golden('gpu_bound', 'matmul-saturated.compute-apps.csv');

describe('gpu_bound', () => {
  it('reports the H100 running a saturated matmul loop (one warm-up sample at 62%) as info, with the thresholds', () => {
    const [f, ...rest] = gpuBound.evaluate(hostWindow({ gpus: gpuTicks(saturated, apps, [48213]), alloc_gpus: 1 }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'gpu_bound', severity: 'info', scope: 'gpu', scope_id: H100, host: 'h1', start_ts: T0, end_ts: T0 + 19_000 });
    expect(f?.evidence).toEqual({ util_mean: 0.975, busy_tick_share: 0.95, ticks: 20, busy_util_ratio: 0.9, min_tick_share: 0.7, min_ticks: 5 });
    expect(f?.message).toContain('95% of 20 samples');
    expect(f?.advice).toMatch(/nsys .*ncu/);
  });

  it('is silent for the same loop with sleeps (20-35% busy)', () => {
    const sleepy = gpuTicks(golden('gpu_underutilized', 'matmul-sleep.query-gpu.csv'), golden('gpu_underutilized', 'matmul-sleep.compute-apps.csv'), [48377]);
    expect(gpuBound.evaluate(hostWindow({ gpus: sleepy, alloc_gpus: 1 }))).toEqual([]);
  });

  it('ignores a saturated GPU on which the run has no process (another job uses it)', () => {
    expect(gpuBound.evaluate(hostWindow({ gpus: gpuTicks(saturated, apps, [99999]) }))).toEqual([]);
  });

  it('treats [N/A] utilisation as a gap, not as a reading', () => {
    const na = saturated.replace(/(NVIDIA H100 80GB HBM3, )\d+,/g, '$1[N/A],');
    expect(gpuBound.evaluate(hostWindow({ gpus: gpuTicks(na, apps, [48213]) }))).toEqual([]);
  });

  it('needs 5 samples', () => {
    const four = saturated.split('\n').slice(1, 5).join('\n');
    expect(gpuTicks(four, apps, [48213])).toHaveLength(4);
    expect(gpuBound.evaluate(hostWindow({ gpus: gpuTicks(four, apps, [48213]) }))).toEqual([]);
  });

  it('reports nothing without host views or GPU samples', () => {
    expect(gpuBound.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
    expect(gpuBound.evaluate(hostWindow({ gpus: [] }))).toEqual([]);
  });
});
