/** Slurm job identity from a cgroup path or the environment. */
export interface SlurmJob {
  readonly job_id: string;
  readonly sluid: string;
  readonly step: string;
}

// Crockford base32: digits and letters without I, L, O, U.
const SLUID = /^s[0-9a-hjkmnp-tv-z]{13}$/i;
const JOB_SEGMENT = /^job_(.+)$/;
const STEP_SEGMENT = /^step_(.+)$/;

/** Parses `.../job_123/step_0/...` and the SLUID form `.../job_s0123456789abc/...` (Slurm ≥ 26.05). */
export function slurmFromCgroupPath(path: string): SlurmJob | null {
  let job: string | null = null;
  let step = '';
  for (const seg of path.split('/')) {
    const j = JOB_SEGMENT.exec(seg);
    if (j?.[1]) job = j[1];
    const s = STEP_SEGMENT.exec(seg);
    if (s?.[1] && job) step = s[1];
  }
  if (job === null) return null;
  if (/^\d+$/.test(job)) return { job_id: job, sluid: '', step };
  if (SLUID.test(job)) return { job_id: '', sluid: job.toLowerCase(), step };
  return null;
}

/** All cgroup paths of a process from /proc/<pid>/cgroup text (v1 and v2 lines). */
export function cgroupPaths(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const parts = line.split(':');
    if (parts.length >= 3) out.push(parts.slice(2).join(':'));
  }
  return out;
}

export function slurmFromCgroupFile(text: string): SlurmJob | null {
  for (const path of cgroupPaths(text)) {
    const job = slurmFromCgroupPath(path);
    if (job) return job;
  }
  return null;
}

export function slurmFromEnv(env: ReadonlyMap<string, string>): SlurmJob | null {
  // Slurm's own Prolog/Epilog (slurmd's, outside the job's cgroup) carry the job's id but are not the job.
  if (env.has('SLURM_SCRIPT_CONTEXT')) return null;
  const job = env.get('SLURM_JOB_ID') ?? env.get('SLURM_JOBID') ?? '';
  const sluid = env.get('SLURM_JOB_SLUID') ?? '';
  if (!/^\d+$/.test(job) && !SLUID.test(sluid)) return null;
  return { job_id: /^\d+$/.test(job) ? job : '', sluid: SLUID.test(sluid) ? sluid.toLowerCase() : '', step: env.get('SLURM_STEP_ID') ?? '' };
}

/** The run id RunLens gives a Slurm job it discovers on its own. */
export function slurmRunId(job: SlurmJob, cluster: string): string {
  return `slurm-${cluster}-${job.sluid || job.job_id}`;
}

const NODE_SEGMENT = /(?:^|\/)slurm_([A-Za-z0-9._-]{1,128})(?:\/|$)/;

/**
 * The node whose slurmd made this process's cgroup (`/slurm_<node>/uid_…/job_…`, cgroup v1),
 * or null where the layout does not say (cgroup v2, no Slurm). Several slurmds on one machine
 * share one PID namespace; this is how each node's agent keeps to its own jobs.
 */
export function slurmNodeOfCgroupFile(text: string): string | null {
  for (const path of cgroupPaths(text)) {
    const m = NODE_SEGMENT.exec(path);
    if (m?.[1]) return m[1];
  }
  return null;
}
