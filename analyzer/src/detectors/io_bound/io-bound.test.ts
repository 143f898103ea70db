import { describe, expect, it } from 'vitest';
import { MB, T0, makeWindow } from '../testdata/windows.ts';
import { ioBound } from './index.ts';

describe('io_bound', () => {
  it('fires for 50 MB/s of storage IO with a process in D state, with the thresholds as evidence', () => {
    const w = makeWindow({
      n: 10, alloc_cores: 4, tick: () => ({ storage_bytes_per_s: 50 * MB, d_state_procs: 1, cpu_cores: 0.1, threads: 1 }),
      node: () => ({ psi_io_some: 0 }),
    });
    const [f, ...rest] = ioBound.evaluate(w);
    expect(rest).toEqual([]);
    expect(f?.kind).toBe('io_bound');
    expect(f?.severity).toBe('warning');
    expect([f?.start_ts, f?.end_ts]).toEqual([T0, T0 + 9000]);
    expect(f?.evidence).toEqual({
      storage_bytes_per_s_mean: 50 * MB, psi_io_some_mean: 0, d_state_share: 1, tick_share: 1,
      min_storage_bytes_per_s: 1024 * 1024, psi_io_threshold: 0.2,
    });
    expect(f?.message).toContain('47.7 MiB/s');
  });

  it('does not fire for the same bytes while the CPU is saturated, with no D state and no IO pressure', () => {
    const w = makeWindow({
      n: 10, alloc_cores: 4, tick: () => ({ storage_bytes_per_s: 50 * MB, d_state_procs: 0, cpu_cores: 4, pegged_cpu_cores: 4, threads: 4 }),
      node: () => ({ psi_io_some: 0 }),
    });
    expect(ioBound.evaluate(w)).toEqual([]);
  });

  it('fires on IO pressure alone when no process is seen in D state', () => {
    const w = makeWindow({
      n: 10, alloc_cores: 4, tick: () => ({ storage_bytes_per_s: 50 * MB, cpu_cores: 4, threads: 4 }),
      node: () => ({ psi_io_some: 0.35 }),
    });
    const [f] = ioBound.evaluate(w);
    expect(f?.evidence.psi_io_some_mean).toBe(0.35);
    expect(f?.evidence.d_state_share).toBe(0);
  });

  it('does not fire below 1 MiB/s even with a process in D state', () => {
    const w = makeWindow({ n: 10, tick: () => ({ storage_bytes_per_s: 512 * 1024, d_state_procs: 1, cpu_cores: 0.1 }) });
    expect(ioBound.evaluate(w)).toEqual([]);
  });
});
