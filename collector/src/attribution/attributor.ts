import { statSync } from 'node:fs';
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
  /** RUN_ID_ENV from the environment: the run that started it, by its own account; '' if none. */
  readonly run_env: string;
  /** In another node's Slurm cgroup subtree or environment (`slurmNode` set). */
  readonly elsewhere: boolean;
  /** Its user (the owner of /proc/<pid>), null when unknown. */
  readonly uid: number | null;
}

function ownerOf(dir: string): number | null {
  try {
    return statSync(dir).uid;
  } catch {
    return null;
  }
}

/** Set by `runlens run` on the command it starts: processes that leave its tree still carry it. */
export const RUN_ID_ENV = 'RUNLENS_RUN_ID';

/**
 * Decides which run each process belongs to. A process is in a run when it descends from the
 * run's root (pid + start time, so a successor reusing the root's pid is not the root), when it
 * once did (a daemon re-parented to init stays in the run while it lives), when its environment
 * names the run (RUN_ID_ENV) and it started after the root, else when a Slurm job's cgroup or
 * environment names it. A process without a rank of its own keeps its nearest ancestor's in
 * the same run (a helper started with a cleaned environment). Per-process facts are read once
 * per identity (pid + start time), because PIDs are reused.
 */
export class Attributor {
  private parent = new Map<number, number>();
  /** Per pid, the identity of the process that holds it now (its start time). */
  private identities = new Map<number, { readonly start: number; readonly id: Identity }>();
  private starts = new Map<number, number>();
  /** Root pid → its run and the root's pinned start time. */
  private roots = new Map<number, { run_id: string; start: number | undefined }>();
  private rootStarts = new Map<string, number>();
  /** Each run's owner (its root's user): only that user's processes may claim the run by environment. */
  private rootUids = new Map<string, number>();
  /**
   * Per pid (with its start time, the identity), the run of every process found in a run's tree:
   * membership outlives re-parenting. Keyed by pid, not a `pid:start` string: no string per
   * process per tick.
   */
  private members = new Map<number, { readonly start: number; readonly run: string }>();
  /**
   * `lookup`'s answers of this update (`memoAt` holds the update each was given in). These maps,
   * `parent` and `starts` are overwritten in place and lose only departed pids: clearing and
   * refilling them every tick regrew their tables, garbage that outlived the young generation.
   */
  private memo = new Map<number, Attribution | null>();
  private memoAt = new Map<number, number>();
  private listedAt = new Map<number, number>();
  private updates = 0;
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
    const n = ++this.updates;
    this.jobs.clear();
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i]!;
      this.parent.set(p.pid, p.ppid);
      this.starts.set(p.pid, p.start_ticks);
      this.listedAt.set(p.pid, n);
    }
    // forEach, not for-of: here for-of over a Map made an entry array per entry.
    this.listedAt.forEach((at, pid) => {
      if (at !== n) this.forget(pid);
    });
    // A process is live when its pid is listed with the same start time.
    this.identities.forEach((e, pid) => {
      if (this.starts.get(pid) !== e.start) this.identities.delete(pid);
    });
    this.pinRoots(runs);
    this.members.forEach((m, pid) => {
      if (this.starts.get(pid) !== m.start || !this.rootStarts.has(m.run)) this.members.delete(pid);
    });
  }

  /** A pid no longer listed. */
  private forget(pid: number): void {
    this.listedAt.delete(pid);
    this.parent.delete(pid);
    this.starts.delete(pid);
    this.memo.delete(pid);
    this.memoAt.delete(pid);
  }

  /** Each run's root start: as given, else as first seen; forgotten with the run. */
  private pinRoots(runs: readonly RunTarget[]): void {
    const active = new Set(runs.map((r) => r.run_id));
    for (const id of this.rootStarts.keys()) if (!active.has(id)) this.rootStarts.delete(id);
    for (const id of this.rootUids.keys()) if (!active.has(id)) this.rootUids.delete(id);
    this.roots = new Map();
    for (const r of runs) {
      const start = r.root_start_ticks ?? this.rootStarts.get(r.run_id) ?? this.starts.get(r.root_pid);
      if (start !== undefined) this.rootStarts.set(r.run_id, start);
      this.roots.set(r.root_pid, { run_id: r.run_id, start });
      const uid = this.rootUids.get(r.run_id) ?? (start !== undefined && this.starts.get(r.root_pid) === start ? this.identity(r.root_pid)?.uid : null);
      if (uid !== null && uid !== undefined) this.rootUids.set(r.run_id, uid);
    }
  }

  lookup = (pid: number): Attribution | null => {
    if (this.listedAt.get(pid) !== this.updates) return this.resolve(pid); // not listed: no parent to recurse into, nothing kept
    if (this.memoAt.get(pid) === this.updates) return this.memo.get(pid) ?? null;
    this.memoAt.set(pid, this.updates);
    this.memo.set(pid, null); // in progress: a parent cycle (reused pids) ends here
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
    const id = this.identity(pid);
    const runId = this.runOfTree(pid) ?? this.runOfEnv(pid, id);
    if (runId === SELF_RUN_ID) return { run_id: runId, rank: null, local_rank: null };
    if (runId !== null) {
      const start = this.starts.get(pid);
      const m = this.members.get(pid);
      if (start !== undefined && (m?.start !== start || m.run !== runId)) this.members.set(pid, { start, run: runId });
      return this.withRank(pid, runId, id);
    }
    if (!id?.slurm) return null;
    const slurmRun = slurmRunId(id.slurm, this.cluster);
    const proc_cgroup = id.cgroup ?? this.jobs.get(slurmRun)?.proc_cgroup ?? null;
    this.jobs.set(slurmRun, { job: id.slurm, app_env: id.app_env, proc_cgroup });
    return this.withRank(pid, slurmRun, id);
  }

  /** Its own rank, else its nearest ancestor's in the same run (launchers' helpers often drop the rank variables). */
  private withRank(pid: number, runId: string, id: Identity | null): Attribution {
    if (id?.rank !== null && id?.rank !== undefined) return { run_id: runId, rank: id.rank, local_rank: id.local_rank };
    const ppid = this.parent.get(pid);
    const up = ppid !== undefined && ppid > 1 && ppid !== pid ? this.lookup(ppid) : null;
    return up?.run_id === runId ? { run_id: runId, rank: up.rank, local_rank: up.local_rank } : { run_id: runId, rank: null, local_rank: id?.local_rank ?? null };
  }

  private runOfTree(pid: number): string | null {
    let cur: number | undefined = pid;
    for (let depth = 0; cur !== undefined && cur > 1 && depth < 256; depth++) {
      const start = this.starts.get(cur);
      const root = this.roots.get(cur);
      if (root !== undefined && root.start === start) return root.run_id;
      const m = start === undefined ? undefined : this.members.get(cur);
      const member = m?.start === start ? m?.run : undefined;
      if (member !== undefined) return member;
      if (cur === this.selfPid) return SELF_RUN_ID;
      cur = this.parent.get(cur);
    }
    return null;
  }

  /**
   * The run its environment names, if that run is active, its root started no later than it,
   * and it runs as the run's owner: another user cannot put a process into someone's run.
   */
  private runOfEnv(pid: number, id: Identity | null): string | null {
    const run = id?.run_env ?? '';
    const rootStart = run === '' ? undefined : this.rootStarts.get(run);
    const start = this.starts.get(pid);
    const owner = this.rootUids.get(run);
    if (owner === undefined || id?.uid !== owner) return null;
    return rootStart !== undefined && start !== undefined && start >= rootStart ? run : null;
  }

  private identity(pid: number): Identity | null {
    const start = this.starts.get(pid);
    if (start === undefined) return null;
    const known = this.identities.get(pid);
    if (known?.start === start) return known.id;
    const cg = readText(`${this.procRoot}/${pid}/cgroup`);
    const fromCgroup = cg ? slurmFromCgroupFile(cg) : null;
    // environ needs ptrace-read rights; where it is denied, ranks stay unknown.
    const envText = readText(`${this.procRoot}/${pid}/environ`);
    const env = envText ? parseEnviron(envText) : new Map<string, string>();
    const ranks = ranksFromEnv(env);
    const elsewhere = this.onOtherNode(cg, env);
    const slurm = elsewhere ? null : (fromCgroup ?? slurmFromEnv(env));
    const cgroup = slurm !== null && slurm === fromCgroup ? cg : null;
    const id: Identity = { slurm, app_env: (env.get('RUNLENS_APP') ?? '').slice(0, 256), cgroup, ...ranks, run_env: env.get(RUN_ID_ENV) ?? '', elsewhere, uid: ownerOf(`${this.procRoot}/${pid}`) };
    this.identities.set(pid, { start, id });
    return id;
  }

  /** A process of another node's slurmd (same machine, shared PID namespace). */
  private onOtherNode(cgroup: string | null, env: ReadonlyMap<string, string>): boolean {
    if (this.slurmNode === null) return false;
    const node = (cgroup ? slurmNodeOfCgroupFile(cgroup) : null) ?? env.get('SLURMD_NODENAME') ?? null;
    return node !== null && node !== this.slurmNode;
  }
}
