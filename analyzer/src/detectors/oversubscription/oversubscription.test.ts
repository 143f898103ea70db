import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { oversubscription } from './index.ts';

/** benchmarks/lib/recordings/vm-2core: stress-ng, two CPU workers at 70% load plus a VM worker, on a 2-core VM. */
const stressNg = (alloc: number) => recordedHost('oversubscription', 'stress-ng-2cpu-vm', alloc);

describe('oversubscription', () => {
  it('reports three busy stress-ng workers on 2 allocated cores: 2.6 cores of runnable work, 0.74 of it waiting', () => {
    const [f, ...rest] = oversubscription.evaluate(stressNg(2));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'oversubscription', severity: 'info', scope: 'run', scope_id: '', host: 'h1', confidence: 1, start_ts: T0, end_ts: T0 + 59_133 });
    expect(f?.evidence).toEqual({
      runnable_cores_mean: 2.607, run_delay_cores_mean: 0.737, alloc_cores: 2, demand_ratio_threshold: 1.25, min_delay_share: 0.2,
    });
    expect(f?.message).toContain('2.6 cores of runnable work on 2 allocated');
    expect(f?.advice).toMatch(/OMP_NUM_THREADS/);
  });

  it('is silent for the same job under a 2.1-core quota: demand is 1.24× the allocation, just under 1.25×', () => {
    expect(oversubscription.evaluate(stressNg(2.1))).toEqual([]);
  });

  it('is silent for the same job on 3 cores, where it would fit', () => {
    expect(oversubscription.evaluate(stressNg(3))).toEqual([]);
  });

  it('is a warning at twice the allocation, and needs run delay as well as demand', () => {
    const crowded = makeWindow({ n: 10, alloc_cores: 2, tick: () => ({ cpu_cores: 2, run_delay_cores: 2 }) });
    expect(oversubscription.evaluate(crowded)[0]?.severity).toBe('warning');
    // 2.5 cores of demand but only 0.1 waiting (< 20% of 2.4 on CPU): the threads are not queueing.
    const fits = makeWindow({ n: 10, alloc_cores: 2, tick: () => ({ cpu_cores: 2.4, run_delay_cores: 0.1 }) });
    expect(oversubscription.evaluate(fits)).toEqual([]);
  });

  it('needs half the ticks: oversubscribed in 4 of 10 is silent', () => {
    const w = makeWindow({ n: 10, alloc_cores: 2, tick: (i) => (i < 4 ? { cpu_cores: 2, run_delay_cores: 2 } : { cpu_cores: 1 }) });
    expect(oversubscription.evaluate(w)).toEqual([]);
  });

  it('raises a strong newest tick at once (2 queued cores on 2), but not an ordinary one nor a strong one in the past', () => {
    const at = (strongTicks: readonly number[], ordinary: readonly number[] = []) => ({
      ...makeWindow({
        n: 6, alloc_cores: 2,
        tick: (i) => (strongTicks.includes(i) ? { cpu_cores: 2, run_delay_cores: 1.2 } : ordinary.includes(i) ? { cpu_cores: 2, run_delay_cores: 0.6 } : { cpu_cores: 1.9 }),
      }),
      live: true,
    });
    // 3.2 cores of demand on 2 (1.6×) with 60% of the CPU time queued: twice the ordinary excess and share.
    expect(oversubscription.evaluate(at([5]))[0]?.kind).toBe('oversubscription');
    // 2.6 cores (1.3×, 30% queued) is an ordinary hit: it has to persist for MIN_TICKS.
    expect(oversubscription.evaluate(at([], [5]))).toEqual([]);
    expect(oversubscription.evaluate(at([], [3, 4, 5]))).toHaveLength(1);
    // The same strong tick followed by a quiet one: a burst that is over is one ordinary hit.
    expect(oversubscription.evaluate(at([4]))).toEqual([]);
    // A finished run's whole window: its last tick is not the present.
    expect(oversubscription.evaluate({ ...at([5]), live: false })).toEqual([]);
  });

  it('judges the newest tick since busy threads the run started in it (sub-tick onset)', () => {
    // The run keeps 2 allocated cores busy; `share` of a tick before the newest sample it starts 2
    // more busy workers: from then on 2 cores run and 2 queue. Averaged over the tick that is
    // 2 + 2 × share cores of demand: at a quarter, 2.5 (1.25×), not strong.
    const started = (share: number, newcomerCores = 1, live = true) => {
      const w = makeWindow({ n: 6, alloc_cores: 2, tick: (i) => (i === 5 ? { cpu_cores: 2, run_delay_cores: 2 * share } : { cpu_cores: 1.95, run_delay_cores: 0.05 }) });
      const ticks = w.ticks.map((t, i) => (i === 5 ? { ...t, newcomers: { cores: newcomerCores * share, share } } : t));
      return { ...w, ticks, live };
    };
    const [f] = oversubscription.evaluate(started(0.25));
    expect(f?.kind).toBe('oversubscription');
    // Its evidence is the rate since the onset: 2 on CPU and about 2 queued.
    expect(f?.evidence.runnable_cores_mean).toBeGreaterThan(3.5);
    // Under a tenth of the tick, idle newcomers (a shell, a sleep), or a finished run: not at once.
    expect(oversubscription.evaluate(started(0.08))).toEqual([]);
    expect(oversubscription.evaluate(started(0.25, 0.01))).toEqual([]);
    expect(oversubscription.evaluate(started(0.25, 1, false))).toEqual([]);
  });
});
