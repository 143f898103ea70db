import { readText } from '../lib/proc-files.ts';
import { parseEnviron } from './ranks.ts';

/**
 * Which accelerators a process may use, from the variables launchers and runtimes honour.
 * The first variable set wins, in this order:
 *   CUDA_VISIBLE_DEVICES (NVIDIA; HIP honours it too), ROCR_VISIBLE_DEVICES (AMD, with
 *   HIP_VISIBLE_DEVICES selecting by position inside it), HIP_VISIBLE_DEVICES,
 *   ASCEND_RT_VISIBLE_DEVICES (Huawei Ascend).
 * Entries are indices (`0`) or UUIDs (`GPU-…`, `MIG-…`). Like the CUDA runtime, the list
 * ends at the first entry that is neither (`-1` hides every GPU); an empty value or Slurm's
 * `NoDevFiles` means none. Indices are as the process sees them: under Slurm's
 * ConstrainDevices they are relative to the job's devices, so `SLURM_JOB_GPUS`, when set,
 * gives the host's own indices for the same count. Pure; never throws.
 */
export const GPU_ENV_VARS = ['CUDA_VISIBLE_DEVICES', 'ROCR_VISIBLE_DEVICES', 'HIP_VISIBLE_DEVICES', 'ASCEND_RT_VISIBLE_DEVICES'] as const;

export interface GpuAllocation {
  readonly source: (typeof GPU_ENV_VARS)[number];
  /** Device identifiers as the process's runtime sees them: indices or UUIDs, no duplicates. */
  readonly devices: readonly string[];
  /** Host-level indices from SLURM_JOB_GPUS when it agrees in count, else null. */
  readonly host_indices: readonly number[] | null;
}

const ENTRY = /^(\d+|(?:GPU|MIG)-[0-9A-Za-z-]+(?:\/\d+\/\d+)?)$/;
const MAX_DEVICES = 1024;

/** One visibility list, cut at the first entry the runtimes would reject. */
export function parseVisibleList(value: string): string[] {
  const out: string[] = [];
  if (value.trim() === 'NoDevFiles') return out;
  for (const raw of value.split(',', MAX_DEVICES)) {
    const e = raw.trim();
    if (!ENTRY.test(e)) break;
    if (!out.includes(e)) out.push(e);
  }
  return out;
}

function hostIndices(env: ReadonlyMap<string, string>, count: number): number[] | null {
  const v = env.get('SLURM_JOB_GPUS');
  if (v === undefined) return null;
  const ids = v.split(',').map((s) => s.trim());
  if (ids.length !== count || !ids.every((s) => /^\d+$/.test(s))) return null;
  return ids.map(Number);
}

function visible(env: ReadonlyMap<string, string>): Omit<GpuAllocation, 'host_indices'> | null {
  const cuda = env.get('CUDA_VISIBLE_DEVICES');
  if (cuda !== undefined) return { source: 'CUDA_VISIBLE_DEVICES', devices: parseVisibleList(cuda) };
  const rocr = env.get('ROCR_VISIBLE_DEVICES');
  const hip = env.get('HIP_VISIBLE_DEVICES');
  if (rocr !== undefined) {
    const outer = parseVisibleList(rocr);
    if (hip === undefined) return { source: 'ROCR_VISIBLE_DEVICES', devices: outer };
    // HIP numbers the devices ROCR left visible; an index past the end ends the list.
    const picked: string[] = [];
    for (const e of parseVisibleList(hip)) {
      const d = /^\d+$/.test(e) ? outer[Number(e)] : undefined;
      if (d === undefined) break;
      if (!picked.includes(d)) picked.push(d);
    }
    return { source: 'ROCR_VISIBLE_DEVICES', devices: picked };
  }
  if (hip !== undefined) return { source: 'HIP_VISIBLE_DEVICES', devices: parseVisibleList(hip) };
  const ascend = env.get('ASCEND_RT_VISIBLE_DEVICES');
  if (ascend !== undefined) return { source: 'ASCEND_RT_VISIBLE_DEVICES', devices: parseVisibleList(ascend) };
  return null;
}

/** null when no variable restricts the process: it may use every device on the host. */
export function gpuAllocationFromEnv(env: ReadonlyMap<string, string>): GpuAllocation | null {
  const v = visible(env);
  return v === null ? null : { ...v, host_indices: hostIndices(env, v.devices.length) };
}

/** From /proc/<pid>/environ; null when unreadable (gone, or no ptrace rights) or unrestricted. */
export function gpuAllocationOfPid(procRoot: string, pid: number): GpuAllocation | null {
  const text = readText(`${procRoot}/${pid}/environ`);
  return text === null ? null : gpuAllocationFromEnv(parseEnviron(text));
}

/**
 * GPUs allocated to a run on one host: the union over its processes' allocations, keyed by
 * host index where known, else by the identifier as seen. Unrestricted or unreadable
 * processes add nothing; 0 means no process named a GPU.
 */
export function allocatedGpuCount(allocs: readonly (GpuAllocation | null)[]): number {
  const ids = new Set<string>();
  for (const a of allocs) {
    if (a === null) continue;
    const keys = a.host_indices?.map((i) => `host:${i}`) ?? a.devices.map((d) => `${a.source}:${d}`);
    for (const k of keys) ids.add(k);
  }
  return ids.size;
}
