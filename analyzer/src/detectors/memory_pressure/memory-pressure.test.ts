import { describe, expect, it } from 'vitest';
import type { HostView, NodeTick, RunWindow } from '../../window/run-window.ts';
import { recordedHost } from '../testdata/recorded.ts';
import { T0, makeWindow } from '../testdata/windows.ts';

const GB = 1e9;
import { memoryPressure } from './index.ts';

/** A HAND-MADE host 'h1' over 10 ticks with these node values (MemTotal 100 GB). */
function nodeOnly(node: Partial<NodeTick>): RunWindow {
  const w = makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) });
  const n = w.ticks.map((t) => ({ ts: t.ts, iowait_cores: 0, psi_io_some: 0, psi_memory_some: 0, mem_total_bytes: 100 * GB, mem_available_bytes: 50 * GB, ...node }));
  const h: HostView = { host: 'h1', ticks: w.ticks, node: n, background: [], cgroup: [], gpus: [], ib: [], profile: null };
  return { ...w, hosts: [h] };
}

describe('memory_pressure', () => {
  it('warns when hold.mjs keeps 232 MB in a 256 MiB memory cgroup: usage at 94% of the limit for all 15 ticks', () => {
    const [f, ...rest] = memoryPressure.evaluate(recordedHost('memory_pressure', 'hold-232mb-in-256mib', 1));
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'memory_pressure', severity: 'warning', scope: 'host', scope_id: 'h1', confidence: 1, start_ts: T0, end_ts: T0 + 14_027 });
    expect(f?.evidence).toEqual({ ticks: 15, psi_memory_some_mean: 0, min_available_share: 0.1, psi_threshold: 0.1, cgroup_limit_share: 0.9 });
    expect(f?.message).toContain('near the limit in 15 samples');
  });

  it('is silent for hold.mjs 215 MB in the same cgroup: usage settles at 87.5% of the limit, under 90%', () => {
    expect(memoryPressure.evaluate(recordedHost('memory_pressure', 'hold-215mb-in-256mib', 1))).toEqual([]);
  });

  it('fires on host MemAvailable under 10% of MemTotal, not at 11%', () => {
    expect(memoryPressure.evaluate(nodeOnly({ mem_available_bytes: 9 * GB }))).toHaveLength(1);
    expect(memoryPressure.evaluate(nodeOnly({ mem_available_bytes: 11 * GB }))).toEqual([]);
  });

  it('fires on memory PSI from 10%, critical from 30%', () => {
    expect(memoryPressure.evaluate(nodeOnly({ psi_memory_some: 0.09 }))).toEqual([]);
    expect(memoryPressure.evaluate(nodeOnly({ psi_memory_some: 0.1 }))[0]?.severity).toBe('warning');
    expect(memoryPressure.evaluate(nodeOnly({ psi_memory_some: 0.35 }))[0]?.severity).toBe('critical');
  });

  it('says nothing without host views', () => {
    expect(memoryPressure.evaluate(makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) }))).toEqual([]);
  });
});

describe('memory_pressure: each tick judged on its own cgroup rows', () => {
  it('starts at the first tick near the limit, not a tick earlier from the next tick\'s row', () => {
    const w = makeWindow({ n: 10, tick: () => ({ cpu_cores: 1 }) });
    // Two controller paths per tick (cgroup v1); memory near its limit from t = 5 s on.
    const cgroup = w.ticks.flatMap((t, i) => [
      { ts: t.ts, throttled_ratio: 0, quota_cores: null, mem_usage_bytes: null, mem_limit_bytes: null },
      { ts: t.ts, throttled_ratio: null, quota_cores: null, mem_usage_bytes: i >= 5 ? 0.95 * GB : 0.5 * GB, mem_limit_bytes: GB },
    ]);
    const h: HostView = { host: 'h1', ticks: w.ticks, node: [], background: [], cgroup, gpus: [], ib: [], profile: null };
    const [f] = memoryPressure.evaluate({ ...w, hosts: [h] });
    expect([f?.start_ts, f?.evidence.ticks]).toEqual([T0 + 5000, 5]);
  });

  it('live, raises a newest tick stalling at twice the PSI threshold at once; an ordinary one must persist', () => {
    const newestAt = (psi: number, at = 9, live = true): RunWindow => {
      const w = nodeOnly({});
      return { ...w, live, hosts: (w.hosts ?? []).map((h) => ({ ...h, node: h.node.map((n, i) => (i === at ? { ...n, psi_memory_some: psi } : n)) })) };
    };
    expect(memoryPressure.evaluate(newestAt(0.2))).toHaveLength(1);
    expect(memoryPressure.evaluate(newestAt(0.15))).toEqual([]);
    // Not the newest tick, or a finished run's whole window: one tick is one ordinary hit.
    expect(memoryPressure.evaluate(newestAt(0.2, 8))).toEqual([]);
    expect(memoryPressure.evaluate(newestAt(0.2, 9, false))).toEqual([]);
  });

  describe('live, thrashing at the cgroup limit', () => {
    // As measured on this VM (benchmarks/latency memory_pressure): reread.py's 256 MB mapped working
    // set in a cgroup v1 whose limit drops from 1 GiB to 160 MiB; the tick after the drop showed
    // usage 159 of 160 MiB, 7 major faults/s from the run and memory PSI some 0.041.
    const thrash = (newest: { use: number; majflt: number; psi: number | null }, live = true): RunWindow => {
      const w = makeWindow({ n: 10, tick: (i) => ({ cpu_cores: 1, majflt_per_s: i === 9 ? newest.majflt : 0 }) });
      const MiB = 2 ** 20;
      const cgroup = w.ticks.map((t, i) => ({ ts: t.ts, throttled_ratio: null, quota_cores: null, mem_usage_bytes: (i === 9 ? newest.use : 268) * MiB, mem_limit_bytes: (i === 9 ? 160 : 1024) * MiB }));
      const node = w.ticks.map((t, i) => ({ ts: t.ts, iowait_cores: 0, psi_io_some: 0, psi_memory_some: i === 9 ? newest.psi : 0 }));
      return { ...w, live, hosts: [{ host: 'h1', ticks: w.ticks, node, background: [], cgroup, gpus: [], ib: [], profile: null }] };
    };

    it('raises the first tick at the limit with the run\'s pages coming back from disk and memory stalls', () => {
      expect(memoryPressure.evaluate(thrash({ use: 159, majflt: 7, psi: 0.041 }))[0]?.kind).toBe('memory_pressure');
      // A kernel without PSI: the limit and the faults.
      expect(memoryPressure.evaluate(thrash({ use: 159, majflt: 7, psi: null }))).toHaveLength(1);
    });

    it('waits for more ticks at the limit without major faults, without stalls, under the limit, or once the run has ended', () => {
      // A page cache that filled the limit: no pages read back.
      expect(memoryPressure.evaluate(thrash({ use: 159, majflt: 0, psi: 0.041 }))).toEqual([]);
      expect(memoryPressure.evaluate(thrash({ use: 159, majflt: 7, psi: 0 }))).toEqual([]);
      // 75% of the limit: a first read of a mapped file, not reclaim.
      expect(memoryPressure.evaluate(thrash({ use: 120, majflt: 40, psi: 0.041 }))).toEqual([]);
      expect(memoryPressure.evaluate(thrash({ use: 159, majflt: 7, psi: 0.041 }, false))).toEqual([]);
    });
  });
});
