import type { Row } from '@runlens/schemas';
import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../detectors/detector.ts';
import { MB, T0, makeWindow } from '../detectors/testdata/windows.ts';
import type { RunWindow } from '../window/run-window.ts';
import { shortRunUndeterminable, withShortRun } from './short-run.ts';

/** The runs end row `runlens run` publishes: kernel totals of the command and its reaped children. */
function endRow(wallS: number, cpu: { user: number; sys: number } | null, io = { read: 0, write: 0 }): Row<'runs'> {
  return {
    run_id: 'r1', app: 'a', user: 'u', cluster: 'c', job_id: '', sluid: '', step: '', cmd: 'x', status: 'finished',
    start_ts: T0, end_ts: T0 + wallS * 1000, updated_ts: T0, exit_code: 0, hosts: ['h1'], ranks: 0, alloc_cores: 1, alloc_gpus: 0,
    tags: [], cpu_user_s: cpu?.user ?? null, cpu_sys_s: cpu?.sys ?? null, read_bytes: io.read, write_bytes: io.write, rchar: 0, wchar: 0,
  };
}

/** A 2 s run's window: 2 ticks of one busy core; `outside` cores of other processes on a 2-CPU host. */
function twoTicks(alloc: number, tick: { cpu: number; delay: number }, outside = 0): RunWindow {
  const w = makeWindow({ n: 2, alloc_cores: alloc, tick: () => ({ cpu_cores: tick.cpu, user_cores: tick.cpu, run_delay_cores: tick.delay, rss_bytes: 5 * MB }) });
  const profile = { logical_cpus: 2, mem_total_bytes: 1000 * MB, pmu_available: false, ib_link_rate_gbps: null };
  const background = w.ticks.map((t) => ({ ts: t.ts, cpu_cores: outside, top_comm: 'make' }));
  return { ...w, hosts: [{ host: 'h1', ticks: w.ticks, node: [], background, cgroup: [], gpus: [], ib: [], profile }] };
}

const kinds = (fs: readonly FindingDraft[]): string[] => fs.map((f) => f.kind).sort();

