import type { CgroupEntry } from './parse.ts';

const JOB_SEGMENT = /^job_./;

/**
 * A Slurm job's own cgroup from one of its processes' entries: each path is cut after its
 * `job_<id>` segment (`/slurm_n1/uid_1000/job_42/step_0/task_0` → `/slurm_n1/uid_1000/job_42`,
 * v2 `/system.slice/slurmstepd.scope/job_42/step_0/user/task_0` → `…/job_42`). Entries outside
 * the job (a v1 controller Slurm does not constrain, still at `/`) are dropped: they would
 * report the whole host as the job.
 */
export function atJobLevel(entries: readonly CgroupEntry[]): CgroupEntry[] {
  const out: CgroupEntry[] = [];
  for (const e of entries) {
    const segs = e.path.split('/');
    const i = segs.findIndex((s) => JOB_SEGMENT.test(s));
    if (i >= 0) out.push({ ...e, path: segs.slice(0, i + 1).join('/') });
  }
  return out;
}

/**
 * The v1 CPU cgroup a job's processes sit in when Slurm does not constrain CPU there (22.05
 * on cgroup v1 uses cpuset, memory and freezer only): the one they inherited from slurmd, e.g.
 * a node-wide quota (`/slurm_n1` in the testbed, `/system.slice/slurmd.service` on a host).
 * Its throttling is the job's; the sampler keeps it only where it has a quota.
 */
export function enclosingCpu(entries: readonly CgroupEntry[]): CgroupEntry[] {
  return entries.filter((e) => e.controllers.includes('cpu') && e.path !== '/' && !e.path.split('/').some((s) => JOB_SEGMENT.test(s)));
}
