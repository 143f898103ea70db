import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { lowCpuUtilization } from './index.ts';

describe('low_cpu_utilization', () => {
  it('fires for 1 core used of 2 allocated, with the efficiency and threshold', () => {
    const [f, ...rest] = lowCpuUtilization.evaluate(makeWindow({ n: 10, alloc_cores: 2, tick: () => ({ cpu_cores: 1 }) }));
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('low_cpu_utilization');
    expect(f?.severity).toBe('info');
    expect(f?.evidence).toEqual({ cpu_cores_mean: 1, alloc_cores: 2, efficiency: 0.5, threshold: 0.6 });
    expect(f?.message).toContain('1 of 2 allocated cores used (50%)');
    expect(f?.advice).toContain('--cpus-per-task=1');
  });

  it('is a warning below 30% efficiency', () => {
    const [f] = lowCpuUtilization.evaluate(makeWindow({ n: 10, alloc_cores: 8, tick: () => ({ cpu_cores: 1 }) }));
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.efficiency).toBe(0.125);
  });

  it('does not fire for 1 core used of 1 allocated', () => {
    expect(lowCpuUtilization.evaluate(makeWindow({ n: 10, alloc_cores: 1, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });

  it('judges a whole run on its CPU over its span: its first and last ticks are partial', () => {
    // `runlens run` of a 6.1 s single-threaded command on 2 cores: started 0.3 s before the first
    // tick, ended 0.8 s into the interval of the last. 6.1 CPU-s over 6.1 s is one core, 50%.
    const cores = [0.3, 1, 1, 1, 1, 1, 0.8];
    const w = makeWindow({ n: 7, alloc_cores: 2, tick: (i) => ({ cpu_cores: cores[i] ?? 0 }) });
    const live = { start: T0 - 300, end: T0 + 5800 };
    const whole = { ...w, hosts: [{ host: 'h1', ticks: w.ticks, node: [], background: [], cgroup: [], gpus: [], ib: [], profile: null, live }] };
    expect(lowCpuUtilization.evaluate(whole)[0]?.message).toContain('1 of 2 allocated cores used (50%)');
    // A live window is a trailing cut of whole ticks: their mean (6.1 / 7).
    expect(lowCpuUtilization.evaluate({ ...whole, live: true })[0]?.evidence.cpu_cores_mean).toBe(0.871);
  });

  it('leaves a run idle nearly throughout to the idle detector', () => {
    expect(lowCpuUtilization.evaluate(makeWindow({ n: 20, alloc_cores: 4, tick: (i) => (i < 2 ? { cpu_cores: 1 } : {}) }))).toEqual([]);
  });
});

describe('low_cpu_utilization on captured windows (testdata/, 2-core VM)', () => {
  it('reports duty.mjs 0.5 using 0.43 of its 1 allocated core over the 20 s capture', () => {
    const [f, ...rest] = lowCpuUtilization.evaluate(recordedHost('low_cpu_utilization', 'duty-50pct', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'low_cpu_utilization', severity: 'info', scope: 'run', confidence: 0.786, start_ts: T0, end_ts: T0 + 19_056 });
    expect(f?.evidence).toEqual({ cpu_cores_mean: 0.428, alloc_cores: 1, efficiency: 0.428, threshold: 0.6 });
    expect(f?.advice).toContain('--cpus-per-task=1');
  });

  it('is silent for the stress-ng job (1.87 cores) on 3 cores, 62% used, and reports it on 4 (47%)', () => {
    const stressNg = (alloc: number) => recordedHost('oversubscription', 'stress-ng-2cpu-vm', alloc);
    expect(lowCpuUtilization.evaluate(stressNg(3))).toEqual([]);
    expect(lowCpuUtilization.evaluate(stressNg(4))[0]?.evidence).toEqual({ cpu_cores_mean: 1.87, alloc_cores: 4, efficiency: 0.468, threshold: 0.6 });
  });
});
