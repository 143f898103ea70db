import { SELF_RUN_ID } from '@runlens/schemas';
import { readText } from '../lib/proc-files.ts';
import type { Attribution, RunTarget } from '../sampler.ts';
import { parseEnviron, ranksFromEnv } from './ranks.ts';
import type { SeenSlurmJob } from './slurm-job-tracker.ts';
import { type SlurmJob, slurmFromCgroupFile, slurmFromEnv, slurmNodeOfCgroupFile, slurmRunId } from './slurm.ts';

export interface ProcNode {
  readonly pid: number;
  readonly ppid: number;
  readonly start_ticks: number;
}

interface Identity {
  readonly slurm: SlurmJob | null;
  readonly app_env: string;
  /** /proc/<pid>/cgroup text where it named the Slurm job, else null. */
  readonly cgroup: string | null;
  readonly rank: number | null;
  readonly local_rank: number | null;
  /** In another node's Slurm cgroup subtree or environment (`slurmNode` set). */
  readonly elsewhere: boolean;
}

/**
 * Decides which run each process belongs to: the process tree under a run's root pid,
 * else a Slurm job from the cgroup path, else from the environment. Per-process facts are
 * read once per identity (pid + start time), because PIDs are reused.
 */
export class Attributor {
  private parent = new Map<number, number>();
  private identities = new Map<string, Identity>();
  private starts = new Map<number, number>();
  private roots = new Map<number, string>();
  private memo = new Map<number, Attribution | null>();
  private jobs = new Map<string, SeenSlurmJob>();

  /**
   * `selfPid`: RunLens's own process. It and its other children are sampled under the
   * reserved run id `runlens-self`: visible as overhead, but neither a run nor outside load.
   * `slurmNode`: this node's Slurm name; jobs in another node's cgroup subtree are not ours.
   */
  constructor(
    private readonly procRoot: string, private readonly cluster: string, private readonly selfPid: number | null = null,
    private readonly slurmNode: string | null = null,
  ) {}

  update(procs: readonly ProcNode[], runs: readonly RunTarget[]): void {
    this.parent.clear();
    this.starts.clear();
    this.memo.clear();
    this.jobs.clear();
    this.roots = new Map(runs.map((r) => [r.root_pid, r.run_id]));
    const live = new Set<string>();
    for (const p of procs) {
      this.parent.set(p.pid, p.ppid);
      this.starts.set(p.pid, p.start_ticks);
      live.add(`${p.pid}:${p.start_ticks}`);
    }
    for (const key of this.identities.keys()) if (!live.has(key)) this.identities.delete(key);
  }

  lookup = (pid: number): Attribution | null => {
    if (this.memo.has(pid)) return this.memo.get(pid) ?? null;
    const result = this.resolve(pid);
    this.memo.set(pid, result);
    return result;
  };

  /** A process of another node's slurmd (its daemon, jobs and tasks): not on this node at all. */
  elsewhere = (pid: number): boolean => this.identity(pid)?.elsewhere ?? false;

  /** Slurm jobs with a process looked up since the last `update`, keyed by run id. */
  slurmJobs(): ReadonlyMap<string, SeenSlurmJob> {
    return this.jobs;
  }

  private resolve(pid: number): Attribution | null {
    const runId = this.runOfTree(pid);
    const id = this.identity(pid);
    if (runId === SELF_RUN_ID) return { run_id: runId, rank: null, local_rank: null };
    if (runId !== null) return { run_id: runId, rank: id?.rank ?? null, local_rank: id?.local_rank ?? null };
    if (!id?.slurm) return null;
    const slurmRun = slurmRunId(id.slurm, this.cluster);
    const proc_cgroup = id.cgroup ?? this.jobs.get(slurmRun)?.proc_cgroup ?? null;
    this.jobs.set(slurmRun, { job: id.slurm, app_env: id.app_env, proc_cgroup });
    return { run_id: slurmRun, rank: id.rank, local_rank: id.local_rank };
  }

  private runOfTree(pid: number): string | null {
    let cur: number | undefined = pid;
    for (let depth = 0; cur !== undefined && cur > 1 && depth < 256; depth++) {
      const run = this.roots.get(cur);
      if (run !== undefined) return run;
      if (cur === this.selfPid) return SELF_RUN_ID;
      cur = this.parent.get(cur);
    }
    return null;
  }

  private identity(pid: number): Identity | null {
    const start = this.starts.get(pid);
    if (start === undefined) return null;
    const key = `${pid}:${start}`;
    const known = this.identities.get(key);
    if (known) return known;
    const cg = readText(`${this.procRoot}/${pid}/cgroup`);
    const fromCgroup = cg ? slurmFromCgroupFile(cg) : null;
    // environ needs ptrace-read rights; where it is denied, ranks stay unknown.
    const envText = readText(`${this.procRoot}/${pid}/environ`);
    const env = envText ? parseEnviron(envText) : new Map<string, string>();
    const ranks = ranksFromEnv(env);
    const elsewhere = this.onOtherNode(cg, env);
    const slurm = elsewhere ? null : (fromCgroup ?? slurmFromEnv(env));
    const cgroup = slurm !== null && slurm === fromCgroup ? cg : null;
    const id: Identity = { slurm, app_env: (env.get('RUNLENS_APP') ?? '').slice(0, 256), cgroup, ...ranks, elsewhere };
    this.identities.set(key, id);
    return id;
  }

  /** A process of another node's slurmd (same machine, shared PID namespace). */
  private onOtherNode(cgroup: string | null, env: ReadonlyMap<string, string>): boolean {
    if (this.slurmNode === null) return false;
    const node = (cgroup ? slurmNodeOfCgroupFile(cgroup) : null) ?? env.get('SLURMD_NODENAME') ?? null;
    return node !== null && node !== this.slurmNode;
  }
}
