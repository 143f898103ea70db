import { join } from 'node:path';
import { readText } from '../../lib/proc-files.ts';
import { parseCpuMax, parseProcCgroup, parseSingleNumber, quotaCores } from '../cgroup/parse.ts';

/** Counts CPUs in a list like "0-3,8,10-11"; 0 for an unreadable list. */
export function countCpuList(list: string): number {
  let n = 0;
  for (const part of list.trim().split(',')) {
    const [a, b] = part.split('-').map((x) => Number.parseInt(x, 10));
    if (a === undefined || !Number.isFinite(a)) continue;
    n += b !== undefined && Number.isFinite(b) ? b - a + 1 : 1;
  }
  return n;
}

/** Every ancestor of a cgroup path, itself first: a quota anywhere above also limits it. */
function selfAndAncestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, parts.length - i).join('/')}`);
}

/** The tightest CPU quota (cores) on this process's cgroup and its ancestors; null when none. */
function quotaOfSelf(procRoot: string, sysRoot: string): number | null {
  const root = join(sysRoot, 'fs', 'cgroup');
  const quotas: number[] = [];
  for (const e of parseProcCgroup(readText(join(procRoot, 'self', 'cgroup')) ?? '')) {
    const v1 = e.controllers.includes('cpu');
    if (!v1 && e.id !== 0) continue;
    for (const p of selfAndAncestors(e.path)) {
      const q = v1
        ? quotaCores(parseSingleNumber(readText(join(root, 'cpu', p, 'cpu.cfs_quota_us'))), parseSingleNumber(readText(join(root, 'cpu', p, 'cpu.cfs_period_us'))))
        : parseCpuMax(readText(join(root, p, 'cpu.max')));
      if (q !== null) quotas.push(q);
    }
  }
  return quotas.length > 0 ? Math.min(...quotas) : null;
}

/**
 * Cores this host's workloads may really use, as the agent sees them from where it runs: its
 * cpuset (the affinity mask, which the kernel derives from it) capped by the CPU quota of its
 * cgroup and every ancestor. A container or a partitioned node then shows fewer cores than the
 * machine has. Null when neither source can be read.
 */
export function usableCores(procRoot: string, sysRoot: string): number | null {
  const m = /^Cpus_allowed_list:\s*(.+)$/m.exec(readText(join(procRoot, 'self', 'status')) ?? '');
  const cpuset = m?.[1] ? countCpuList(m[1]) : 0;
  const quota = quotaOfSelf(procRoot, sysRoot);
  const limits = [cpuset > 0 ? cpuset : null, quota].filter((x): x is number => x !== null);
  return limits.length > 0 ? Math.round(Math.min(...limits) * 100) / 100 : null;
}
