import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readText } from '../../lib/proc-files.ts';
import { findOnPath } from '../gpu/find-bin.ts';
import { POLLED_VENDORS } from '../gpu/vendors.ts';
import { parseRate, parseState } from '../ib/parse.ts';
import { parseGpuInventory } from './parse.ts';
import type { GpuInventory } from './parse.ts';

const run = promisify(execFile);

export function cgroupVersion(sysRoot: string): number {
  const root = join(sysRoot, 'fs', 'cgroup');
  if (existsSync(join(root, 'cgroup.controllers'))) return 2;
  return existsSync(join(root, 'cpu')) || existsSync(join(root, 'cpuacct')) ? 1 : 0;
}

/** Core PMU device names: `cpu` on x86, `cpu_core`/`cpu_atom` on hybrid Intel, `armv8_pmuv3*` on arm64. */
const CORE_PMU = /^(cpu|cpu_core|cpu_atom|armv8_pmuv3.*)$/;

/**
 * Hardware counters need perf_event_open (the paranoid sysctl exists) and a core PMU
 * registered under event_source. A VM without a virtual PMU only has software/tracepoint.
 * We do not call perf_event_open itself: Node has no binding, and paranoid ≥ 2 with
 * root still opens, so existence is the honest cheap test.
 */
export function pmuAvailable(procRoot: string, sysRoot: string): boolean {
  if (!existsSync(join(procRoot, 'sys', 'kernel', 'perf_event_paranoid'))) return false;
  try {
    return readdirSync(join(sysRoot, 'bus', 'event_source', 'devices')).some((d) => CORE_PMU.test(d));
  } catch {
    return false;
  }
}

export interface IbInventory {
  readonly active_ports: number;
  readonly fastest_gbps: number | null;
}

export function ibInventory(sysRoot: string): IbInventory | null {
  const root = join(sysRoot, 'class', 'infiniband');
  let devices: string[];
  try {
    devices = readdirSync(root);
  } catch {
    return null;
  }
  let active = 0;
  let fastest: number | null = null;
  for (const dev of devices) {
    let ports: string[] = [];
    try { ports = readdirSync(join(root, dev, 'ports')); } catch { /* device vanished */ }
    for (const p of ports) {
      const dir = join(root, dev, 'ports', p);
      if (parseState(readText(join(dir, 'state'))) !== 'ACTIVE') continue;
      active++;
      const rate = parseRate(readText(join(dir, 'rate')));
      if (rate !== null) fastest = Math.max(fastest ?? 0, rate);
    }
  }
  return { active_ports: active, fastest_gbps: fastest };
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e));

/** Accelerators via the first polled vendor CLI found (rocm-smi, amd-smi, npu-smi), one call. */
async function polledInventory(searchPath: string | undefined, timeoutMs: number): Promise<GpuInventory | string | null> {
  for (const v of POLLED_VENDORS) {
    const bin = findOnPath(v.cli, searchPath);
    if (bin === null) continue;
    try {
      const { stdout } = await run(bin, [...v.src.args], { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, killSignal: 'SIGKILL', encoding: 'utf8' });
      const found = v.src.parse(stdout);
      const mems = found.map((r) => r.mem_total_bytes).filter((m): m is number => m !== null);
      return { models: found.map((r) => r.gpu_name || `${v.cli} device`), mem_total_bytes: mems.length ? Math.max(...mems) : null };
    } catch (e) {
      return `gpu: ${v.cli} failed: ${firstLine(e)}`;
    }
  }
  return null;
}

/** GPUs via one nvidia-smi call, else one call of another vendor's CLI; a string is the reason they are absent. */
export async function gpuInventory(nvidiaSmi: string, searchPath: string | undefined, timeoutMs: number): Promise<GpuInventory | string> {
  const bin = findOnPath(nvidiaSmi, searchPath);
  if (bin === null) return (await polledInventory(searchPath, timeoutMs)) ?? `gpu: ${[nvidiaSmi, ...POLLED_VENDORS.map((v) => v.cli)].join(', ')} not found`;
  try {
    const args = ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'];
    const { stdout } = await run(bin, args, { timeout: timeoutMs, encoding: 'utf8' });
    return parseGpuInventory(stdout);
  } catch (e) {
    return `gpu: nvidia-smi failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}
