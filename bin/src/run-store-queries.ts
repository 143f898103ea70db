import type { Store } from '@runlens/pipeline';
import { type RunRecord, runById, runningRunsOnHost } from '@runlens/schemas';

/* The store reads of `runlens up`'s run registry, through the shared repositories (schemas/src/repositories/runs.ts). */

export interface StoredRun {
  readonly run_id: string;
  readonly app: string;
  readonly user: string;
  readonly cmd: string;
  readonly alloc_cores: number;
  /** From the run's GPU visibility variables; absent from clients older than the field. */
  readonly alloc_gpus?: number;
  readonly start_ts: number;
  readonly job_id: string;
  readonly status: string;
}

const toStored = (r: RunRecord): StoredRun => ({
  run_id: r.run_id, app: r.app, user: r.user, cmd: r.cmd, alloc_cores: r.alloc_cores, alloc_gpus: r.alloc_gpus,
  start_ts: r.start_ms, job_id: r.job_id, status: r.status,
});

/** The newest row of one run, or null when the store has never seen it. */
export async function selectRunById(store: Store, runId: string): Promise<StoredRun | null> {
  const r = await runById(store, runId);
  return r ? toStored(r) : null;
}

/** Runs still marked running that touched `host`: at start-up of `up`, nobody monitors them any more. */
export async function selectRunningRunsOnHost(store: Store, host: string): Promise<StoredRun[]> {
  return (await runningRunsOnHost(store, host)).map(toStored);
}
