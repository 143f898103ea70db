import type { Store } from '../store/store.ts';

/** A rank's totals from its last PMPI report (`runlens run --mpi`). */
export interface MpiRankTotals {
  readonly rank: number;
  readonly host: string;
  readonly pid: number;
  readonly wall_s: number;
  readonly mpi_s: number;
  readonly mpi_cpu_s: number;
  readonly cpu_s: number;
  readonly calls: number;
}

/** Ranks shown at most: a report is for people; the detector sees them all. */
export const MAX_REPORT_RANKS = 4096;

/** Each rank's last report in the run, by rank. */
export async function mpiRankTotals(store: Store, runId: string): Promise<MpiRankTotals[]> {
  const rows = await store.query<Record<keyof MpiRankTotals, number | string>>(
    `SELECT rank, host, pid, argMax(wall_s, ts) AS wall_s, argMax(mpi_s, ts) AS mpi_s, argMax(mpi_cpu_s, ts) AS mpi_cpu_s,
            argMax(cpu_s, ts) AS cpu_s, argMax(calls, ts) AS calls
     FROM mpi_samples FINAL WHERE run_id = {run_id:String}
     GROUP BY rank, host, pid ORDER BY rank, host, pid LIMIT ${MAX_REPORT_RANKS}`, { run_id: runId });
  return rows.map((r) => ({
    rank: Number(r.rank), host: String(r.host), pid: Number(r.pid), wall_s: Number(r.wall_s), mpi_s: Number(r.mpi_s),
    mpi_cpu_s: Number(r.mpi_cpu_s), cpu_s: Number(r.cpu_s), calls: Number(r.calls),
  }));
}
