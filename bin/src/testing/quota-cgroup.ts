import { accessSync, constants, existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@runlens/schemas';

/**
 * Node types made real on one machine by the cgroup v1 CPU controller (issue 13 tests): a cgroup
 * per type with a CPU quota, and a large cpu.shares so that the quota is what limits it even on a
 * machine loaded by others (the quota still caps it, so it never takes more than its cores).
 */
export const CPU_ROOT = '/sys/fs/cgroup/cpu';

export const canUseCpuQuota = ((): boolean => {
  try {
    accessSync(CPU_ROOT, constants.W_OK);
    return existsSync(join(CPU_ROOT, 'cpu.cfs_quota_us'));
  } catch {
    return false;
  }
})();

/** Makes the cgroup `name` with `cores` of quota (null: none); returns its path. */
export function makeQuotaCgroup(name: string, cores: number | null): string {
  const dir = join(CPU_ROOT, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'cpu.cfs_period_us'), '100000');
  writeFileSync(join(dir, 'cpu.cfs_quota_us'), cores === null ? '-1' : String(Math.round(cores * 100_000)));
  writeFileSync(join(dir, 'cpu.shares'), '262144');
  return dir;
}

/** Removes a cgroup once its last process has gone. */
export async function removeCgroup(dir: string): Promise<void> {
  for (let i = 0; i < 50 && existsSync(dir); i++) {
    try {
      rmdirSync(dir);
    } catch {
      await sleep(100);
    }
  }
}

/** A shell line that moves itself into `cgroup`, runs `cmd` and appends its own wall time in ns to `timings`: brute force, outside RunLens. */
export const timedIn = (cgroup: string, cmd: string, timings: string): string =>
  `echo $$ > ${cgroup}/cgroup.procs && s=$(date +%s%N) && ${cmd} && echo $(( $(date +%s%N) - s )) >> ${timings}`;
