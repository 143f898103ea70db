import { describe, expect, it } from 'vitest';
import { T0, makeWindow } from '../testdata/windows.ts';
import { MIB, golden, gpuTicks, hostWindow } from '../gpu_bound/testdata/smi-window.ts';
import { gpuIdle } from './index.ts';

const IDLE = 'GPU-0d58f3b6-7c1a-42e9-b5d4-e6a3f1c8092b';
const node = golden('gpu_idle', '4gpu-one-idle.query-gpu.csv');
const apps = golden('gpu_idle', '4gpu-one-idle.compute-apps.csv');
const RUN = [5101, 5102, 5103];

describe('gpu_idle', () => {
  it('warns about the fourth allocated H100 that has no process and 0% utilisation', () => {
    const [f, ...rest] = gpuIdle.evaluate(hostWindow({ gpus: gpuTicks(node, apps, RUN), alloc_gpus: 4 }));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'gpu_idle', severity: 'warning', scope: 'gpu', scope_id: IDLE, host: 'h1', start_ts: T0, end_ts: T0 + 14_000, confidence: 0.85 });
    expect(f?.evidence).toEqual({
      util_max: 0, mem_used_bytes_max: MIB, ticks: 15, alloc_gpus: 4, run_gpus: 3, idle_candidates: 1, max_util: 0.05, min_ticks: 10,
    });
  });

  it('also warns when the allocation is unknown but the run uses the other GPUs of the host', () => {
    const [f, ...rest] = gpuIdle.evaluate(hostWindow({ gpus: gpuTicks(node, apps, RUN) }));
    expect(rest).toEqual([]);
    expect(f?.scope_id).toBe(IDLE);
    expect(f?.evidence.alloc_gpus).toBe(0);
  });

  it('is silent when the run was given 3 GPUs and uses all 3 (the idle one is not its own)', () => {
    expect(gpuIdle.evaluate(hostWindow({ gpus: gpuTicks(node, apps, RUN), alloc_gpus: 3 }))).toEqual([]);
  });

  it('is silent for a CPU-only run: no allocation known and no process on any GPU', () => {
    expect(gpuIdle.evaluate(hostWindow({ gpus: gpuTicks(node, apps, []) }))).toEqual([]);
  });

  it('lowers confidence when more GPUs are idle than the allocation leaves unused', () => {
    // The run holds 2 GPUs, uses GPU 0; GPUs 1-3 all look idle, so only one in three is surely ours.
    const quiet = gpuTicks(node, apps, [5101]).map((t) => (t.run_procs > 0 ? t : { ...t, util_ratio: 0 }));
    const found = gpuIdle.evaluate(hostWindow({ gpus: quiet, alloc_gpus: 2 }));
    expect(found).toHaveLength(3);
    expect(found.map((f) => f.confidence)).toEqual([0.283, 0.283, 0.283]);
    expect(found[0]?.evidence).toMatchObject({ alloc_gpus: 2, run_gpus: 1, idle_candidates: 3 });
  });

  it('counts only the time the run was active on the host', () => {
    const w = hostWindow({ gpus: gpuTicks(node, apps, RUN), alloc_gpus: 4 });
    const h = w.hosts?.[0];
    if (!h) throw new Error('no host');
    const gone = { ...w, hosts: [{ ...h, ticks: h.ticks.map((t, i) => (i >= 6 ? { ...t, procs: 0 } : t)) }] };
    expect(gpuIdle.evaluate(gone)).toEqual([]);
  });

  it('is silent for the sleep loop (its GPU has a run process) and without GPU samples', () => {
    const sleepy = gpuTicks(golden('gpu_underutilized', 'matmul-sleep.query-gpu.csv'), golden('gpu_underutilized', 'matmul-sleep.compute-apps.csv'), [48377]);
    expect(gpuIdle.evaluate(hostWindow({ gpus: sleepy, alloc_gpus: 1 }))).toEqual([]);
    expect(gpuIdle.evaluate(hostWindow({ alloc_gpus: 4 }))).toEqual([]);
    expect(gpuIdle.evaluate(makeWindow({ n: 20, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });
});
