import type { Store } from '@runlens/pipeline';

/*
 * The store reads of `runlens up`'s run registry. SQL over the store belongs in the shared
 * repository module; these two live here until it exists, and move there unchanged.
 */

export interface StoredRun {
  readonly run_id: string;
  readonly app: string;
  readonly user: string;
  readonly cmd: string;
  readonly alloc_cores: number;
  readonly start_ts: number;
  readonly job_id: string;
  readonly status: string;
}

const COLUMNS = (store: Store): string =>
  `run_id, app, user, cmd, alloc_cores, ${store.sql.ms('start_ts')} AS start_ms, job_id, status`;

type RawRun = Omit<StoredRun, 'start_ts' | 'alloc_cores'> & { start_ms: number | string; alloc_cores: number | string };

const toStored = (r: RawRun): StoredRun => ({
  run_id: r.run_id, app: r.app, user: r.user, cmd: r.cmd, alloc_cores: Number(r.alloc_cores),
  start_ts: Number(r.start_ms), job_id: r.job_id, status: r.status,
});

/** The newest row of one run, or null when the store has never seen it. */
export async function selectRunById(store: Store, runId: string): Promise<StoredRun | null> {
  const rows = await store.query<RawRun>(`SELECT ${COLUMNS(store)} FROM runs FINAL WHERE run_id = {id:String}`, { id: runId });
  return rows[0] ? toStored(rows[0]) : null;
}

/** Runs still marked running that touched `host`: at start-up of `up`, nobody monitors them any more. */
export async function selectRunningRunsOnHost(store: Store, host: string): Promise<StoredRun[]> {
  const rows = await store.query<RawRun>(
    `SELECT ${COLUMNS(store)} FROM runs FINAL WHERE status = 'running' AND has(hosts, {host:String})`, { host });
  return rows.map(toStored);
}
