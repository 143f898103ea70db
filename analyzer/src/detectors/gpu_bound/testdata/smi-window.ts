import { readFileSync } from 'node:fs';
import type { GpuTick, HostProfile, IbTick, RunWindow } from '../../../window/run-window.ts';
import { QUIET, T0, makeWindow } from '../../testdata/windows.ts';

/*
 * Test support shared by the GPU and IB detector tests: golden nvidia-smi output → GpuTick[],
 * and a one-host RunWindow around GPU and IB ticks. Mirrors the collector's gpu sampler
 * (same 17 --query-gpu fields, csv,noheader,nounits) without importing it (analyzer → schemas only).
 */

export const MIB = 1024 * 1024;

export function golden(dir: string, name: string): string {
  return readFileSync(new URL(`../../${dir}/testdata/${name}`, import.meta.url), 'utf8');
}

const THROTTLE_BITS: readonly [number, string][] = [
  [0x1, 'gpu_idle'], [0x2, 'applications_clocks_setting'], [0x4, 'sw_power_cap'], [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'], [0x20, 'sw_thermal_slowdown'], [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'], [0x100, 'display_clock_setting'],
];

const num = (s: string | undefined): number | null => (s !== undefined && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : null);

/**
 * `-lms 1000` prints one line per GPU per interval; a new interval starts when the GPU index
 * does not increase. `apps` is --query-compute-apps=gpu_uuid,pid,process_name,used_memory (stable
 * over the capture); a process counts for the run when its pid is in `runPids`.
 */
export function gpuTicks(queryGpu: string, apps: string, runPids: readonly number[]): GpuTick[] {
  const procs = new Map<string, number>();
  for (const a of apps.split('\n').map((l) => l.split(',').map((s) => s.trim()))) {
    if (a[0] && runPids.includes(num(a[1]) ?? -1)) procs.set(a[0], (procs.get(a[0]) ?? 0) + 1);
  }
  const out: GpuTick[] = [];
  let tick = -1;
  let prevIndex = Infinity;
  for (const f of queryGpu.split('\n').filter((l) => l.trim()).map((l) => l.split(',').map((s) => s.trim()))) {
    const index = num(f[0]) ?? 0;
    if (index <= prevIndex) tick += 1;
    prevIndex = index;
    const util = num(f[3]);
    const mem = num(f[5]);
    const bits = Number.parseInt((f[14] ?? '0x0').slice(-8), 16);
    out.push({
      ts: T0 + tick * 1000, gpu_uuid: f[1] ?? '', util_ratio: util === null ? null : util / 100,
      mem_used_bytes: mem === null ? null : mem * MIB, throttle_reasons: THROTTLE_BITS.filter(([b]) => (bits & b) !== 0).map(([, n]) => n),
      ecc_uncorrected: num(f[15]), run_procs: procs.get(f[1] ?? '') ?? 0,
    });
  }
  return out;
}

export interface HostSpec {
  readonly gpus?: readonly GpuTick[];
  readonly ib?: readonly IbTick[];
  readonly alloc_gpus?: number;
  readonly profile?: HostProfile | null;
}

/** One host 'h1' whose run has one live process at every tick the samples cover. */
export function hostWindow(spec: HostSpec): RunWindow {
  const tss = [...(spec.gpus ?? []), ...(spec.ib ?? [])].map((t) => t.ts);
  const n = tss.length ? (Math.max(...tss) - T0) / 1000 + 1 : 0;
  const w = makeWindow({ n, alloc_cores: 8, tick: () => ({ ...QUIET, cpu_cores: 1, procs: 1 }) });
  return {
    ...w, alloc_gpus: spec.alloc_gpus ?? 0,
    hosts: [{ host: 'h1', ticks: w.ticks, node: [], background: [], cgroup: [], gpus: spec.gpus ?? [], ib: spec.ib ?? [], profile: spec.profile ?? null }],
  };
}
