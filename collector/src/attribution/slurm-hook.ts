import { z } from 'zod';
import type { SlurmJobInfo } from './scontrol-job.ts';
import { TERMINAL_STATES } from './slurm-run-row.ts';

/*
 * What Slurm's Prolog and Epilog (`runlens slurm prolog|epilog`, run by slurmd as root) tell the
 * node's agent over its local socket. Every field is bounded: the socket is root's, but the text
 * comes from the job (its name, its command) and from scontrol's output.
 */
/** Where `runlens agent` listens for the hooks unless RUNLENS_AGENT_SOCKET says otherwise (both ends read it). */
export const DEFAULT_AGENT_SOCKET = '/run/runlens/agent.sock';

const jobId = z.string().regex(/^\d{1,12}$/);
const name = z.string().max(256);
const nodeName = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);
const count = z.number().int().min(0).max(1_000_000);
const perNode = z.record(nodeName, count).refine((r) => Object.keys(r).length <= 4096, 'at most 4096 nodes');

export const slurmStartMessage = z.object({
  op: z.literal('slurm_start'),
  /** SLURMD_NODENAME of the slurmd that ran the prolog: an agent refuses another node's jobs. */
  node: nodeName,
  job_id: jobId,
  name,
  user: z.string().max(64),
  uid: z.number().int().min(0).max(2 ** 32 - 1).nullable(),
  account: name,
  partition: name,
  time_limit_s: z.number().int().min(0).max(2 ** 31).nullable(),
  start_ms: z.number().int().min(0).nullable(),
  nodes: z.array(nodeName).max(4096),
  cpus_total: count,
  cpus_per_node: perNode,
  gpus_per_node: perNode,
  mem_bytes: z.number().int().min(0).max(2 ** 53).nullable(),
  gpus_total: count,
  command: z.string().max(4096),
  /** Slurm's StdOut / StdErr of the job ('' when none): recorded with the run so its log can be found. */
  stdout_path: z.string().max(4096).default(''),
  stderr_path: z.string().max(4096).default(''),
}).strict();

export const slurmEndMessage = z.object({
  op: z.literal('slurm_end'),
  node: nodeName,
  job_id: jobId,
  /** Slurm's end state where the epilog could tell it; null: the agent asks scontrol once the job leaves COMPLETING. */
  state: z.string().refine((s) => TERMINAL_STATES.has(s), 'a Slurm end state').nullable(),
  exit_code: z.number().int().min(0).max(255).nullable(),
  end_ms: z.number().int().min(0),
}).strict();

export type SlurmStartMessage = z.infer<typeof slurmStartMessage>;
export type SlurmEndMessage = z.infer<typeof slurmEndMessage>;
export type SlurmHookMessage = SlurmStartMessage | SlurmEndMessage;

/** The prolog's message as the tracker keeps it (what scontrol would have said). */
export function hookJobInfo(m: SlurmStartMessage): SlurmJobInfo {
  return {
    job_id: m.job_id, name: m.name, user: m.user, uid: m.uid, account: m.account, partition: m.partition,
    state: 'RUNNING', reason: '', exit_code: null, time_limit_s: m.time_limit_s, start_ms: m.start_ms, end_ms: null,
    nodes: m.nodes, cpus_total: m.cpus_total, cpus_per_node: new Map(Object.entries(m.cpus_per_node)),
    gpus_per_node: new Map(Object.entries(m.gpus_per_node)), mem_bytes: m.mem_bytes, gpus_total: m.gpus_total, command: m.command,
    stdout_path: m.stdout_path, stderr_path: m.stderr_path,
  };
}

/** The start message from scontrol's answer, with slurmd's own environment winning where both speak. */
export function startMessage(node: string, info: SlurmJobInfo | null, env: { job_id: string; user: string; uid: number | null; partition: string; nodes: readonly string[] }): SlurmStartMessage {
  return {
    op: 'slurm_start', node, job_id: env.job_id, name: (info?.name ?? '').slice(0, 256), user: env.user || (info?.user ?? ''),
    uid: env.uid ?? info?.uid ?? null, account: (info?.account ?? '').slice(0, 256), partition: env.partition || (info?.partition ?? ''),
    time_limit_s: info?.time_limit_s ?? null, start_ms: info?.start_ms ?? null,
    nodes: env.nodes.length > 0 ? [...env.nodes] : [...(info?.nodes ?? [])], cpus_total: info?.cpus_total ?? 0,
    cpus_per_node: Object.fromEntries(info?.cpus_per_node ?? []), gpus_per_node: Object.fromEntries(info?.gpus_per_node ?? []),
    mem_bytes: info?.mem_bytes ?? null, gpus_total: info?.gpus_total ?? 0, command: (info?.command ?? '').slice(0, 4096),
    stdout_path: info?.stdout_path ?? '', stderr_path: info?.stderr_path ?? '',
  };
}

/**
 * While the epilog runs, Slurm shows the job as COMPLETING; only its Reason says how it ended,
 * and only for some ends. Where the Reason is ambiguous (None: completed, or cancelled and the
 * script exited 0), null: the agent asks scontrol again once the job has left COMPLETING.
 */
const ENDING_REASON: Readonly<Record<string, string>> = {
  OutOfMemory: 'OUT_OF_MEMORY', TimeLimit: 'TIMEOUT', NonZeroExitCode: 'FAILED', RaisedSignal: 'FAILED', NodeDown: 'NODE_FAIL', DeadLine: 'DEADLINE',
};

export function epilogState(info: SlurmJobInfo | null): string | null {
  if (info === null) return null;
  if (TERMINAL_STATES.has(info.state)) return info.state;
  const reason = info.reason.split(':')[0] ?? '';
  return info.state === 'COMPLETING' ? ENDING_REASON[reason] ?? null : null;
}