describe('a run shorter than the per-tick detectors need, judged on its totals', () => {
  it('is cpu_bound on a 1-core allocation: 1.9 CPU s in 2.05 s of wall time, evidence judged on kernel totals', () => {
    const [f, ...rest] = withShortRun(endRow(2.05, { user: 1.88, sys: 0.02 }), twoTicks(1, { cpu: 0.9, delay: 0 }), []);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ kind: 'cpu_bound', start_ts: T0, end_ts: T0 + 2050 });
    expect(f?.evidence).toMatchObject({ judged_on: 'totals', totals_source: 'kernel', cpu_cores_mean: 0.927, cpu_s: 1.9, wall_s: 2.05, ticks: 2 });
    expect(f?.message).toContain('judged on totals');
  });

  it('allows for start-up and exit: cpu_bound at 0.75 busy cores of wall time, not at 0.65', () => {
    expect(kinds(withShortRun(endRow(2, { user: 1.5, sys: 0 }), twoTicks(1, { cpu: 0.75, delay: 0 }), []))).toEqual(['cpu_bound']);
    expect(kinds(withShortRun(endRow(2, { user: 1.3, sys: 0 }), twoTicks(1, { cpu: 0.65, delay: 0 }), []))).toEqual([]);
  });

  it('adds low_cpu_utilization on a 2-core allocation (46%)', () => {
    const fs = withShortRun(endRow(2.05, { user: 1.88, sys: 0.02 }), twoTicks(2, { cpu: 0.9, delay: 0 }), []);
    expect(kinds(fs)).toEqual(['cpu_bound', 'low_cpu_utilization']);
    expect(fs.find((f) => f.kind === 'low_cpu_utilization')?.evidence).toMatchObject({ efficiency: 0.463, alloc_cores: 2, judged_on: 'totals' });
  });

  it('replaces the per-tick CPU judgement, whose partial first and last ticks read one busy core as 58%', () => {
    const perTick = withShortRun(endRow(2.05, { user: 1.88, sys: 0.02 }), twoTicks(1, { cpu: 0.9, delay: 0 }), [
      { kind: 'low_cpu_utilization', scope: 'run', scope_id: '', host: 'h1', start_ts: T0, end_ts: T0 + 2000, severity: 'info', confidence: 0.5, message: '', advice: '', evidence: {} },
    ]);
    expect(kinds(perTick)).toEqual(['cpu_bound']);
  });

  it('when starved by outside processes, is cpu_bound on what it asked for, with cpu_interference', () => {
    const fs = withShortRun(endRow(2, { user: 1.1, sys: 0 }), twoTicks(1, { cpu: 0.55, delay: 0.4 }, 1.2), []);
    expect(kinds(fs)).toEqual(['cpu_bound', 'cpu_interference', 'low_cpu_utilization']);
    expect(fs.find((f) => f.kind === 'cpu_interference')?.evidence).toMatchObject({ top_outside: 'make', judged_on: 'totals' });
  });

  it('falls back to the samples when the kernel gave no totals, and says so', () => {
    const [f] = withShortRun(endRow(2, null), twoTicks(1, { cpu: 0.95, delay: 0 }), []);
    expect(f?.evidence).toMatchObject({ totals_source: 'samples', cpu_s: 1.9 });
  });

  it('is io_bound when it writes at 80% of the device bandwidth, and only when that bandwidth is known', () => {
    const row = endRow(2, { user: 0.1, sys: 0.2 }, { read: 0, write: 1600 * MB });
    const w = twoTicks(1, { cpu: 0.15, delay: 0 });
    const cap = { read_bytes_per_s: 2000 * MB, write_bytes_per_s: 1000 * MB, unknown: [] };
    const io = withShortRun(row, w, [], cap).find((f) => f.kind === 'io_bound');
    expect(io?.evidence).toMatchObject({ storage_bytes_per_s_mean: 800 * MB, device_share: 0.8, device_write_bytes_per_s: 1000 * MB, judged_on: 'totals' });
    expect(kinds(withShortRun(row, w, [], { ...cap, write_bytes_per_s: 1500 * MB }))).not.toContain('io_bound'); // 53% of a faster device
    expect(kinds(withShortRun(row, w, []))).not.toContain('io_bound');
    const unknown = { read_bytes_per_s: null, write_bytes_per_s: null, unknown: ['h1/vda: not declared, and the probe is off (node_profile.storage.probe)'] };
    expect(shortRunUndeterminable({ read_bytes: 0, write_bytes: 1600 * MB, wall_s: 2 }, unknown, ['h1'])).toEqual([
      'io_bound: undeterminable for this short run (762.9 MiB/s of storage IO, judged on totals): device bandwidth unknown (h1/vda: not declared, and the probe is off (node_profile.storage.probe))',
    ]);
    expect(shortRunUndeterminable({ read_bytes: 0, write_bytes: MB, wall_s: 2 }, unknown, ['h1'])).toEqual([]);
    expect(shortRunUndeterminable({ read_bytes: 0, write_bytes: 1600 * MB, wall_s: 2 }, cap, ['h1'])).toEqual([]);
  });

  it('is memory_pressure when peak RSS reaches 90% of memory', () => {
    const w = { ...twoTicks(1, { cpu: 0.01, delay: 0 }), mem_total_bytes: 5.5 * MB };
    expect(kinds(withShortRun(endRow(2, { user: 0, sys: 0.02 }), w, []))).toEqual(['memory_pressure']);
  });

  it('leaves a run with enough ticks, and a run without an end, to the per-tick detectors', () => {
    const long = makeWindow({ n: 6, tick: () => ({ cpu_cores: 0.9, user_cores: 0.9 }) });
    expect(withShortRun(endRow(6, { user: 5.4, sys: 0 }), long, [])).toEqual([]);
    expect(withShortRun({ ...endRow(2, { user: 1.9, sys: 0 }), end_ts: null }, twoTicks(1, { cpu: 0.9, delay: 0 }), [])).toEqual([]);
  });
});
