import { describe, expect, it } from 'vitest';
import { recordedHost } from '../testdata/recorded.ts';
import { MB, T0, makeWindow } from '../testdata/windows.ts';
import type { HostView, RunWindow } from '../../window/run-window.ts';
import type { StorageCapability } from '../../window/storage-capability.ts';
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
      min_storage_bytes_per_s: 1024 * 1024, psi_io_threshold: 0.2, device_share_mean: 'unknown',
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

  it('fires at the device\'s measured speed with no D state seen and no IO pressure, and only where the capability is known', () => {
    const atSpeed = (storage?: StorageCapability): RunWindow => {
      const w = makeWindow({ n: 10, alloc_cores: 4, tick: () => ({ storage_bytes_per_s: 800 * MB, write_bytes_per_s: 800 * MB, cpu_cores: 0.3, threads: 1 }), node: () => ({ psi_io_some: 0 }) });
      const host: HostView = { host: 'h1', ticks: w.ticks, node: w.node, background: [], cgroup: [], gpus: [], ib: [], profile: null, ...(storage ? { storage } : {}) };
      return { ...w, hosts: [host] };
    };
    const [f] = ioBound.evaluate(atSpeed({ read_bytes_per_s: 2000 * MB, write_bytes_per_s: 1000 * MB, unknown: [] }));
    expect(f?.evidence).toMatchObject({ device_share_mean: 0.8, d_state_share: 0, psi_io_some_mean: 0 });
    expect(ioBound.evaluate(atSpeed({ read_bytes_per_s: 2000 * MB, write_bytes_per_s: 1500 * MB, unknown: [] }))).toEqual([]); // 53%
    expect(ioBound.evaluate(atSpeed({ read_bytes_per_s: null, write_bytes_per_s: null, unknown: ['h1/vda: probe off'] }))).toEqual([]);
    expect(ioBound.evaluate(atSpeed())).toEqual([]);
  });

  it('does not fire below 1 MiB/s even with a process in D state', () => {
    const w = makeWindow({ n: 10, tick: () => ({ storage_bytes_per_s: 512 * 1024, d_state_procs: 1, cpu_cores: 0.1 }) });
    expect(ioBound.evaluate(w)).toEqual([]);
  });
});

describe('io_bound on captured windows (testdata/, 2-core VM)', () => {
  it('warns for dd writing 1 MiB O_DIRECT blocks at 885 MB/s, in D state or under IO pressure in 8 of 9 ticks', () => {
    const [f, ...rest] = ioBound.evaluate(recordedHost('io_bound', 'dd-1m-direct', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'io_bound', severity: 'warning', scope: 'run', confidence: 0.944, start_ts: T0, end_ts: T0 + 8048 });
    expect(f?.evidence).toEqual({
      storage_bytes_per_s_mean: 885_071_125, psi_io_some_mean: 0.251, d_state_share: 0.625, tick_share: 0.889,
      min_storage_bytes_per_s: 1024 * 1024, psi_io_threshold: 0.2, device_share_mean: 'unknown',
    });
  });

  it('is silent for dd in 4 KiB O_DIRECT writes: 35 MB/s, but waiting on IO in only 7 of 15 ticks', () => {
    expect(ioBound.evaluate(recordedHost('io_bound', 'dd-4k-direct', 1))).toEqual([]);
  });

  it('is silent for 896 KiB written per second, just under the 1 MiB/s floor', () => {
    expect(ioBound.evaluate(recordedHost('io_bound', 'dd-trickle-896k', 1))).toEqual([]);
  });
});
