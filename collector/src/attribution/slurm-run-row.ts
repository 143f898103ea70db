import type { Row } from '@runlens/schemas';
import type { SlurmJobInfo } from './scontrol-job.ts';
import type { SlurmJob } from './slurm.ts';

/** Slurm's end states; any of them closes the run. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set([
  'COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE',
]);

/** A job as one node's agent knows it: where, since when, and what the job's environment says. */
export interface SlurmRunFacts {
  readonly run_id: string;
  readonly job: SlurmJob;
  /** RUNLENS_APP from the job's environment, or ''. */
  readonly app_env: string;
  readonly cluster: string;
  readonly host: string;
  readonly first_seen_ms: number;
}

export type SlurmRunEnd = { readonly state: string; readonly at_ms: number; readonly exit_code: number | null } | null;

/**
 * The runs row of a Slurm job as seen from this node. Per-node allocation goes in alloc_cores
 * and alloc_gpus; the job's whole request and Slurm's own words go in `tags` as key=value.
 */
export function slurmRunRow(f: SlurmRunFacts, info: SlurmJobInfo | null, end: SlurmRunEnd, now: number): Row<'runs'> {
  const start = clamp(info?.start_ms ?? f.first_seen_ms, 0, f.first_seen_ms);
  return {
    run_id: f.run_id, app: f.app_env || info?.name || 'slurm', user: info?.user ?? '', cluster: f.cluster,
    job_id: f.job.job_id, sluid: f.job.sluid, step: f.job.step, cmd: info?.command ?? '',
    status: end === null ? 'running' : statusOf(end.state), start_ts: start,
    end_ts: end === null ? null : clamp(end.at_ms, start, now), updated_ts: now, exit_code: end?.exit_code ?? null,
    hosts: info && info.nodes.length > 0 ? [...info.nodes] : [f.host], ranks: 0,
    alloc_cores: info?.cpus_per_node.get(f.host) ?? 0, alloc_gpus: info?.gpus_per_node.get(f.host) ?? 0,
    tags: info ? tagsOf(info, end) : end ? [`slurm_state=${end.state}`] : [],
    cpu_user_s: null, cpu_sys_s: null, read_bytes: null, write_bytes: null, rchar: null, wchar: null,
  };
}

/** runs.status keeps its vocabulary; Slurm's exact state is the `slurm_state` tag. */
function statusOf(state: string): string {
  if (state === 'COMPLETED') return 'finished';
  return TERMINAL_STATES.has(state) ? 'failed' : 'lost';
}

function tagsOf(info: SlurmJobInfo, end: SlurmRunEnd): string[] {
  const tags = [
    `slurm_state=${end?.state ?? info.state}`, `job_name=${info.name}`, `account=${info.account}`, `partition=${info.partition}`,
    `req_cpus=${info.cpus_total}`, `req_gpus=${info.gpus_total}`, `nodes=${info.nodes.length}`,
  ];
  if (info.uid !== null) tags.push(`uid=${info.uid}`);
  if (info.mem_bytes !== null) tags.push(`req_mem_bytes=${info.mem_bytes}`);
  if (info.time_limit_s !== null) tags.push(`time_limit_s=${info.time_limit_s}`);
  if (info.stdout_path) tags.push(`stdout_path=${info.stdout_path}`);
  if (info.stderr_path && info.stderr_path !== info.stdout_path) tags.push(`stderr_path=${info.stderr_path}`);
  // The row's alloc_cores is this node's; the others' go here so the job's summary has them all (bounded).
  if (info.cpus_per_node.size > 0 && info.cpus_per_node.size <= 64) tags.push(`cpus_per_node=${[...info.cpus_per_node].map(([n, c]) => `${n}:${c}`).join(',')}`);
  return tags;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}
