import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';
import { cpuBound } from './index.ts';

describe('cpu_bound', () => {
  it('fires for a process pegging one core, with the thresholds as evidence', () => {
    const [f, ...rest] = cpuBound.evaluate(makeWindow({ n: 10, alloc_cores: 1, tick: () => ({ cpu_cores: 1, user_cores: 1, pegged_cpu_cores: 1 }) }));
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('cpu_bound');
    expect([f?.start_ts, f?.end_ts]).toEqual([T0, T0 + 9000]);
    expect(f?.evidence).toEqual({ cpu_cores_mean: 1, alloc_cores: 1, tick_share: 1, pegged_share_threshold: 0.8, min_cpu_cores: 0.5 });
    expect(f?.advice).toMatch(/profile the hot loops/);
  });

  it('on 4 allocated cores it advises parallelising', () => {
    const [f] = cpuBound.evaluate(makeWindow({ n: 10, alloc_cores: 4, tick: () => ({ cpu_cores: 1, user_cores: 1, pegged_cpu_cores: 1 }) }));
    expect(f?.advice).toMatch(/parallelise/);
  });

  it('does not fire when the CPU comes from processes that do not saturate their threads', () => {
    expect(cpuBound.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1, user_cores: 1, pegged_cpu_cores: 0.3 }) }))).toEqual([]);
  });

  it('does not fire when pegged for under 60% of the samples', () => {
    const w = makeWindow({ n: 10, tick: (i) => (i < 5 ? { cpu_cores: 1, user_cores: 1, pegged_cpu_cores: 1 } : {}) });
    expect(cpuBound.evaluate(w)).toEqual([]);
  });
});

describe('cpu_bound and kernel time', () => {
  it('does not call a kernel-dominated (metadata) load cpu_bound', () => {
    const w = makeWindow({ n: 10, tick: () => ({ cpu_cores: 1, user_cores: 0.2, sys_cores: 0.8, pegged_cpu_cores: 1 }) });
    expect(cpuBound.evaluate(w)).toEqual([]);
  });
});

describe('cpu_bound on captured windows (testdata/, 2-core VM)', () => {
  it('fires for burn.mjs pegging its one allocated core for the whole 20 s capture', () => {
    const [f, ...rest] = cpuBound.evaluate(recordedHost('cpu_bound', 'burn-1core', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'cpu_bound', severity: 'info', scope: 'run', confidence: 1, start_ts: T0, end_ts: T0 + 19_040 });
    expect(f?.evidence).toEqual({ cpu_cores_mean: 0.963, alloc_cores: 1, tick_share: 1, pegged_share_threshold: 0.8, min_cpu_cores: 0.5 });
    expect(f?.advice).toMatch(/profile the hot loops/);
  });

  it('is silent for duty.mjs busy 65 ms of every 100 ms: on-CPU plus waiting stays below a pegged core', () => {
    expect(cpuBound.evaluate(recordedHost('cpu_bound', 'duty-65pct', 1))).toEqual([]);
  });

  it('counts 2 Open MPI ranks (3 threads, 1 computing) as pegged; on the loaded VM they got too little CPU to be cpu_bound', () => {
    const w = recordedHost('cpu_bound', 'openmpi-2ranks-loaded', 2);
    // The host's ticks (both ranks and mpirun), from the second on: the first has no per-thread interval yet.
    const ticks = (w.hosts ?? []).flatMap((h) => h.ticks.slice(1));
    expect(ticks.length).toBeGreaterThan(15);
    const cpu = ticks.reduce((a, t) => a + t.cpu_cores, 0);
    const pegged = ticks.reduce((a, t) => a + t.pegged_cpu_cores, 0);
    // Before busy_threads, a rank needed 0.85 × min(3 threads, 2 cores) = 1.7 cores to count: none did.
    // Now a rank counts when its CPU plus run delay fills its one busy thread (most ticks here).
    expect(pegged / cpu).toBeGreaterThan(0.9);
    expect(cpuBound.evaluate(w)).toEqual([]);
  });
});

describe('cpu_bound in a multi-phase job', () => {
  const PEGGED = { cpu_cores: 1, user_cores: 1, pegged_cpu_cores: 1 };
  // Direct writes: a process in D with storage traffic, little CPU.
  const WRITING = { cpu_cores: 0.1, user_cores: 0.02, sys_cores: 0.08, storage_bytes_per_s: 500 * 1024 * 1024, write_bytes_per_s: 500 * 1024 * 1024, d_state_procs: 1 };

  it('is CPU-bound in the compute phase after 7 s of writes (9 of 16 samples; under 60% of all of them)', () => {
    const [f] = cpuBound.evaluate(makeWindow({ n: 16, tick: (i) => (i < 7 ? WRITING : PEGGED) }));
    expect(f?.kind).toBe('cpu_bound');
    expect(f?.message).toMatch(/100% of samples not waiting on storage/);
  });

  it('is not CPU-bound when it mostly waits on storage and computes for a short tail', () => {
    expect(cpuBound.evaluate(makeWindow({ n: 16, tick: (i) => (i < 12 ? WRITING : PEGGED) }))).toEqual([]);
  });
});
