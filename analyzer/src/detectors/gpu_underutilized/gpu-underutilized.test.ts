import { describe, expect, it } from 'vitest';
import { T0, makeWindow } from '../testdata/windows.ts';
import { golden, gpuTicks, hostWindow } from '../gpu_bound/testdata/smi-window.ts';
import { gpuUnderutilized } from './index.ts';

const H100 = 'GPU-3f6b1c2e-8a4d-4e71-b9c0-52d7e1a4f806';
const sleepy = golden('gpu_underutilized', 'matmul-sleep.query-gpu.csv');
const apps = golden('gpu_underutilized', 'matmul-sleep.compute-apps.csv');

describe('gpu_underutilized', () => {
  it('warns about the H100 running a matmul loop with sleeps (20-35% busy), with the thresholds', () => {
    const [f, ...rest] = gpuUnderutilized.evaluate(hostWindow({ gpus: gpuTicks(sleepy, apps, [48377]), alloc_gpus: 1 }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'gpu_underutilized', severity: 'warning', scope: 'gpu', scope_id: H100, host: 'h1', start_ts: T0, end_ts: T0 + 29_000 });
    expect(f?.evidence).toEqual({ util_mean: 0.281, util_median: 0.285, util_max: 0.35, ticks: 30, max_mean_util: 0.4, min_ticks: 10 });
    expect(f?.message).toContain('28% utilisation over 30 samples');
    expect(f?.advice).toMatch(/data loading.*larger batches.*CUDA streams/);
    expect(f?.advice).toContain('nsys');
  });

  it('is silent for the saturated matmul loop', () => {
    const busy = gpuTicks(golden('gpu_bound', 'matmul-saturated.query-gpu.csv'), golden('gpu_bound', 'matmul-saturated.compute-apps.csv'), [48213]);
    expect(gpuUnderutilized.evaluate(hostWindow({ gpus: busy, alloc_gpus: 1 }))).toEqual([]);
  });

  it('leaves a GPU without a run process to gpu_idle', () => {
    const node = gpuTicks(golden('gpu_idle', '4gpu-one-idle.query-gpu.csv'), golden('gpu_idle', '4gpu-one-idle.compute-apps.csv'), [5101, 5102, 5103]);
    expect(gpuUnderutilized.evaluate(hostWindow({ gpus: node, alloc_gpus: 4 }))).toEqual([]);
  });

  it('needs 10 known samples: 9, or 30 of [N/A], say nothing', () => {
    const nine = sleepy.split('\n').slice(0, 9).join('\n');
    expect(gpuUnderutilized.evaluate(hostWindow({ gpus: gpuTicks(nine, apps, [48377]) }))).toEqual([]);
    const na = sleepy.replace(/(NVIDIA H100 80GB HBM3, )\d+,/g, '$1[N/A],');
    expect(gpuUnderutilized.evaluate(hostWindow({ gpus: gpuTicks(na, apps, [48377]) }))).toEqual([]);
  });

  it('reports nothing without host views or GPU samples', () => {
    expect(gpuUnderutilized.evaluate(makeWindow({ n: 30, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
    expect(gpuUnderutilized.evaluate(hostWindow({}))).toEqual([]);
  });
});
