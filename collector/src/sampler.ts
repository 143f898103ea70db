import type { Logger, Row, RowColumns, TableName } from '@runlens/schemas';
import type { z } from 'zod';
import type { ProcNode } from './attribution/attributor.ts';

/** Tables a sampler may hand over as columns it refills in place every tick (valid until its next `sample`). */
export type ColumnarTable = 'process_samples';

/** Rows a sampler produced in one tick, per table: objects, or for a ColumnarTable possibly columns. */
export type RowsByTable = { [N in Exclude<TableName, ColumnarTable>]?: Row<N>[] } & { [N in ColumnarTable]?: Row<N>[] | RowColumns<N> };

/** What a sampler may know about the host; fixed for the agent's life. */
export interface HostContext {
  readonly host: string;
  readonly procRoot: string;
  readonly sysRoot: string;
  readonly clkTck: number;
  readonly pageSize: number;
  readonly log: Logger;
}

/** A run the agent attributes processes to. */
export interface RunTarget {
  readonly run_id: string;
  readonly root_pid: number;
  /**
   * The root's start time (CLK_TCK since boot): with the pid, its identity. Where it is not given,
   * the attributor pins the start it first sees, so a successor reusing the pid is never the root.
   */
  readonly root_start_ticks?: number;
}

/**
 * A run found through the cgroup of its processes (a Slurm job this agent discovered): its
 * resources are sampled at the job's own cgroup for as long as the job lives on the node.
 */
export interface JobCgroupTarget {
  readonly run_id: string;
  /** `/proc/<pid>/cgroup` text of one of the job's processes, as last read. */
  readonly proc_cgroup: string;
}

/** One tick: every row of a tick shares `ts`; rates use `mono_s`. */
export interface Tick {
  readonly ts: number;
  readonly mono_s: number;
  readonly runs: readonly RunTarget[];
  /** Run (and rank) of a process, resolved by the attribution module. */
  readonly attribute: (pid: number) => Attribution | null;
  /** The process sampler reports this tick's process tree here before anyone calls `attribute`. */
  readonly observeProcesses: (procs: readonly ProcNode[]) => void;
  /** Slurm jobs on this node, including those the process sampler found earlier in this tick. */
  readonly jobCgroups?: () => readonly JobCgroupTarget[];
  /**
   * Whether a process belongs to another Slurm node sharing this machine (testbeds: several
   * slurmd in one PID namespace). Such a process is not on this node: not sampled at all.
   */
  readonly elsewhere?: (pid: number) => boolean;
}

export interface Attribution {
  readonly run_id: string;
  readonly rank: number | null;
  readonly local_rank: number | null;
}

export interface SamplerInstance {
  sample(tick: Tick): Promise<RowsByTable> | RowsByTable;
  close(): Promise<void> | void;
}

/** Returned by `create` when the hardware or file system source does not exist here. */
export interface Absent {
  readonly absent: string;
}

export interface SamplerDef<C> {
  readonly id: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  /** Validates and wires up; cheap probes only. Returns Absent instead of throwing for missing hardware. */
  create(config: C, host: HostContext): Promise<SamplerInstance | Absent> | SamplerInstance | Absent;
}

export function defineSampler<C>(def: SamplerDef<C>): SamplerDef<C> {
  return def;
}

export function isAbsent(x: SamplerInstance | Absent): x is Absent {
  return 'absent' in x;
}
