import { allocatedGpuCount, countCpuList, gpuAllocationFromEnv } from '@runlens/collector';
import { readFileSync } from 'node:fs';

export { countCpuList };

/** Cores this run may use: --cores, else Slurm, else the affinity mask of this process. */
export function allocatedCores(flag: number | undefined, env: Readonly<Record<string, string | undefined>>, statusText?: string): { cores: number; source: string } {
  if (flag !== undefined) return { cores: flag, source: '--cores' };
  const slurm = Number.parseInt(env.SLURM_CPUS_ON_NODE ?? '', 10);
  if (Number.isFinite(slurm) && slurm > 0) return { cores: slurm, source: 'SLURM_CPUS_ON_NODE' };
  const text = statusText ?? readFileSync('/proc/self/status', 'utf8');
  const m = /^Cpus_allowed_list:\s*(.+)$/m.exec(text);
  const n = m?.[1] ? countCpuList(m[1]) : 0;
  return { cores: n > 0 ? n : 1, source: 'affinity mask' };
}

/**
 * GPUs this run may use, from the visibility variables it inherits (CUDA_VISIBLE_DEVICES,
 * ROCR/HIP_VISIBLE_DEVICES, ASCEND_RT_VISIBLE_DEVICES); 0 when none is set: unrestricted is
 * not an allocation.
 */
export function allocatedGpus(env: Readonly<Record<string, string | undefined>>): number {
  const vars = new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  return allocatedGpuCount([gpuAllocationFromEnv(vars)]);
}
