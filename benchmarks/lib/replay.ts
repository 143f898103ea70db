// N virtual nodes from one real recording: each node replays the recording from its own offset,
// with its own host name, so the cluster looks like many real nodes out of phase.
import type { Row } from '@runlens/schemas';
import type { Recording } from './recording.ts';

export interface ReplayOptions {
  /** Wall-clock ms of replayed second 0. */
  readonly baseTs: number;
  /** Consecutive nodes that share one job (run id); its ranks number across them. */
  readonly nodesPerJob: number;
}

export interface ReplayedTick {
  readonly process: Row<'process_samples'>[];
  readonly node: Row<'node_samples'>[];
}

export const virtualHost = (node: number): string => `vnode-${String(node).padStart(5, '0')}`;

/** Rows of virtual node `node` at replayed second `t`. */
export function replayTick(rec: Recording, node: number, t: number, opts: ReplayOptions): ReplayedTick {
  const len = rec.ticks.length;
  const src = rec.ticks[(t + node * 7919) % len];
  if (!src) throw new Error('empty recording');
  const host = virtualHost(node);
  const ts = opts.baseTs + t * 1000;
  const job = `replay-job-${Math.floor(node / opts.nodesPerJob)}`;
  const jobPids = new Set(rec.job_pids);
  let local = 0;
  const perNode = rec.job_pids.length;
  const process = src.process.map((r) => {
    if (!jobPids.has(r.pid)) return { ...r, host, ts };
    const localRank = local++;
    return { ...r, host, ts, run_id: job, rank: (node % opts.nodesPerJob) * perNode + localRank, local_rank: localRank };
  });
  return { process, node: src.node.map((r) => ({ ...r, host, ts })) };
}

/** Values per second one virtual node sends: numeric columns of its rows (what a TSDB would call samples). */
export function valuesPerNodeSecond(rec: Recording): { process_rows: number; node_rows: number; values: number } {
  let rows = 0;
  let nodeRows = 0;
  let values = 0;
  for (const t of rec.ticks) {
    rows += t.process.length;
    nodeRows += t.node.length;
    for (const r of [...t.process, ...t.node]) {
      for (const [k, v] of Object.entries(r)) if (typeof v === 'number' && k !== 'ts' && k !== 'pid' && k !== 'ppid') values++;
    }
  }
  const n = rec.ticks.length || 1;
  return { process_rows: rows / n, node_rows: nodeRows / n, values: values / n };
}
